"""Years of a radar in a real git repository: what the daily job transfers, checks out and commits.

Generated arXiv days (bench/corpus.py, about ``--per-day`` papers kept a day by the repository's
rules) are fetched and briefed by the real pipeline (bilingual briefs from the OpenAI-compatible
model server of tests/support/fake_openai.py on 127.0.0.1) in a clone of a bare 'origin', and
committed and pushed by ``academichub commit``, one commit a day, as the daily workflow
does. At each day of ``--measure`` the day after is run the way the daily workflow runs it, in a
partial clone (``--filter=blob:none``) with the sparse checkout of ``academichub checkout``, and
measured: what the clone transferred, what it checked out, the time of its clone, run (fetch +
brief) and commit; with them the repository's size, its largest file, what a day's commit touches,
and what a contributor who proposes a rule clones (shallow, partial, sparse: ``rules/`` and ``.github/``).

With ``--seed`` the days between the measured ones are written in-process by the pipeline's writers
and committed by one ``git fast-import`` (``Seeder``); ``actions_cache`` measures the daily job's
Actions cache of a radar checked out whole.

    python bench/bench_repository.py --days 1095 --per-day 250 --measure 365,730,1095   # three years: hours
    python bench/bench_repository.py --days 1095 --per-day 20 --measure 365,1095 --seed # half an hour
    python bench/bench_repository.py --days 60 --per-day 40 --measure 20,60             # minutes
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from corpus import Corpus, arxiv_rss
from fake_openai import paper_answer, serve
from feedserver import FeedServer

from pipeline.archive import candidates, lock, runlog
from pipeline.archive.entry import BriefStatus, read_entry
from pipeline.archive.identity import dedupe
from pipeline.archive.index import Index, shard_name, write_papers
from pipeline.brief import prompts, resolve_settings, run_brief
from pipeline.brief.cache import Cache, request_key
from pipeline.brief.entries import write_entry
from pipeline.brief.grounding import Grounding
from pipeline.brief.paper import grounded, paper_messages, provenance, rule_names, stamp
from pipeline.brief.report import BriefMode, BriefReport
from pipeline.brief.schemas import paper_answer_model
from pipeline.config import HttpSettings, load_rules
from pipeline.config.brief import BriefConfig
from pipeline.fetch.curate import compile_rules, curate
from pipeline.fetch.http import Client
from pipeline.fetch.job import read_sources, run_fetch
from pipeline.fetch.sources import SourcesFile, source_settings
from pipeline.layout import Layout

FIRST_DAY = date(2026, 1, 1)
GROUNDING_SAMPLE = 7  # a seeded history checks the grounding of one paper brief in about this many
MODEL = {"OPENAI_API_KEY": "bench", "ACADEMICHUB_MODEL": "gpt-4o-mini"}


def git(*args: str, cwd: Path, stdin: str | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=stdin, check=False)
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def tree_bytes(folder: Path, skip: str = ".git") -> tuple[int, int]:
    """Files and bytes under ``folder`` (``skip`` left out)."""
    files = size = 0
    for base, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != skip]
        for name in names:
            files += 1
            size += os.lstat(os.path.join(base, name)).st_size
    return files, size


def configure(clone: Path) -> None:
    for key, value in (("user.name", "bench"), ("user.email", "bench@example.org"), ("commit.gpgsign", "false")):
        git("config", key, value, cwd=clone)


def commit_back(clone: Path, day: date) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "commit", "--date", day.isoformat()],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_TOKEN": "", "GITHUB_OUTPUT": ""},
    )
    if done.returncode:
        raise RuntimeError(f"academichub commit {day}: {done.stderr.strip()}")


def days_file(path: str, day: date) -> bool:
    """Whether a daily commit of ``day`` may touch ``path``: an entry (new, or one the day's feed
    updated: counted apart), the month files of the index, the day's brief and brief-cache files,
    the week's brief, the run logs."""
    name = path.rsplit("/", 1)[-1]
    return (
        path.startswith("content/papers/")
        or path in (f"content/briefs/{day}.md", "state/runs.jsonl", "state/briefs.jsonl", "state/http-cache.json")
        or path.startswith(("content/briefs/weekly/", "state/papers/", "state/keys/"))
        or (path.startswith("state/brief-cache/") and name == f"{day}.json")
    )


