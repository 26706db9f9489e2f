"""The archive's tiers: closed months built once as shards (in parallel, or one by one as a matrix's
jobs), reused while their entries stand, and a current tier that still lists the whole archive."""

from __future__ import annotations

import json
import os
import posixpath
import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from site_helpers import ROOT, SITEURL

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write
from pipeline.models import Author, Paper, Selection
from pipeline.site import build
from pipeline.site.periods import Manifest, plan

# radar days in three months; the newest month (4 papers) is the current tier at ARCHIVE_CURRENT_PAPERS = 4
DAYS = [date(2026, 6, 2)] * 3 + [date(2026, 7, 14)] * 3 + [date(2026, 8, 3)] * 4


def paper(n: int, received: date) -> Paper:
    # published long before it arrived: its folder (the publication day) is not its radar month
    published = datetime(2025, 1 + n % 12, 1 + n, tzinfo=UTC)
    return Paper(
        id=f"arxiv:2501.{n:05d}",
        title=f"Lattice surgery number {n} for surface codes",
        source="arxiv-quant-ph",
        source_label="arXiv (QUANT-PH)",
        version=1,
        authors=(Author("Ada Quantum"), Author(f"Author {n}")),
        abstract=f"We study lattice surgery variant {n} and show a threshold of {n}%.",
        categories=("quant-ph",),
        published=published,
        updated=published,
        url=f"https://arxiv.org/abs/2501.{n:05d}",
        pdf=f"https://arxiv.org/pdf/2501.{n:05d}v1",
        arxiv_id=f"2501.{n:05d}",
        received=received,
        topics=(Selection("quantum-information", 3, keywords=("surface code",), categories=("quant-ph",)),),
    )


def write_archive(root: Path, current_papers: int = 4) -> Path:
    content = root / "content"
    for n, day in enumerate(DAYS):
        atomic_write(content / entry_path(paper(n, day)), render_entry(paper(n, day)))
    # the daily briefs of a closed month and of the current one, citing their day's papers
    for day, cited in (("2026-07-14", "arxiv:2501.00003; arxiv:2501.00004"), ("2026-08-03", "arxiv:2501.00006")):
        atomic_write(
            content / "briefs" / f"{day}.md",
            "\n".join(
                [
                    f"Title: 每日简报 {day}",
                    f"Date: {day}T06:00:00+00:00",
                    "Category: daily-brief",
                    f"Slug: brief-{day}",
                    "Summary: Lattice surgery",
                    "Brief_kind: daily",
                    f"Papers: {cited}",
                    "Brief: "
                    + json.dumps(
                        {
                            "model": "m",
                            "prompt_version": "d1",
                            "zh": {"headline": "格点手术"},
                            "en": {"headline": f"Lattice surgery on {day}"},
                        }
                    ),
                    "",
                    '<div class="digest"><p>Lattice surgery day</p></div>',
                    "",
                ]
            ),
        )
    settings = root / "tiers.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nARCHIVE_CURRENT_PAPERS = {current_papers}\n",
        encoding="utf-8",
    )
    return content


def build_tiers(root: Path, output: str = "output", **options):
    return build(
        root / "content",
        root / output,
        settings_file=root / "tiers.py",
        rules=ROOT / "rules",
        state=root / "state",
        siteurl=SITEURL,
        **options,
    )


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_months_are_the_radar_days_and_the_newest_ones_are_current(tmp_path):
    content = write_archive(tmp_path)
    tiers = plan(content, 4)
    assert [p.month for p in tiers.closed] == ["2026-06", "2026-07"]
    assert [p.month for p in tiers.current] == ["2026-08"]
    assert [len(p.papers) for p in tiers.closed] == [3, 3]
    assert tiers.closed[1].briefs == ("briefs/2026-07-14.md",)
    # a threshold that holds two months keeps both current; 0 means one tier
    assert [p.month for p in plan(content, 7).current] == ["2026-07", "2026-08"]
    assert plan(content, 0).closed == []
    # the newest month is current even when it alone is larger than the threshold
    assert [p.month for p in plan(content, 1).current] == ["2026-08"]


