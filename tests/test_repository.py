"""The repository a radar lives in: each daily commit touches the day's files only, the brief step
opens only the entries it must, and the daily job's partial clone with a sparse checkout works
against a real git remote (a bare repository served over file://), fetching an old entry only
when the day changes it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from fake_openai import chat_calls, serve
from feedserver import FeedServer
from helpers import RULES, indexed, snapshot

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import Corpus, arxiv_rss  # noqa: E402

from pipeline.archive.entry import metadata, paper_digest, read_entry, read_record  # noqa: E402
from pipeline.archive.index import key_hash, read_keys  # noqa: E402
from pipeline.brief import stage  # noqa: E402
from pipeline.brief.settings import resolve_settings  # noqa: E402
from pipeline.config.brief import BriefConfig  # noqa: E402
from pipeline.layout import Layout  # noqa: E402

# the first day, then five weeks later three days in a row: the digests' window no longer reaches day one
DAYS = [date(2026, 3, 2), date(2026, 4, 6), date(2026, 4, 7), date(2026, 4, 20)]
CANDIDATES = 120  # a day's announcement; the rules keep about one in nine


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def servers():
    with FeedServer() as feeds, serve() as model:
        yield feeds, model


@pytest.fixture(scope="module")
def history(tmp_path_factory, servers):
    """A radar's repository after three daily runs (the first five weeks before the others): a bare
    'origin' that allows partial clones, the full clone the runs worked in, the papers of the first
    day, and the files each day's commit touched with the files it was allowed to touch."""
    feeds, _ = servers
    tmp = tmp_path_factory.mktemp("radar")
    origin, work = tmp / "origin.git", tmp / "work"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp)
    git("config", "uploadpack.allowFilter", "true", cwd=origin)
    git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=origin)
    git("clone", "--quiet", f"file://{origin}", str(work), cwd=tmp)
    configure(work)
    shutil.copytree(RULES, work / "rules")
    (work / "sources.yml").write_text(
        yaml.safe_dump(
            {
                "http": {"arxiv_interval": 0},
                "sources": [
                    {"id": "arxiv", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "url": feeds.base + "/rss"}
                ],
            }
        ),
        encoding="utf-8",
    )
    git("add", "--all", cwd=work)
    git("commit", "--quiet", "-m", "A radar", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)
    corpus = Corpus(seed=3)
    first = corpus.day(DAYS[0], CANDIDATES)
    commits = []
    for day, papers in zip(DAYS[:3], (first, corpus.day(DAYS[1], CANDIDATES), corpus.day(DAYS[2], CANDIDATES))):
        run_day(work, day, papers, servers)
        touched = set(git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD", cwd=work).split())
        commits.append((day, touched, the_days_files(work, day)))
    return {"origin": origin, "work": work, "first": first, "commits": commits, "corpus": corpus}


def configure(clone: Path) -> None:
    for key, value in (("user.name", "test"), ("user.email", "test@example.org"), ("commit.gpgsign", "false")):
        git("config", key, value, cwd=clone)


def academichub(*args: str, cwd: Path, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160", **(env or {})},
        **kwargs,
    )


def run_day(work: Path, day: date, papers: list[dict], servers) -> None:
    """The daily workflow's steps for ``day``: fetch and brief (bilingual, from the model server), then
    `academichub commit`, which commits content/ and state/ and pushes."""
    feeds, model = servers
    feeds.add("/rss", body=arxiv_rss(papers, day))
    env = {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": model.url, "ACADEMICHUB_MODEL": "gpt-4o-mini"}
    done = academichub("run", "--date", day.isoformat(), "--no-build", "--no-notify", cwd=work, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    pushed = academichub(
        "commit", "--date", day.isoformat(), cwd=work, env={"GITHUB_TOKEN": "", "GITHUB_OUTPUT": ""}, timeout=120
    )
    assert pushed.returncode == 0, pushed.stderr


def the_days_files(work: Path, day: date) -> set[str]:
    """What a commit of ``day`` may touch: the entries that arrived or changed that day, the index
    files of their months, the day's (and its week's) briefs, its brief-cache and embedding files
    (with the semantic extra) and its run record."""
    layout = Layout(work / "content", work / "state")
    entries = [e for p in layout.entry_files() if (e := read_entry(p, layout.content))]
    days = [e for e in entries if e.day == day or e.paper.events_on(day)]
    year, week, _ = day.isocalendar()
    months = {f"{e.rel.split('/')[1]}-{e.rel.split('/')[2]}" for e in days}
    allowed = {f"content/{e.rel}" for e in days} | {
        f"state/{kind}/{m}.{ext}" for m in months for kind, ext in (("papers", "json"), ("keys", "txt"))
    }
    allowed |= {
        f"content/briefs/{day}.md",
        f"content/briefs/weekly/{year}-W{week:02d}.md",
        f"state/brief-cache/papers/{day}.json",
        f"state/brief-cache/digests/{day}.json",
        "state/runs.jsonl",
        "state/briefs.jsonl",
        "state/http-cache.json",
        "state/embeddings/manifest.json",
    }
    allowed |= {
        f"state/embeddings/{d:%Y/%m}/{d}.{kind}" for d in {day} | {e.day for e in days} for kind in ("npy", "json")
    }
    return allowed


def test_each_daily_commit_touches_only_the_days_files(history):
    for day, touched, allowed in history["commits"]:
        assert touched and touched <= allowed, (day, sorted(touched - allowed))
        assert f"content/briefs/{day}.md" in touched and "state/runs.jsonl" in touched
    work = history["work"]
    assert not (work / "state" / "papers.json").exists()
    # the index lists every entry, one file a month of entry folders, every brief written
    listed = indexed(work / "state")
    assert sorted(p["path"] for p in listed.values()) == sorted(
        p.relative_to(work / "content").as_posix() for p in (work / "content" / "papers").rglob("*.md")
    )
    assert sorted(p.name for p in (work / "state" / "papers").iterdir()) == ["2026-03.json", "2026-04.json"]
    assert all(not p["due"] and p["brief"] == "done" for p in listed.values())


def test_the_brief_step_opens_the_days_entries_and_those_due_only(history, servers, tmp_path, monkeypatch):
    work = tmp_path / "work"
    shutil.copytree(history["work"], work)
    layout = Layout(work / "content", work / "state")
    before = indexed(work / "state")
    old = {p for p, item in before.items() if item["day"] < DAYS[1].isoformat()}
    # one paper of the first day made pending again through the index: the one old entry due
    pending = sorted(old)[0]
    shard = work / "state" / "papers" / "2026-03.json"
    data = json.loads(shard.read_text(encoding="utf-8"))
    data["papers"][pending]["brief"] = "pending"
    shard.write_text(json.dumps(data), encoding="utf-8")
    opened = []
    monkeypatch.setattr(stage, "read_entry", lambda path, root: opened.append(path) or read_entry(path, root))
    settings = resolve_settings(
        BriefConfig(), model="gpt-4o-mini", env={"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": servers[1].url}
    )
    report = stage.run_brief(layout, settings, rules_dir=work / "rules", day=DAYS[2])
    listed = indexed(work / "state")
    opened_ids = {p for p, item in listed.items() if work / "content" / item["path"] in opened}
    # the digests' days (the second and third) and the one due; none of the first day's others
    assert opened_ids == (set(listed) - old) | {pending}
    assert report.papers_seen == len(listed) and report.done == 0
    assert listed[pending]["brief"] == "done"  # its entry already had its brief: the index says so again
    assert {p: {**i, "brief": "done"} for p, i in listed.items()} == {
        p: {**i, "brief": "done"} for p, i in before.items()
    }


def test_the_daily_jobs_partial_sparse_clone_fetches_old_entries_only_when_needed(history, servers, tmp_path):
    origin, work, first = tmp_path / "origin.git", history["work"], history["first"]
    shutil.copytree(history["origin"], origin)
    layout = Layout(work / "content", work / "state")
    old = {
        e.paper.arxiv_id: e for p in layout.entry_files() if (e := read_entry(p, layout.content)) and e.day == DAYS[0]
    }
    replaced = next(p for p in first if p["id"] in old)

    daily = workflow_checkout(origin, tmp_path / "daily", DAYS[3])
    on_disk = {p.relative_to(daily).as_posix() for p in (daily / "content").rglob("*.md")}
    assert on_disk and not any(f"content/{e.rel}" in on_disk for e in old.values())  # the first day: six weeks back
    assert len(on_disk) < len(git("ls-files", "content", cwd=daily).split())
    objects = git("rev-list", "--objects", "--missing=print", "HEAD", cwd=daily).split("\n")
    assert any(line.startswith("?") for line in objects)  # blobs never downloaded

    # the day brings new papers and a new version of a first-day paper, whose entry is checked out for it
    v2 = {**replaced, "version": 2, "abstract": replaced["abstract"] + " We add a second experiment."}
    run_day(daily, DAYS[3], history["corpus"].day(DAYS[3], CANDIDATES) + [v2], servers)
    entry = daily / "content" / old[replaced["id"]].rel
    assert "\nVersion: 2\n" in entry.read_text(encoding="utf-8")
    pushed = git("diff", "--name-status", "HEAD~1", "HEAD", cwd=origin).splitlines()
    assert pushed and not [line for line in pushed if line.startswith("D")]  # the sparse checkout deleted nothing
    assert f"M\tcontent/{old[replaced['id']].rel}" in pushed
    assert len(git("ls-tree", "-r", "--name-only", "HEAD", "content/papers", cwd=origin).split()) == len(
        git("ls-tree", "-r", "--name-only", "HEAD~1", "content/papers", cwd=origin).split()
    ) + sum(1 for line in pushed if line.startswith("A\tcontent/papers/"))
    touched = {line.split("\t", 1)[1] for line in pushed}
    assert touched <= the_days_files(daily, DAYS[3]), sorted(touched - the_days_files(daily, DAYS[3]))
    # its brief was written again, from the new text
    assert indexed(daily / "state")[f"arxiv:{replaced['id']}"]["brief"] == "done"
    assert json.loads(metadata(entry)["Brief"])["paper_digest"] == paper_digest(read_record(entry))


def workflow_checkout(origin: Path, daily: Path, day: date) -> Path:
    """The daily workflow's checkout for ``day``, as actions/checkout makes it from the step's settings:
    no file contents, the step's sparse-checkout patterns, then `academichub checkout` (the recent entries)."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "radar-daily.yml").read_text(encoding="utf-8"))
    (settings, *_) = [
        s["with"] for s in workflow["jobs"]["update"]["steps"] if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert settings["sparse-checkout-cone-mode"] is False
    git(
        "clone",
        "--quiet",
        f"--filter={settings['filter']}",
        "--no-checkout",
        f"file://{origin}",
        str(daily),
        cwd=daily.parent,
    )
    git("sparse-checkout", "set", "--no-cone", *settings["sparse-checkout"].split(), cwd=daily)
    git("checkout", "--quiet", "main", cwd=daily)
    (step,) = [s for s in workflow["jobs"]["update"]["steps"] if s.get("run", "").startswith("academichub checkout")]
    assert step["run"] == 'academichub checkout --date "$DAY"'
    configure(daily)
    done = academichub("checkout", "--date", day.isoformat(), cwd=daily)
    assert done.returncode == 0, done.stderr
    return daily


def needed_months(work: Path, day: date) -> set[str]:
    """The months whose index files a run on ``day`` needs: those of the entries of the 45 radar days
    before it (their folders' months), and those of the days."""
    first = day - timedelta(days=45)
    recent = {
        item["path"].split("/")[1] + "-" + item["path"].split("/")[2]
        for item in indexed(work / "state").values()
        if first.isoformat() <= item["day"] <= day.isoformat()
    }
    return recent | {f"{first + timedelta(days=n):%Y-%m}" for n in range(46)}


def index_files(clone: Path) -> set[str]:
    return {p.stem for p in (clone / "state" / "papers").glob("*.json")}


LATER = DAYS[2] + timedelta(days=40)  # the first day's month is out of the recent days' checkout


def test_a_full_day_in_the_daily_checkout_reads_an_old_months_index_file_only_when_asked(history, servers, tmp_path):
    """The daily checkout of a day six weeks after the first month: the key files, and the index files
    of the recent days' months only.  A day's run (fetch, brief, build) and commit work in it; a new
    version of a paper of the first month is found through its key file, its month's index file then
    checked out, and the day's commit touches the day's files only."""
    origin, work, first = tmp_path / "origin.git", history["work"], history["first"]
    shutil.copytree(history["origin"], origin)
    months = {p.stem for p in (work / "state" / "papers").glob("*.json")}
    daily = workflow_checkout(origin, tmp_path / "daily", LATER)
    assert "2026-03" in months and "2026-03" not in needed_months(work, LATER)
    assert index_files(daily) == months & needed_months(work, LATER)
    assert {p.stem for p in (daily / "state" / "keys").glob("*.txt")} == months
    layout = Layout(daily / "content", daily / "state")
    old = {
        e.paper.arxiv_id: e for p in Layout(work / "content").entry_files() if (e := read_entry(p, work / "content"))
    }
    replaced = next(p for p in first if p["id"] in old)
    assert not (layout.content / old[replaced["id"]].rel).exists()

    # the radar's site settings (a current tier of the newest month), then the day: run and commit
    shutil.copytree(ROOT / "theme", daily / "theme")
    settings = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    (daily / "pelicanconf.py").write_text(settings + "\nARCHIVE_CURRENT_PAPERS = 1\n", encoding="utf-8")
    feeds, model = servers
    v2 = {**replaced, "version": 2, "abstract": replaced["abstract"] + " We add a third experiment."}
    feeds.add("/rss", body=arxiv_rss(history["corpus"].day(LATER, CANDIDATES) + [v2], LATER))
    env = {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": model.url, "ACADEMICHUB_MODEL": "gpt-4o-mini"}
    done = academichub("run", "--date", LATER.isoformat(), "--no-notify", cwd=daily, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (daily / "output" / "index.html").is_file()
    pushed = academichub(
        "commit", "--date", LATER.isoformat(), cwd=daily, env={"GITHUB_TOKEN": "", "GITHUB_OUTPUT": ""}, timeout=120
    )
    assert pushed.returncode == 0, pushed.stderr

    entry = layout.content / old[replaced["id"]].rel
    assert "\nVersion: 2\n" in entry.read_text(encoding="utf-8")
    assert "2026-03" in index_files(daily)  # checked out when the key file's hash matched
    changes = git("diff", "--name-status", "HEAD~1", "HEAD", cwd=origin).splitlines()
    assert changes and not [line for line in changes if line.startswith("D")]
    touched = {line.split("\t", 1)[1] for line in changes}
    assert f"content/{old[replaced['id']].rel}" in touched and "state/papers/2026-03.json" in touched
    assert touched <= the_days_files(daily, LATER), sorted(touched - the_days_files(daily, LATER))
    # the first month's index lists every paper it did, the new version's entry changed on the day
    before, after = indexed(work / "state"), indexed(daily / "state")
    assert set(before) <= set(after)
    assert after[f"arxiv:{replaced['id']}"]["changed"] == LATER.isoformat()
    assert after[f"arxiv:{replaced['id']}"]["path"] == before[f"arxiv:{replaced['id']}"]["path"]


def test_a_radar_whose_key_files_have_no_radar_days_is_migrated_by_its_next_daily_run(history, servers, tmp_path):
    """Key files as the release before wrote them (a slug and hashes a line): the daily checkout takes
    every month's index file, the run writes the key files again with paths and radar days, and the
    next day's checkout leaves the older months' index files out."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    shutil.copytree(history["origin"], origin)
    git("clone", "--quiet", f"file://{origin}", str(work), cwd=tmp_path)
    configure(work)
    listed = indexed(work / "state")
    by_month: dict[str, list[str]] = {}
    for item in sorted(listed.values(), key=lambda i: i["path"]):
        line = " ".join([Path(item["path"]).stem, *sorted({key_hash(k) for k in item["keys"]})])
        by_month.setdefault(item["path"].split("/")[1] + "-" + item["path"].split("/")[2], []).append(line)
    for month, lines in by_month.items():
        (work / "state" / "keys" / f"{month}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    git("commit", "--quiet", "-am", "Key files of the release before", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)
    assert all(found.days is None for found in read_keys(work / "state" / "keys").values())

    daily = workflow_checkout(origin, tmp_path / "daily", LATER)
    assert index_files(daily) == set(by_month)  # their radar days unknown: every month's index file
    run_day(daily, LATER, history["corpus"].day(LATER, CANDIDATES), servers)
    found = read_keys(daily / "state" / "keys")
    assert set(by_month) <= set(found) and all(k.days is not None for k in found.values())
    assert {rel for k in found.values() for rel in k.days} == {i["path"] for i in indexed(daily / "state").values()}
    assert set(listed) <= set(indexed(daily / "state"))
    later = workflow_checkout(origin, tmp_path / "later", LATER + timedelta(days=1))
    assert index_files(later) == set(found) & needed_months(daily, LATER + timedelta(days=1))
    assert "2026-03" not in index_files(later)


MIGRATED = ROOT / "tests" / "fixtures" / "radar-before-index-shards"


def test_a_radar_of_the_release_before_is_migrated_losslessly(servers, tmp_path):
    """A radar the release before wrote (tests/fixtures/radar-before-index-shards: two days fetched and
    briefed by its ``academichub run``, one ``state/papers.json``, the brief cache in 256 shards)
    gets the index by month on its next run: every entry, path and key kept, nothing else changed."""
    feeds, model = servers
    project = tmp_path / "radar"
    shutil.copytree(MIGRATED, project)
    shutil.copytree(ROOT / "rules", project / "rules")  # the rules it was made with (its briefs' requests name them)
    (project / "sources.yml").write_text(
        yaml.safe_dump(
            {
                "http": {"arxiv_interval": 0},
                "sources": [
                    {"id": "arxiv", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "url": feeds.base + "/rss"}
                ],
            }
        ),
        encoding="utf-8",
    )
    legacy = json.loads((project / "state" / "papers.json").read_text(encoding="utf-8"))
    content, cache = snapshot(project / "content"), snapshot(project / "state" / "brief-cache")
    env = {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": model.url, "ACADEMICHUB_MODEL": "gpt-4o-mini"}
    day = date(2026, 5, 4)  # its generated arXiv ids are of May: none is one of the radar's
    feeds.add("/rss", body=arxiv_rss(Corpus(seed=12).day(day, CANDIDATES), day))
    done = academichub("run", "--date", day.isoformat(), "--no-build", "--no-notify", cwd=project, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    assert not (project / "state" / "papers.json").exists()
    listed = indexed(project / "state")
    # the key files are written beside the index: each month's slugs and its papers' key hashes
    found = read_keys(project / "state" / "keys")
    assert sorted(found) == sorted(p.stem for p in (project / "state" / "papers").glob("*.json"))
    assert {key_hash(k) for item in listed.values() for k in item["keys"]} == set().union(
        *(month.hashes for month in found.values())
    )
    assert {Path(item["path"]).stem for item in listed.values()} == set().union(*(m.slugs for m in found.values()))
    for paper_id, rel in legacy["entries"].items():
        assert listed[paper_id]["path"] == rel and set(legacy["keys"][paper_id]) <= set(listed[paper_id]["keys"])
        assert listed[paper_id]["brief"] == metadata(project / "content" / rel)["Brief_status"] == "done"
        assert not listed[paper_id]["due"]
    after = snapshot(project / "content")
    assert {k: v for k, v in after.items() if k in content} == content  # the old entries and briefs: not a byte
    assert len(listed) == len(legacy["entries"]) + sum(1 for k in after if k.startswith("papers/") and k not in content)
    assert {k: v for k, v in snapshot(project / "state" / "brief-cache").items() if k in cache} == cache

    # the same day again changes nothing; an index rebuilt from content/ is the same, byte for byte
    index = snapshot(project / "state" / "papers") | snapshot(project / "state" / "keys")
    done = academichub("run", "--date", day.isoformat(), "--no-build", "--no-notify", cwd=project, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert snapshot(project / "content") == after
    assert snapshot(project / "state" / "papers") | snapshot(project / "state" / "keys") == index
    shutil.rmtree(project / "state" / "papers")
    shutil.rmtree(project / "state" / "keys")
    done = academichub("fetch", "--date", day.isoformat(), cwd=project, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert snapshot(project / "state" / "papers") | snapshot(project / "state" / "keys") == index

    # an old entry whose brief is asked for again finds it in the old cache's shards: no model call
    old = project / "content" / sorted(legacy["entries"].values())[0]
    old.write_text(
        old.read_text(encoding="utf-8").replace("Brief_status: done", "Brief_status: pending"), encoding="utf-8"
    )
    calls = chat_calls(model)
    done = academichub("brief", "--all", "--no-daily", cwd=project, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert chat_calls(model) == calls and metadata(old)["Brief_status"] == "done"


def test_the_daily_build_in_the_sparse_checkout_checks_out_the_current_tier_only(history, tmp_path):
    """The first build of a sparse checkout (a cache miss) checks out every month once and builds it;
    the next day's build, its checkout set to the recent days again, keeps the closed month as built
    and checks out nothing of it."""
    origin = tmp_path / "origin.git"
    shutil.copytree(history["origin"], origin)
    daily = tmp_path / "daily"
    git("clone", "--quiet", "--filter=blob:none", "--sparse", f"file://{origin}", str(daily), cwd=tmp_path)
    configure(daily)
    shutil.copytree(ROOT / "theme", daily / "theme")
    # the radar's own settings file over the package's defaults: a current tier of the newest month only
    settings = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    (daily / "pelicanconf.py").write_text(settings + "\nARCHIVE_CURRENT_PAPERS = 1\n", encoding="utf-8")
    closed = sorted(p["path"] for p in indexed(history["work"] / "state").values() if p["day"] < "2026-04")
    recent = sorted(p["path"] for p in indexed(history["work"] / "state").values() if p["day"] >= "2026-04")
    assert closed and recent

    def day_of(day: date) -> tuple[set[str], str]:
        done = academichub("checkout", "--date", day.isoformat(), cwd=daily)
        assert done.returncode == 0, done.stderr
        assert set(recent) <= entries()  # the recent days' entries, from the first checkout of a --sparse clone on
        done = academichub("build", "--jobs", "1", cwd=daily, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return entries(), done.stdout + done.stderr

    def entries() -> set[str]:
        return {p.relative_to(daily / "content").as_posix() for p in (daily / "content").rglob("*.md")}

    later = LATER
    first, said = day_of(later)
    assert "2026-03" not in index_files(daily)  # closed, and planned from its key file
    assert set(closed) <= first  # no shard yet (a cache miss): the closed month is checked out, built
    assert "closed months: 1 built, 0 kept" in said
    pages = {p.relative_to(daily / "output").as_posix() for p in (daily / "output" / "papers").glob("*.html")}
    assert len(pages) == len(indexed(history["work"] / "state"))
    after, said = day_of(later)  # the checkout set to the recent days again: the closed month's shard stands
    assert "closed months: 0 built, 1 kept" in said
    assert after and not set(closed) & after
    assert pages <= {p.relative_to(daily / "output").as_posix() for p in (daily / "output" / "papers").glob("*.html")}


def test_a_seeded_history_is_what_the_runs_write(servers, tmp_path):
    """The benchmark's fast history (bench/bench_repository.py --seed) against the same days run
    by the pipeline: every file it commits is the runs' file, byte for byte (the run records but
    for the time they ran); the runs' daily briefs are what it leaves out."""
    from bench_repository import Radar, Seeder

    feeds, model = servers
    real, seeded = (tmp_path / "real", tmp_path / "seeded")
    real.mkdir(), seeded.mkdir()
    real, seeded = Radar(real, feeds, model.url, per_day=15), Radar(seeded, feeds, model.url, per_day=15)
    seeder = Seeder(seeded)
    for day in (date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 1)):
        real.history_day(day)
        seeder.day(day)
    seeder.finish()

    def tree(origin: Path) -> dict[str, str]:
        return dict(line.split("\t")[::-1] for line in git("ls-tree", "-r", "HEAD", cwd=origin).splitlines())

    ran, made = tree(real.origin), tree(seeded.origin)
    assert sum(path.startswith("content/papers/") for path in made) > 20
    assert {"state/papers/2026-01.json", "state/keys/2026-02.txt", "state/brief-cache/papers/2026-02-01.json"} <= set(
        made
    )
    left_out = {p for p in ran if p.startswith(("content/briefs/", "state/brief-cache/digests/"))}
    assert set(ran) - set(made) == left_out | {"state/briefs.jsonl"}
    differ = {p for p in made if made[p] != ran[p]}
    assert differ == {"state/runs.jsonl"}

    def runs(origin: Path) -> list[dict]:
        lines = git("show", "HEAD:state/runs.jsonl", cwd=origin).splitlines()
        return [{k: v for k, v in json.loads(line).items() if k != "run_at"} for line in lines]

    assert runs(seeded.origin) == runs(real.origin)
    assert len(git("rev-list", "HEAD", cwd=seeded.origin).split()) == 4  # the radar's first commit, then a day each
