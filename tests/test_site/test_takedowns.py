"""Takedowns: a paper whose entry is removed from content/, or that takedowns.yml lists with a reason, is
gone from every output of the next build — pages, feeds, briefs, API, search index, sitemap, radar data —
and the status page counts it; a paper listed no more comes back."""

from __future__ import annotations

import gzip
import html
import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.etree
import pytest
from site_helpers import ROOT, make_site, rebuild

from pipeline.project.demo import DEMO_DAY


def mentions(output: Path, *needles: str) -> list[str]:
    """Every output file (Pagefind's compressed index read uncompressed) holding one of ``needles``, as
    written or as HTML, XML or JSON would escape it."""
    forms = {form for needle in needles for form in (needle, html.escape(needle), json.dumps(needle)[1:-1])}
    found = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        found += [f"{path.relative_to(output)}: {form!r}" for form in forms if form in text]
    return found


def daily_brief(content: Path, day: str) -> dict:
    head = (content / "briefs" / f"{day}.md").read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)


def entry_of(content: Path, paper_id: str) -> tuple[Path, dict]:
    for path in (content / "papers").rglob("*.md"):
        head = dict(
            line.split(": ", 1)
            for line in path.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
            if ": " in line
        )
        if head.get("Paper_id") == paper_id:
            return path, head
    raise AssertionError(f"no entry for {paper_id}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("takedowns")
    site = make_site(root)
    # the day's extractive brief: its body links every card, names the papers to read first by title
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "brief",
            "--extractive",
            "--content",
            str(root / "content"),
            "--state",
            str(root / "state"),
            "--rules",
            str(ROOT / "rules"),
            "--date",
            DEMO_DAY.isoformat(),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OPENAI_API_KEY": ""},
    )
    assert done.returncode == 0, done.stderr
    rebuild(site)
    return site


def test_a_paper_removed_or_listed_is_gone_from_every_output_and_counted(site):
    content, output = site.root / "content", site.output
    brief = daily_brief(content, DEMO_DAY.isoformat())
    picks = json.loads(brief["Brief"])["en"]["read_first"]
    # one paper removed by hand (the first to read), one listed in takedowns.yml (another card of the day)
    removed_id = picks[0]["paper"]
    listed_id = picks[1]["paper"] if len(picks) > 1 else next(p for p in brief["Papers"].split("; ") if p != removed_id)
    removed_path, removed = entry_of(content, removed_id)
    _, listed = entry_of(content, listed_id)
    briefs_feed = output / "feeds/topics/daily-brief.atom.xml"
    for head in (removed, listed):  # before: the site names them everywhere (the check can fail)
        assert mentions(output / "feeds", head["Title"]) and head["Slug"] in briefs_feed.read_text()
    assert html.escape(removed["Title"]) in briefs_feed.read_text()  # the pick, by its title

    removed_path.unlink()
    (site.root / "takedowns.yml").write_text(
        "takedowns:\n"
        f"  - id: {listed['Abs_url']}\n"  # an address names the paper as well as its id
        '    reason: "Withdrawn at the authors\' request <script>alert(1)</script>"\n'
        "    date: 2026-09-10\n",
        encoding="utf-8",
    )
    rebuild(site)
    for head in (removed, listed):
        assert mentions(output, head["Title"], head["Slug"]) == []
        # its id only where the status page counts it
        assert [m for m in mentions(output, head["Paper_id"]) if not m.startswith("status.html")] == []
    # every XML output still parses, the brief's feeds included, and the brief still lists the others
    for path in output.rglob("*.xml"):
        lxml.etree.parse(str(path))
    others = [p for p in brief["Papers"].split("; ") if p not in (removed_id, listed_id)]
    api = json.loads((output / f"api/v1/briefs/daily/{DEMO_DAY}.json").read_text())
    assert [p["id"] for p in api["papers"]] == others
    assert [p["number"] for p in api["papers"]] == list(range(1, len(others) + 1))
    assert entry_of(content, others[0])[1]["Slug"] in briefs_feed.read_text()
    # the status page counts both, with the reason as text
    status = (output / "status.html").read_text()
    assert "2 papers are not published here" in status
    assert removed_id in status and "entry removed" in status
    assert "Withdrawn at the authors&#39; request &lt;script&gt;" in status and "2026-09-10" in status

    # listed no more: the paper is back on every page it had
    (site.root / "takedowns.yml").unlink()
    rebuild(site)
    assert (output / f"papers/{listed['Slug']}.html").is_file()
    assert mentions(output / "feeds", listed["Title"]) and listed["Slug"] in briefs_feed.read_text()
    assert mentions(output, removed["Title"], removed["Slug"]) == []


def test_a_mistake_in_takedowns_yml_is_named_with_its_line(tmp_path, run_cli):
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "takedowns.yml").write_text(
        "takedowns:\n  - id: arxiv:2604.22038\n    reasons: spam\n", encoding="utf-8"
    )
    conf = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    (tmp_path / "pelicanconf.py").write_text(conf + f"\nTHEME = {str(ROOT / 'theme')!r}\n", encoding="utf-8")
    done = run_cli("build", "--no-search", "--rules", str(ROOT / "rules"), cwd=tmp_path)
    assert done.returncode != 0
    assert "takedowns.yml:3: takedowns[0].reasons: unknown key 'reasons' (did you mean 'reason'?)" in done.stderr
    assert "takedowns.yml:2: takedowns[0].reason: required but missing" in done.stderr
    assert "Traceback" not in done.stderr