class Radar:
    """The repository and the servers: a bare origin, the clone the history is made in."""

    def __init__(self, folder: Path, feeds: FeedServer, model_url: str, per_day: int):
        self.folder, self.feeds, self.model_url, self.per_day = folder, feeds, model_url, per_day
        self.origin, self.work = folder / "origin.git", folder / "history"
        git("init", "--quiet", "--bare", "--initial-branch=main", str(self.origin), cwd=folder)
        git("config", "uploadpack.allowFilter", "true", cwd=self.origin)
        git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=self.origin)
        git("clone", "--quiet", f"file://{self.origin}", str(self.work), cwd=folder)
        configure(self.work)
        shutil.copytree(ROOT / "rules", self.work / "rules")
        for name in ("pelicanconf.py", "publishconf.py"):
            shutil.copy(ROOT / name, self.work / name)
        shutil.copytree(ROOT / ".github", self.work / ".github")
        self.sources = {
            "http": {"arxiv_interval": 0},
            "sources": [
                {"id": "arxiv", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "url": feeds.base + "/rss"}
            ],
        }
        (self.work / "sources.yml").write_text(yaml.safe_dump(self.sources), encoding="utf-8")
        git("add", "--all", cwd=self.work)
        git("commit", "--quiet", "-m", "A radar", cwd=self.work)
        git("push", "--quiet", "origin", "HEAD:main", cwd=self.work)
        self.corpus = Corpus(seed=2026)
        self.kept = 0.35  # the share of candidates the rules keep, measured as the days go
        self.rules = load_rules(ROOT / "rules")
        self.settings = resolve_settings(
            BriefConfig(), model=MODEL["ACADEMICHUB_MODEL"], env={**MODEL, "OPENAI_BASE_URL": model_url}
        )

    def serve_day(self, day: date) -> int:
        candidates = max(10, round(self.per_day / self.kept))
        self.feeds.add("/rss", body=arxiv_rss(self.corpus.day(day, candidates), day))
        return candidates

    def sources_file(self) -> SourcesFile:
        return SourcesFile(
            http=HttpSettings(arxiv_interval=0),
            sources=[
                source_settings(id="arxiv", kind="arxiv_rss", label="arXiv ({CATEGORY})", url=self.feeds.base + "/rss")
            ],
        )

    def history_day(self, day: date) -> None:
        """A day made in-process (fetch, brief), committed and pushed as the workflow does."""
        candidates = self.serve_day(day)
        layout = Layout(self.work / "content", self.work / "state")
        new = len(run_fetch(self.sources_file(), self.rules, layout, day, use_cache=False).new)
        self.kept = 0.8 * self.kept + 0.2 * max(new, 1) / candidates
        run_brief(layout, self.settings, rules_dir=self.work / "rules", day=day)
        commit_back(self.work, day)

    def daily_job(self, day: date) -> dict:
        """The daily workflow's way: a partial clone, the sparse checkout, ``academichub run``, the commit."""
        job = self.folder / f"job-{day}"
        t0 = time.perf_counter()
        git(
            "clone",
            "--quiet",
            "--filter=blob:none",
            "--no-checkout",
            "--depth=1",
            f"file://{self.origin}",
            str(job),
            cwd=self.folder,
        )
        git("sparse-checkout", "set", "--no-cone", "/*", "!/content/papers/", "!/state/brief-cache/", cwd=job)
        git("checkout", "--quiet", "main", cwd=job)
        subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "checkout", "--date", day.isoformat()],
            cwd=job,
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        clone = time.perf_counter() - t0
        transferred = tree_bytes(job / ".git" / "objects", skip="")[1]
        files, checkout = tree_bytes(job)
        configure(job)
        self.serve_day(day)
        t1 = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "run",
                "--date",
                day.isoformat(),
                "--no-build",
                "--no-notify",
                "--no-embed",
            ],
            cwd=job,
            capture_output=True,
            text=True,
            env={**os.environ, **MODEL, "OPENAI_BASE_URL": self.model_url, "PYTHONPATH": str(ROOT)},
        )
        if done.returncode:
            raise RuntimeError(f"academichub run {day}: {done.stderr[-2000:]}")
        t2 = time.perf_counter()
        commit_back(job, day)
        t3 = time.perf_counter()
        touched = git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD", cwd=job).split()
        changed = git("diff-tree", "--no-commit-id", "--name-only", "-r", "--diff-filter=M", "HEAD", cwd=job).split()
        beyond = [path for path in touched if not days_file(path, day)]
        if beyond:
            raise RuntimeError(f"the commit of {day} touched files beyond the day's: {beyond[:5]}")
        shutil.rmtree(job)
        git("pull", "--quiet", "--ff-only", "origin", "main", cwd=self.work)
        return {
            "clone_s": clone,
            "run_s": t2 - t1,
            "commit_s": t3 - t2,
            "transferred": transferred,
            "checkout_files": files,
            "checkout": checkout,
            "touched": len(touched),
            "entries_changed": sum(path.startswith("content/papers/") for path in changed),
        }

    def repository(self) -> dict:
        """The origin after ``git gc``: packed size, files, largest file, a contributor's clone."""
        git("gc", "--quiet", cwd=self.origin)
        packed = tree_bytes(self.origin / "objects", skip="")[1]
        tree = [line.split(None, 4) for line in git("ls-tree", "-r", "-l", "HEAD", cwd=self.origin).splitlines()]
        largest = max(tree, key=lambda row: int(row[3]))
        contributor = self.folder / "contributor"
        git(
            "clone",
            "--quiet",
            "--depth=1",
            "--filter=blob:none",
            "--sparse",
            f"file://{self.origin}",
            str(contributor),
            cwd=self.folder,
        )
        git("sparse-checkout", "set", "--sparse-index", "rules", ".github", cwd=contributor)
        contributed = tree_bytes(contributor, skip="")[1]
        shutil.rmtree(contributor)
        papers = sum(1 for row in tree if row[4].startswith("content/papers/"))
        return {
            "packed": packed,
            "files": len(tree),
            "papers": papers,
            "checkout_full": sum(int(r[3]) for r in tree),
            "largest": (largest[4], int(largest[3])),
            "contributor": contributed,
        }


