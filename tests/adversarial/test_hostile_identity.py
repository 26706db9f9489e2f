"""Identity: which records are one paper.  Through the real `academichub fetch` on 127.0.0.1.

A title is an identity only between records whose identifiers do not disagree: two arXiv ids or
two DOIs are two papers (unless a record links the other's DOI as its own version), a merge
never hands one paper's title or authors to another, and every merge made by title alone is
named in the run record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import fetch, indexed, last_run, write_sources

from adversarial.test_hostile_feeds import entries, feed, item

TITLE = "Cancer cell migration through confined three-dimensional environments"


def work(doi: str, title: str = TITLE, **extra) -> dict:
    """A Crossref work shaped like the captured ones."""
    return {"DOI": doi, "title": [title], "published": {"date-parts": [[2026, 4, 27]]},
            "author": [{"given": "Rosalind", "family": "Franklin"}], **extra}


def works(*items: dict) -> bytes:
    return json.dumps({"status": "ok", "message-type": "work-list",
                       "message": {"items": list(items), "total-results": len(items)}}).encode()


def run(feed_server, run_cli, tmp_path: Path, *, arxiv: bytes | None = None, crossref: bytes | None = None,
        day: str = "2026-04-27") -> dict:
    """Serve an arXiv feed and/or a Crossref answer, run fetch for ``day``; return the run record by source."""
    sources = []
    if arxiv is not None:
        feed_server.add("/arxiv", body=arxiv)
        sources.append({"id": "arxiv", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/arxiv"})
    if crossref is not None:
        feed_server.add("/crossref/works", body=crossref, content_type="application/json")
        sources.append({"id": "journal", "kind": "crossref", "label": "Journal", "issn": ["1"],
                        "base_url": feed_server.base + "/crossref"})
    write_sources(tmp_path, sources)
    result = fetch(run_cli, tmp_path, day)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, result.stderr
    return last_run(tmp_path)


def by_id(tmp_path: Path) -> dict[str, dict]:
    return {e["paper_id"]: e for e in entries(tmp_path)}


def test_two_arxiv_papers_whose_titles_differ_only_in_case_and_punctuation(feed_server, run_cli, tmp_path, case):
    body = feed(item(1, title="Reasoning Agents: Planning with Language Models", creator="Ada Lovelace"),
                item(2, title="Reasoning agents planning with language models?", creator="Grace Hopper"))
    health = run(feed_server, run_cli, tmp_path, arxiv=body)
    written = by_id(tmp_path)
    assert set(written) == {"arxiv:2604.30001", "arxiv:2604.30002"}
    assert written["arxiv:2604.30001"]["authors"] == "Ada Lovelace"
    assert written["arxiv:2604.30002"]["authors"] == "Grace Hopper"
    assert written["arxiv:2604.30002"]["title"] == "Reasoning agents planning with language models?"
    assert health["arxiv"]["new"] == 2 and health["arxiv"]["duplicate"] == 0
    case("identity", "two arXiv ids whose titles differ only in case and punctuation",
         "two papers, each with its own title and authors", "2 entries, 0 duplicates")


@pytest.mark.parametrize("kind, first, second", [
    ("series papers (Part I / Part II, the part in Crossref's subtitle)",
     work("10.5555/series.1", subtitle=["Part I: Theory"]), work("10.5555/series.2", subtitle=["Part II: Experiments"])),
    ("a replication with the original's title",
     work("10.5555/original.2019"), work("10.5555/replication.2026", author=[{"given": "Karl", "family": "Popper"}])),
])
def test_two_dois_with_one_title_are_two_papers(feed_server, run_cli, tmp_path, case, kind, first, second):
    health = run(feed_server, run_cli, tmp_path, crossref=works(first, second))
    written = by_id(tmp_path)
    assert set(written) == {"doi:" + first["DOI"], "doi:" + second["DOI"]}
    assert health["journal"]["new"] == 2 and health["journal"]["duplicate"] == 0
    for w in (first, second):
        e = written["doi:" + w["DOI"]]
        assert e["doi"] == w["DOI"]
        assert e["authors"] == " ".join((w["author"][0]["given"], w["author"][0]["family"]))
        assert all(part in e["title"] for part in w.get("subtitle", []))
    case("identity", kind, "two papers: different DOIs are never merged by title", "2 entries, each with its own DOI")


def test_a_later_run_does_not_hand_an_entry_to_another_paper_with_the_same_title(feed_server, run_cli, tmp_path, case):
    run(feed_server, run_cli, tmp_path, arxiv=feed(item(1, title="Reasoning agents: planning with language models")))
    health = run(feed_server, run_cli, tmp_path, day="2026-04-28", arxiv=feed(
        item(2, title="Reasoning Agents — Planning with Language Models", creator="Grace Hopper",
             date="Tue, 28 Apr 2026 00:00:00 -0400")))
    written = by_id(tmp_path)
    assert set(written) == {"arxiv:2604.30001", "arxiv:2604.30002"}
    first = written["arxiv:2604.30001"]
    assert first["title"] == "Reasoning agents: planning with language models" and first["authors"] == "Ada Lovelace"
    assert first["abs_url"] == "https://arxiv.org/abs/2604.30001"
    assert health["arxiv"]["new"] == 1 and health["arxiv"]["updated"] == 0
    assert len(indexed(tmp_path / "state")) == 2
    case("identity", "a later run brings another arXiv id with the same normalised title",
         "a new entry; the archived entry keeps its title, authors and link", "2 entries, the first unchanged")


def test_a_preprint_and_its_journal_version_merge_and_the_title_merge_is_named(feed_server, run_cli, tmp_path, case):
    preprint = feed(item(1, title=TITLE, creator="Ada Lovelace"))
    journal = works(work("10.5555/journal.version", title=TITLE.upper() + "."))
    health = run(feed_server, run_cli, tmp_path, arxiv=preprint, crossref=journal)
    [e] = entries(tmp_path)
    assert e["paper_id"] == "arxiv:2604.30001" and e["doi"] == "10.5555/journal.version"
    assert e["title"] == TITLE and e["authors"] == "Ada Lovelace"  # the first record's fields, the DOI added
    assert health["journal"]["duplicate"] == 1
    assert "doi:10.5555/journal.version merged by title into arxiv:2604.30001" in health["journal"]["note"]
    case("identity", "an arXiv preprint (no DOI) and a journal record (no arXiv id) with the same title",
         "one paper; the merge named in the run record; the preprint's fields kept, the DOI added",
         "1 entry; note: doi:… merged by title into arxiv:…")


@pytest.mark.parametrize("spelling", ["10.5555/JOURNAL.Version/", "https://doi.org/10.5555/journal.version/.",
                                      "doi:10.5555/journal.version//", "https://doi.org/10.5555%2Fjournal.version"])
def test_one_doi_spelled_differently_is_one_paper(feed_server, run_cli, tmp_path, case, spelling):
    preprint = feed(item(1, title=TITLE).replace("</item>", "<arxiv:DOI>10.5555/journal.version</arxiv:DOI></item>"))
    journal = works(work(spelling, title="Cells migrating in confined spaces: the published version"))
    health = run(feed_server, run_cli, tmp_path, arxiv=preprint, crossref=journal)
    [e] = entries(tmp_path)
    assert e["paper_id"] == "arxiv:2604.30001" and e["doi"] == "10.5555/journal.version"
    assert health["journal"]["duplicate"] == 1 and "merged by title" not in health["journal"]["note"]
    case("identity", f"the journal DOI written {spelling!r} by Crossref and plainly by arXiv",
         "one paper (DOIs compared as Crossref does: case, prefixes, trailing punctuation and slashes)",
         "1 entry, merged by DOI")
