"""The radar day through the real CLI: what arrives in a run, from every source, is that day's news.

Three days of `academichub run` against captured feeds served on 127.0.0.1 (``radar_days``).
"""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest
from api_helpers import schema_errors
from feedserver import FeedServer
from helpers import RULES, indexed, last_run, snapshot
from radar_days import (
    D1,
    D2,
    D3,
    REPLACED,
    ROOT,
    arxiv_rss,
    brief_ids,
    entries_by_id,
    replacement_item,
    run_day,
    run_three_days,
    runner,
    write_day_sources,
)


@pytest.fixture(scope="module")
def three_days(tmp_path_factory):
    """The project folder after three runs (module-wide: the tests below read it)."""
    tmp = tmp_path_factory.mktemp("radar")
    run_cli = runner(tmp)
    with FeedServer() as server:
        outputs = run_three_days(run_cli, tmp, server)
        yield {"tmp": tmp, "run": run_cli, "server": server, "outputs": outputs}


def test_each_days_brief_lists_every_paper_that_arrived_that_day_and_nothing_else(three_days):
    tmp = three_days["tmp"]
    entries = entries_by_id(tmp)
    for day in (D1, D2, D3):
        arrived = {pid for pid, e in entries.items() if e["received"] == day}
        assert arrived, day
        assert set(brief_ids(tmp, day)["Papers"]) == arrived, day
    # the first day's brief holds every source, not only arXiv's announcements
    first = {entries[pid]["source"] for pid in brief_ids(tmp, D1)["Papers"]}
    assert {"arxiv-ai", "nature", "biorxiv", "followed"} <= first
    # no paper is new on two days
    days = [pid for day in (D1, D2, D3) for pid in brief_ids(tmp, day)["Papers"]]
    assert len(days) == len(set(days)) == len(entries)


def test_cards_keep_the_publication_date_while_the_day_is_the_radar_day(three_days):
    entries = entries_by_id(three_days["tmp"])
    nature = [e for e in entries.values() if e["source"] == "nature"]
    assert nature and all(e["received"] == D1 and e["date"][:10] in ("2026-04-24", "2026-04-25") for e in nature)
    bio = [e for e in entries.values() if e["source"] == "biorxiv"]
    assert bio and all(e["received"] == D1 and e["date"].startswith("2026-04-26") for e in bio)


def test_a_2012_crossref_record_is_old_not_news(three_days):
    tmp = three_days["tmp"]
    first = json.loads((tmp / "state" / "runs.jsonl").read_text(encoding="utf-8").splitlines()[0])
    ecology = next(r for r in first["sources"] if r["source"] == "ecology")
    assert ecology["old"] == 2 and ecology["new"] == 0
    assert "old: 2 × published before 2026-03-13" in ecology["note"]
    assert not any(pid.startswith("doi:10.1093/obo") for pid in entries_by_id(tmp))
    table = three_days["outputs"][D1].stdout + three_days["outputs"][D1].stderr
    assert re.search(r"ecology\s*│\s*ok\s*│\s*200\s*│\s*2\s*│\s*0\s*│\s*0\s*│\s*0\s*│\s*2\s*│", table), table


def test_a_new_version_is_an_update_of_the_day_it_arrives(three_days):
    tmp = three_days["tmp"]
    e = entries_by_id(tmp)[f"arxiv:{REPLACED}"]
    assert e["received"] == D1 and e["version"] == "2"
    assert {"day": D2, "kind": "version", "version": 2} in e["record"]["events"]
    assert f"arxiv:{REPLACED}" in brief_ids(tmp, D2)["Updates"]
    assert f"arxiv:{REPLACED}" not in brief_ids(tmp, D2)["Papers"]
    assert e["modified"] >= f"{D2}T00:00:00+00:00"
    # the entry stayed where it was: one file, same path as on the first day
    assert len(list((tmp / "content" / "papers").rglob(f"arxiv-{REPLACED.replace('.', '-')}.md"))) == 1