class Seeder:
    """A fast history: each day fetched (the feed read from 127.0.0.1, curated by the rules) and
    written by the pipeline's own writers in-process — entries, index and key files, the brief cache,
    the run record — briefed with the answers the fake model server gives (tests/support/fake_openai.py,
    called in-process, no HTTP), and committed by one ``git fast-import`` into the origin, one commit
    a day.  What it leaves out: the daily and weekly briefs and ``state/briefs.jsonl``."""

    def __init__(self, radar: Radar):
        self.radar = radar
        self.layout = Layout(radar.work / "content", radar.work / "state")
        self.index = Index.load(self.layout.content, self.layout.index_dir)
        self.rules = rule_names(radar.work / "rules")
        self.compiled = compile_rules(radar.rules)
        self.prompt = prompts.load("paper")
        self.answers = paper_answer_model(radar.settings.languages)
        alternates = radar.work / ".git" / "objects" / "info" / "alternates"
        alternates.write_text(str(radar.origin / "objects") + "\n", encoding="utf-8")
        self.importer: subprocess.Popen | None = None
        self.parent = ""

    def _start(self) -> None:
        self.parent = git("rev-parse", "main", cwd=self.radar.origin).strip()
        self.importer = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"], cwd=self.radar.origin, stdin=subprocess.PIPE
        )

    def day(self, day: date) -> None:
        if self.importer is None:
            self._start()
        # the files go to git through fast-import, read back at once: they need not survive a crash;
        # the state lock held as a run holds it (the run log is then trimmed to its last runs)
        with mock.patch.object(os, "fsync", lambda _: None), lock.hold(self.layout.state, "run"):
            self._write_day(day)

    def _write_day(self, day: date) -> None:
        radar, layout, settings = self.radar, self.layout, self.radar.settings
        served = radar.serve_day(day)
        config = radar.sources_file()
        papers, reports = read_sources(config, Client(config.http), day)
        by_source = {r.source: r for r in reports}
        unique, merged_away = dedupe(papers)
        candidates.save(layout.state, day, unique)  # not committed: the Actions cache keeps them
        for merged in merged_away:
            by_source[merged.record.source].duplicate += 1
        kept, _ = curate(unique, self.compiled, None)
        kept_ids = {p.id for p in kept}
        for paper in unique:
            by_source[paper.source].rejected += paper.id not in kept_ids
        touched: dict[str, str] = {}  # entry path -> paper id
        for outcome in write_papers(kept, self.index, day):
            report = by_source[outcome.incoming.source]
            if outcome.kind in ("new", "updated"):
                setattr(report, outcome.kind, getattr(report, outcome.kind) + 1)
                touched[self.index.entries[outcome.written.id]] = outcome.written.id
            elif outcome.kind == "unchanged":
                report.duplicate += 1
            else:
                report.skipped += 1
        new = sum(r.new for r in reports)
        radar.kept = 0.8 * radar.kept + 0.2 * max(new, 1) / served
        cache = Cache(layout.brief_cache, "papers", day)
        brief_report = BriefReport(BriefMode.MODEL, settings.endpoint.model)
        languages = settings.languages
        for rel, paper_id in sorted(touched.items()):
            info = self.index.info[paper_id]
            if not (info["due"] or info["brief"] in (BriefStatus.PENDING, BriefStatus.FAILED)):
                continue
            entry = read_entry(layout.content / rel, layout.content)
            messages = paper_messages(entry.paper, self.rules, settings.config)
            answer = self.answers.model_validate(paper_answer(messages[1]["content"], list(languages))).model_dump()
            check = Grounding()
            if len(self.index.entries) % GROUNDING_SAMPLE == 0:  # the check a run makes (slow): on a sample
                check = grounded(answer, entry.paper, self.rules, settings.config)
                if not check.grounded:
                    raise RuntimeError(f"{rel}: the fake model's brief failed the grounding check: {check.record()}")
            brief = stamp(answer, settings.endpoint, self.prompt) | provenance(check)
            cache.put(request_key(settings.endpoint, self.prompt, languages, messages), brief)
            write_entry(entry, BriefStatus.DONE, brief, brief_report)
            self.index.briefed(paper_id, BriefStatus.DONE)
        cache.save()
        months = {shard_name(rel) for rel in touched}
        self._save_months(months)
        for report in reports:
            runlog.classify(report, day, datetime(day.year, day.month, day.day, 6, tzinfo=UTC))
        runlog.append(
            layout.runs_file, runlog.record(reports, day, datetime(day.year, day.month, day.day, 6, tzinfo=UTC))
        )
        files = [layout.content / rel for rel in sorted(touched)]
        files += [layout.index_dir / f"{m}.json" for m in sorted(months)]
        files += [layout.index_dir.parent / "keys" / f"{m}.txt" for m in sorted(months)]
        files += [layout.brief_cache / "papers" / f"{day.isoformat()}.json", layout.runs_file]
        self._commit(day, new, [f for f in files if f.exists()])

    def _save_months(self, months: set[str]) -> None:
        """The index's ``save`` for the months a day touched: the other months' files stay as they are."""
        index = self.index
        ids = {i for i, rel in index.entries.items() if shard_name(rel) in months}
        view = Index(
            index.root,
            {i: index.entries[i] for i in ids},
            {k: i for k, i in index.by_key.items() if i in ids},
            format=index.format,
            info=index.info,
        )
        on_disk = {p.stem for p in self.layout.index_dir.glob("*.json")}
        view.elsewhere = {m: None for m in on_disk - months}
        view.save(self.layout.index_dir)

    def _commit(self, day: date, new: int, files: list[Path]) -> None:
        stamp_ = int(datetime(day.year, day.month, day.day, 6, 30, tzinfo=UTC).timestamp())
        who = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
        message = f"Daily update for {day.isoformat()}: {new} new papers".encode()
        out = self.importer.stdin
        out.write(f"commit refs/heads/main\nauthor {who} {stamp_} +0000\ncommitter {who} {stamp_} +0000\n".encode())
        out.write(b"data %d\n%s\n" % (len(message), message))
        if self.parent:
            out.write(f"from {self.parent}\n".encode())
            self.parent = ""
        for path in files:
            data = path.read_bytes()
            out.write(
                b"M 100644 inline %s\ndata %d\n%s\n"
                % (path.relative_to(self.radar.work).as_posix().encode(), len(data), data)
            )

    def finish(self) -> None:
        """The history so far into the origin; the working clone follows it (objects shared)."""
        if self.importer is None:
            return
        self.importer.stdin.write(b"done\n")
        self.importer.stdin.close()
        if self.importer.wait():
            raise RuntimeError("git fast-import failed")
        self.importer = None
        git("fetch", "--quiet", "origin", cwd=self.radar.work)
        git("reset", "--quiet", "origin/main", cwd=self.radar.work)

    def reload(self) -> None:
        """After a day committed another way (the measured daily job), read the index again."""
        self.index = Index.load(self.layout.content, self.layout.index_dir)