def test_weekly_briefs_go_with_the_month_of_their_sunday(tmp_path):
    content = write_archive(tmp_path)
    atomic_write(content / "briefs" / "weekly" / "2026-W27.md", "Title: w\n\n")  # Sunday 2026-07-05
    assert "briefs/weekly/2026-W27.md" in plan(content, 4).closed[1].briefs


def test_what_was_read_of_an_entry_is_kept_until_it_changes(tmp_path):
    content = write_archive(tmp_path)
    cache = tmp_path / "entries.json"
    plan(content, 4, cache=cache)
    known = json.loads(cache.read_text())
    assert len(known) == len(DAYS) and {v[2] for v in known.values()} == {"2026-06", "2026-07", "2026-08"}
    # an entry that moved to another radar month (rewritten): read again
    moved = paper(0, date(2026, 8, 3))
    atomic_write(content / entry_path(moved), render_entry(moved))
    assert [len(p.papers) for p in plan(content, 4, cache=cache).closed] == [2, 3]


def test_a_tiered_site_has_every_page_and_lists_the_whole_archive(tmp_path):
    write_archive(tmp_path)
    tiered = build_tiers(tmp_path, search=False)
    assert tiered.shards_built == ("2026-06", "2026-07") and tiered.shards_kept == ()
    one = tmp_path / "one"
    one.mkdir()
    write_archive(one, current_papers=0)
    assert build_tiers(one, search=False).shards_built == ()
    out, full = tmp_path / "output", one / "output"
    # every paper, day and brief page is at its address in both
    for name in files(full):
        if name.startswith(("papers/", "archive/", "briefs/", "api/v1/days/", "api/v1/briefs/")):
            assert (out / name).is_file(), name
    # the current tier's lists name the closed months too
    assert (out / "archives.html").read_bytes() == (full / "archives.html").read_bytes()
    assert json.loads((out / "data/ids.json").read_text()) == json.loads((full / "data/ids.json").read_text())
    index, whole = (json.loads((o / "api/v1/index.json").read_text()) for o in (out, full))
    assert index["days"] == whole["days"] and index["briefs"] == whole["briefs"] and index["papers"] == len(DAYS)
    locs = set(re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text()))
    for name in files(full):
        if name.startswith(("papers/", "archive/", "briefs/")) and name.endswith(".html"):
            assert f"{SITEURL}/{name}" in locs, name
    # an archived paper's page: its text and citation data, without the current tier's panels
    page = (out / "papers/arxiv-2501-00000.html").read_text()
    assert 'name="citation_title" content="Lattice surgery number 0 for surface codes"' in page
    assert page.count('name="citation_author"') == 2 and 'name="citation_pdf_url"' in page
    assert 'name="citation_publication_date" content="2025/01/01"' in page and 'name="citation_arxiv_id"' in page
    # OpenGraph and JSON-LD are the current tier's (the full page has them)
    assert "application/ld+json" not in page and "og:title" not in page
    assert "application/ld+json" in (full / "papers/arxiv-2501-00000.html").read_text()
    assert "threshold of 0%" in page and 'class="side"' not in page and "data-pagefind-body" in page
    assert len(page) < len((full / "papers/arxiv-2501-00000.html").read_text())
    # the closed month's brief cites its papers, whose API record is their day's file
    assert "papers/arxiv-2501-00003.html" in (out / "briefs/2026-07-14.html").read_text()
    day = json.loads((out / "api/v1/days/2026-07-14.json").read_text())
    assert [p["links"]["api"] for p in day["papers"]] == ["api/v1/days/2026-07-14.json"] * 3
    assert not (out / "api/v1/papers/arxiv-2501-00000.json").exists()
    # author pages and topic lists are the current tier's
    assert "arxiv-2501-00000" not in (out / "topics/quantum-information.html").read_text()
    assert "arxiv-2501-00009" in (out / "topics/quantum-information.html").read_text()


def test_every_link_of_the_archive_tier_leads_to_a_file_of_the_site(tmp_path):
    write_archive(tmp_path)
    build_tiers(tmp_path, search=False)
    out = tmp_path / "output"
    manifests = [Manifest.load(p) for p in (tmp_path / "build").glob("pelican-cache/*/periods/2026-*.json")]
    pages = [name for m in manifests for name in m.files if name.endswith(".html")]
    assert len(pages) > 6
    broken = []
    for name in pages:
        for href in re.findall(r'href="([^"]+)"', (out / name).read_text()):
            target = urlsplit(href)
            if target.scheme or href.startswith("#"):
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(name), target.path))
            if not (out / path).is_file():
                broken.append(f"{name}: {href}")
    assert broken == [], broken
    # an author with two papers in a closed month has no page of the shard's: the name leads to a search
    page = (out / "papers/arxiv-2501-00000.html").read_text()
    assert 'href="../search.html?q=Ada%20Quantum"' in page