def test_a_journal_version_found_later_is_an_update_of_that_day(three_days):
    tmp = three_days["tmp"]
    entries = entries_by_id(tmp)
    e = entries[f"arxiv:{REPLACED}"]
    assert "doi:10.5555/jmt.2026.0042" not in entries  # one paper, not two
    assert e["doi"] == "10.5555/jmt.2026.0042" and e["record"]["venue"] == "Journal of Machine Thought"
    assert {
        "day": D3,
        "kind": "journal",
        "journal": "Journal of Machine Thought",
        "doi": "10.5555/jmt.2026.0042",
        "published": "2026-04-28",
    } in e["record"]["events"]
    assert brief_ids(tmp, D3)["Updates"] == [f"arxiv:{REPLACED}"]
    third = last_run(tmp)
    assert third["ecology"]["updated"] == 1 and third["ecology"]["new"] == 0


def test_a_rerun_and_a_rebuilt_state_change_no_byte(three_days):
    tmp, run_cli = three_days["tmp"], three_days["run"]
    before = snapshot(tmp / "content")
    index = snapshot(tmp / "state" / "papers")
    run_day(run_cli, tmp, D3)
    assert snapshot(tmp / "content") == before
    assert snapshot(tmp / "state" / "papers") == index
    shutil.rmtree(tmp / "state" / "papers")
    run_day(run_cli, tmp, D3)
    assert snapshot(tmp / "content") == before
    assert snapshot(tmp / "state" / "papers") == index
    # the first days' briefs were not touched by the later runs
    assert (tmp / f"after-{D1}" / "briefs" / f"{D1}.md").read_bytes() == before[f"briefs/{D1}.md"]