CACHED = ("build/pelican-cache", "output", "state/candidates", "state/deploys.jsonl")  # the daily job's actions/cache


def actions_cache(clone: Path) -> dict:
    """What the daily job's Actions cache holds for the radar checked out whole in ``clone``: the
    site built from nothing (what a cache miss costs), then its folders as ``tar --zstd`` packs them."""
    for folder in ("build", "output"):
        shutil.rmtree(clone / folder, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "build"],
        cwd=clone,
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    built = time.perf_counter() - t0
    present = [name for name in CACHED if (clone / name).exists()]
    packed = subprocess.run(["tar", "--zstd", "-cf", "-", *present], cwd=clone, capture_output=True, check=True)
    return {
        "build_s": built,
        "cache_raw": sum(tree_bytes(clone / name, skip="")[1] for name in present if (clone / name).is_dir()),
        "cache_zstd": len(packed.stdout),
        "output": tree_bytes(clone / "output", skip="")[1],
    }


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def run(
    days: int, per_day: int, measure: list[int], folder: Path, progress=print, seed: bool = False, cache: bool = False
) -> list[dict]:
    rows = []
    with FeedServer() as feeds, serve() as model:
        radar = Radar(folder, feeds, model.url, per_day)
        seeder = Seeder(radar) if seed else None
        day = FIRST_DAY
        started = time.perf_counter()
        for n in range(1, days + 1):
            if n in measure:
                if seeder:
                    seeder.finish()
                job = radar.daily_job(day)
                rows.append({"day": n, **job, **radar.repository(), **(actions_cache(radar.work) if cache else {})})
                progress(json.dumps(rows[-1]))
                if seeder:
                    seeder.reload()
            else:
                (seeder.day if seeder else radar.history_day)(day)
                if n % 10 == 0:
                    progress(f"day {n}: {day} ({time.perf_counter() - started:.0f} s)")
            day += timedelta(days=1)
        if seeder:
            seeder.finish()
    return rows