def test_a_closed_month_is_built_again_only_when_its_entries_change(tmp_path):
    content = write_archive(tmp_path)
    build_tiers(tmp_path, search=False)
    before = files(tmp_path / "output")
    again = build_tiers(tmp_path, search=False)
    assert again.shards_built == () and again.shards_kept == ("2026-06", "2026-07")
    assert files(tmp_path / "output") == before
    # a fresh checkout: every entry touched, none changed — the shards stand
    for path in content.rglob("*.md"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert build_tiers(tmp_path, search=False).shards_built == ()
    # an entry of June changes: June alone is built again
    changed = paper(1, DAYS[1])
    text = render_entry(changed).replace("We study lattice surgery variant 1", "We revisit lattice surgery variant 1")
    atomic_write(content / entry_path(changed), text)
    result = build_tiers(tmp_path, search=False)
    assert result.shards_built == ("2026-06",) and result.shards_kept == ("2026-07",)
    assert "We revisit" in (tmp_path / "output/papers/arxiv-2501-00001.html").read_text()
    # a paper that leaves the archive leaves the site
    (content / entry_path(paper(2, DAYS[2]))).unlink()
    assert build_tiers(tmp_path, search=False).shards_built == ("2026-06",)
    assert not (tmp_path / "output/papers/arxiv-2501-00002.html").exists()
    assert "arxiv-2501-00002" not in (tmp_path / "output/sitemap.xml").read_text()


def test_shards_built_in_parallel_are_the_shards_built_one_by_one(tmp_path):
    write_archive(tmp_path)
    assert build_tiers(tmp_path, "serial", search=False, jobs=1).shards_built == ("2026-06", "2026-07")
    (tmp_path / "build").rename(tmp_path / "build-serial")  # no shard to reuse
    assert build_tiers(tmp_path, "parallel", search=False, jobs=2).shards_built == ("2026-06", "2026-07")
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")


def test_a_matrix_job_builds_one_month_and_the_build_after_it_reuses_it(tmp_path, run_cli):
    write_archive(tmp_path)
    args = ["--content", "content", "--settings", "tiers.py", "--output", "output", "--siteurl", SITEURL]
    listed = run_cli("periods", "--stale", *args, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == ["2026-06", "2026-07"]
    done = run_cli("build", "--period", "2026-06", "--no-search", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "output/papers/arxiv-2501-00000.html").is_file()
    assert not (tmp_path / "output/index.html").exists()
    listed = run_cli("periods", "--stale", *args, cwd=tmp_path)
    assert json.loads(listed.stdout) == ["2026-07"]
    done = run_cli("build", "--no-search", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "closed months: 1 built, 1 kept" in done.stderr + done.stdout
    wrong = run_cli("build", "--period", "2026-08", "--no-search", *args, cwd=tmp_path)
    assert wrong.returncode != 0 and "2026-08 is not a closed month" in wrong.stderr


def _project(root: Path) -> Path:
    """A radar's folder as `academichub init` leaves it: its own pelicanconf.py and publishconf.py (the
    repository's, with the tiers of :func:`write_archive`), nothing of them importable from elsewhere."""
    project = root / "radar"
    write_archive(project)
    (project / "tiers.py").unlink()
    conf = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    (project / "pelicanconf.py").write_text(
        conf + f"\nTHEME = {str(ROOT / 'theme')!r}\nARCHIVE_CURRENT_PAPERS = 4\n", encoding="utf-8"
    )
    (project / "publishconf.py").write_bytes((ROOT / "publishconf.py").read_bytes())
    return project


def test_shards_build_in_parallel_however_the_build_is_started(tmp_path, feed_server):
    """`build` and `run` with --jobs 2, with and without --publish, from the project's folder or another:
    the shards' processes get the settings module (its ARTICLE_ORDER_BY is a function of that file)."""
    import shutil
    import subprocess
    import sys

    import yaml

    project = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = shutil.which("academichub", path=str(Path(sys.executable).parent)) or shutil.which("academichub")
    assert command, "the academichub command is installed with the package"
    env = {**os.environ, "OPENAI_API_KEY": "", "ACADEMICHUB_SITEURL": SITEURL}
    env.pop("PYTHONPATH", None)
    common = ["--rules", str(ROOT / "rules"), "--state", str(project / "state"), "--no-search", "--jobs", "2"]

    def academichub(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        done = subprocess.run([command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert "pelicanconf" not in done.stderr and "BrokenProcessPool" not in done.stderr, done.stderr
        return done

    started = {
        "build, another folder": (
            elsewhere,
            [
                "build",
                "--content",
                str(project / "content"),
                "--settings",
                str(project / "pelicanconf.py"),
                "--output",
                str(tmp_path / "a"),
            ],
        ),
        "build --publish, the project": (project, ["build", "--publish", "--output", str(tmp_path / "b")]),
        "build --publish, another folder": (
            elsewhere,
            [
                "build",
                "--content",
                str(project / "content"),
                "--settings",
                str(project / "publishconf.py"),
                "--output",
                str(tmp_path / "c"),
            ],
        ),
    }
    for name, (cwd, args) in started.items():
        done = academichub(*args, *common, cwd=cwd)
        assert done.returncode == 0, f"{name}: {done.stderr}"
        assert "closed months: 2 built, 0 kept" in done.stdout + done.stderr, name
        assert (Path(args[args.index("--output") + 1]) / "papers/arxiv-2501-00000.html").is_file(), name
    assert files(tmp_path / "a") == files(tmp_path / "c")  # the same settings, however they were named

    # the daily job: a fetch of one day, then the build of every stale month
    feed_server.add("/rss/cs.AI", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
    (project / "sources.yml").write_text(
        yaml.safe_dump(
            {
                "http": {"arxiv_interval": 0, "retries": 0, "connect_timeout": 2, "read_timeout": 5},
                "sources": [
                    {"id": "arxiv-ai", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/rss/cs.AI"}
                ],
            }
        )
    )
    done = academichub(
        "run",
        "--sources",
        str(project / "sources.yml"),
        "--content",
        str(project / "content"),
        "--settings",
        str(project / "pelicanconf.py"),
        "--output",
        str(tmp_path / "d"),
        "--date",
        "2026-04-27",
        "--no-brief",
        "--no-embed",
        "--no-notify",
        *common,
        cwd=elsewhere,
    )
    assert done.returncode == 0, done.stderr
    assert "closed months: 3 built, 0 kept" in done.stdout + done.stderr  # the fetched April is one more
    assert list((tmp_path / "d" / "archive/2026/04").glob("27.html"))


def test_archived_papers_are_in_the_search_index(tmp_path):
    write_archive(tmp_path)
    result = build_tiers(tmp_path)
    indexed = sum(b.pages for b in result.search.bundles)
    assert indexed == len(DAYS) + 2  # every paper page and the briefs


def test_archive_tier_pages_pass_the_nu_html_checker_and_axe_and_search_finds_them(tmp_path, browser):
    from browser import AXE, serving
    from clients import html_checker

    write_archive(tmp_path)
    build_tiers(tmp_path)
    out = tmp_path / "output"
    assert html_checker(out) == []
    with serving(out) as base:
        page = browser.new_context(bypass_csp=True).new_page()  # axe is injected as an inline script
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        for name in ("papers/arxiv-2501-00000.html", "archive/2026/06/02.html", "briefs/2026-07-14.html"):
            page.goto(base + name)
            page.wait_for_load_state("networkidle")
            assert errors == [], (name, errors)  # the site's scripts run on a lean page too
            page.add_script_tag(path=str(AXE))
            serious = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"
            )
            assert serious == [], (name, serious)
        page.screenshot(path=str(tmp_path / "archived-paper.png"), full_page=True)
        page = browser.new_page()
        page.goto(base + "search.html?q=variant 4")
        page.locator(".search-result-link").first.wait_for(timeout=10000)
        links = page.locator(".search-result-link").all()
        assert any(a.get_attribute("href").endswith("/papers/arxiv-2501-00004.html") for a in links)