def test_the_site_leads_with_the_last_radar_day_and_shows_both_dates(three_days):
    tmp, run_cli = three_days["tmp"], three_days["run"]
    done = run_cli(
        "build",
        "--content",
        "content",
        "--output",
        "output",
        "--rules",
        str(RULES),
        "--state",
        "state",
        "--settings",
        str(ROOT / "pelicanconf.py"),
        "--no-search",
        cwd=tmp,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    home = (tmp / "output" / "index.html").read_text(encoding="utf-8")
    heading = re.search(r'<h2 id="latest-heading">(.*?)</h2>', home, re.S).group(1)
    assert f'<time datetime="{D3}">{D3}</time>' in heading and "arrived" in heading
    assert "the day these papers reached the radar" in home
    page = (tmp / "output" / "papers" / f"arxiv-{REPLACED.replace('.', '-')}.html").read_text(encoding="utf-8")
    assert f'<time datetime="{D2}">{D2}</time>' in page  # v2 · updated D2
    assert "Journal of Machine Thought" in page and 'href="https://doi.org/10.5555/jmt.2026.0042"' in page
    assert '<meta name="citation_journal_title" content="Journal of Machine Thought">' in page
    assert '<meta name="citation_doi" content="10.5555/jmt.2026.0042">' in page
    nature = next(e for e in entries_by_id(tmp).values() if e["source"] == "nature")
    page = (tmp / "output" / "papers" / f"{nature['slug']}.html").read_text(encoding="utf-8")
    assert f'<time datetime="{D1}">{D1}</time>' in page and nature["date"][:10] in page  # published and arrived
    replaced = (tmp / "output" / "papers" / f"arxiv-{REPLACED.replace('.', '-')}.html").read_text(encoding="utf-8")
    bib = html.unescape(re.search(r'<pre id="bibtex"[^>]*>(.*?)</pre>', replaced, re.S).group(1))
    assert bib.startswith("@article{") and "journal = {Journal of Machine Thought}" in bib
    assert "doi = {10.5555/jmt.2026.0042}" in bib
    day = tmp / "output" / "archive" / "2026" / "04" / "28.html"
    assert day.exists(), sorted(p.name for p in (tmp / "output").rglob("*28*"))
    text = html.unescape(day.read_text(encoding="utf-8"))
    assert "Updated" in text and "v2" in text
    # the API says the same: the paper's events, dated by the radar days they were seen
    api = json.loads(
        (tmp / "output" / "api" / "v1" / "papers" / f"arxiv-{REPLACED.replace('.', '-')}.json").read_text(
            encoding="utf-8"
        )
    )
    assert [(e["day"], e["kind"]) for e in api["paper"]["events"]] == [(D2, "version"), (D3, "journal")]
    assert schema_errors(tmp / "output") == []


def test_a_day_with_updates_only_has_a_brief_that_lists_them(three_days):
    """Runs after the tests above (it adds a fourth day to their folder): only a new version arrives."""
    tmp, server = three_days["tmp"], three_days["server"]
    item = replacement_item().decode().replace(f"{REPLACED}v2", f"{REPLACED}v3")
    feed = re.sub(
        r"<item>.*</item>",
        item,
        arxiv_rss("Thu", "30", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml").decode(),
        flags=re.S,
    )
    server.add("/rss/cs.AI", body=feed.encode())
    run_day(three_days["run"], tmp, "2026-04-30")
    brief = brief_ids(tmp, "2026-04-30")
    assert brief == {"Papers": [], "Updates": [f"arxiv:{REPLACED}"]}
    text = (tmp / "content" / "briefs" / "2026-04-30.md").read_text(encoding="utf-8")
    assert "No new papers; 1 already on the radar updated" in text and "v3" in text


def test_an_archive_from_before_radar_days_gets_them_once_on_its_next_run(feed_server, run_cli, tmp_path):
    """Entries without ``Received`` get the first day a run's candidates list them, else their
    publication day; the next runs and a rebuilt state/ keep those days."""
    from pipeline.archive.entry import entry_path, render_entry
    from pipeline.files import atomic_write
    from pipeline.models import Paper

    feed_server.add("/rss/cs.AI", body=arxiv_rss("Mon", "27", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml"))
    write_day_sources(
        tmp_path,
        [
            {
                "id": "arxiv-ai",
                "kind": "arxiv_rss",
                "label": "arXiv ({CATEGORY})",
                "url": feed_server.base + "/rss/cs.AI",
            }
        ],
    )
    run_day(run_cli, tmp_path, D1)
    entries = entries_by_id(tmp_path)
    seen, unseen = sorted(entries)[:2]
    # the same archive as an older AcademicHub wrote it: no radar days, an index without a format
    for pid, e in entries.items():
        record = {k: v for k, v in e["record"].items() if k != "received"}
        atomic_write(
            tmp_path / "content" / entry_path(Paper.from_json(record)),
            render_entry(Paper.from_json(record), e["brief_status"]),
        )
    listed = indexed(tmp_path / "state")  # the one index file of that release, without a format
    legacy = {"entries": {i: p["path"] for i, p in listed.items()}, "keys": {i: p["keys"] for i, p in listed.items()}}
    shutil.rmtree(tmp_path / "state" / "papers")
    (tmp_path / "state" / "papers.json").write_text(json.dumps(legacy), encoding="utf-8")
    candidates = tmp_path / "state" / "candidates"
    (candidates / f"{D1}.jsonl").unlink()
    (candidates / "2026-04-25.jsonl").write_text(json.dumps({"id": seen}) + "\n", encoding="utf-8")
    assert all("received" not in e["record"] for e in entries_by_id(tmp_path).values())

    feed_server.add("/rss/cs.AI", "arxiv_rss/rss-empty-test-archive-2024-11-28.xml")
    run_day(run_cli, tmp_path, D2, "--no-brief")
    after = entries_by_id(tmp_path)
    assert after[seen]["received"] == "2026-04-25"  # the first run that read it
    assert after[unseen]["received"] == after[unseen]["date"][:10]  # its publication day
    stamped = snapshot(tmp_path / "content")
    assert not (tmp_path / "state" / "papers.json").exists()
    shutil.rmtree(tmp_path / "state" / "papers")
    run_day(run_cli, tmp_path, D3, "--no-brief")
    assert snapshot(tmp_path / "content") == stamped