def table(rows: list[dict]) -> str:
    out = [
        "| day | papers | files | packed `.git` | largest file | a full checkout | daily job: transferred / checked out "
        "(files) | clone / run / commit | day's commit | a contributor's clone |",
        "|---:|---:|---:|---:|---|---:|---|---|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['day']} | {r['papers']:,} | {r['files']:,} | {mb(r['packed'])} | `{r['largest'][0]}` "
            f"{mb(r['largest'][1])} | {mb(r['checkout_full'])} | {mb(r['transferred'])} / {mb(r['checkout'])} "
            f"({r['checkout_files']:,}) | {r['clone_s']:.1f} / {r['run_s']:.1f} / {r['commit_s']:.1f} s "
            f"| {r['touched']} files, {r.get('entries_changed', 0)} older entries | {mb(r['contributor'])} |"
        )
    for r in rows:
        if "cache_zstd" in r:
            out.append(
                f"\nDay {r['day']}: the Actions cache {mb(r['cache_raw'])}, {mb(r['cache_zstd'])} with zstd "
                f"(output/ {mb(r['output'])}); a build from nothing {r['build_s']:.0f} s"
            )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = {k: last[k] / first[k] - 1 for k in ("transferred", "checkout", "run_s", "commit_s", "clone_s")}
        out.append("")
        out.append(
            f"From day {first['day']} to day {last['day']} (papers × {last['papers'] / first['papers']:.1f}): "
            + ", ".join(f"{k} {v:+.0%}" for k, v in growth.items())
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--per-day", type=int, default=250, help="papers kept a day (about)")
    parser.add_argument("--measure", default="365,730,1095", help="days measured the daily workflow's way")
    parser.add_argument(
        "--seed", action="store_true", help="write the days between measurements in-process (fast-import), not by runs"
    )
    parser.add_argument(
        "--cache", action="store_true", help="at each measured day, build the site and measure the Actions cache"
    )
    parser.add_argument("--work", type=Path, help="folder to keep the repository in (default: a temporary one)")
    options = parser.parse_args()
    measure = sorted({int(n) for n in options.measure.split(",")})
    folder = options.work or Path(tempfile.mkdtemp(prefix="bench-repository-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        rows = run(
            options.days,
            options.per_day,
            measure,
            folder,
            progress=lambda text: print(text, file=sys.stderr),
            seed=options.seed,
            cache=options.cache,
        )
    finally:
        if options.work is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(table(rows))


if __name__ == "__main__":
    main()
