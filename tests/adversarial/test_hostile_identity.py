"""Identity: which records are one paper.  Through the real `academichub fetch` on 127.0.0.1.

A title is an identity only between records whose identifiers do not disagree: two arXiv ids or
two DOIs are two papers (unless a record links the other's DOI as its own version), a merge
never hands one paper's title or authors to another, and every merge made by title alone is
named in the run record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import fetch, indexed, last_run, write_sources

from adversarial.test_hostile_feeds import entries, feed, item

TITLE = "Cancer cell migration through confined three-dimensional environments"


def work(doi: str, title: str = TITLE, **extra) -> dict:
    """A Crossref work shaped like the captured ones."""
    return {
        "DOI": doi,
        "title": [title],
        "published": {"date-parts": [[2026, 4, 27]]},
        "author": [{"given": "Rosalind", "family": "Franklin"}],
        **extra,
    }


def works(*items: dict) -> bytes:
    return json.dumps(
        {"status": "ok", "message-type": "work-list", "message": {"items": list(items), "total-results": len(items)}}
    ).encode()


def run(
    feed_server,
    run_cli,
    tmp_path: Path,
    *,
    arxiv: bytes | None = None,
    crossref: bytes | None = None,
    day: str = "2026-04-27",
) -> dict:
    """Serve an arXiv feed and/or a Crossref answer, run fetch for ``day``; return the run record by source."""
    sources = []
    if arxiv is not None:
        feed_server.add("/arxiv", body=arxiv)
        sources.append({"id": "arxiv", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/arxiv"})
    if crossref is not None:
        feed_server.add("/crossref/works", body=crossref, content_type="application/json")
        sources.append(
            {
                "id": "journal",
                "kind": "crossref",
                "label": "Journal",
                "issn": ["1"],
                "base_url": feed_server.base + "/crossref",
            }
        )
    write_sources(tmp_path, sources)
    result = fetch(run_cli, tmp_path, day)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, result.stderr
    return last_run(tmp_path)


def by_id(tmp_path: Path) -> dict[str, dict]:
    return {e["paper_id"]: e for e in entries(tmp_path)}


def test_two_arxiv_papers_whose_titles_differ_only_in_case_and_punctuation(feed_server, run_cli, tmp_path, case):
    body = feed(
        item(1, title="Reasoning Agents: Planning with Language Models", creator="Ada Lovelace"),
        item(2, title="Reasoning agents planning with language models?", creator="Grace Hopper"),
    )
    health = run(feed_server, run_cli, tmp_path, arxiv=body)
    written = by_id(tmp_path)
    assert set(written) == {"arxiv:2604.30001", "arxiv:2604.30002"}
    assert written["arxiv:2604.30001"]["authors"] == "Ada Lovelace"
    assert written["arxiv:2604.30002"]["authors"] == "Grace Hopper"
    assert written["arxiv:2604.30002"]["title"] == "Reasoning agents planning with language models?"
    assert health["arxiv"]["new"] == 2 and health["arxiv"]["duplicate"] == 0
    case(
        "identity",
        "two arXiv ids whose titles differ only in case and punctuation",
        "two papers, each with its own title and authors",
        "2 entries, 0 duplicates",
    )


@pytest.mark.parametrize(
    "kind, first, second",
    [
        (
            "series papers (Part I / Part II, the part in Crossref's subtitle)",
            work("10.5555/series.1", subtitle=["Part I: Theory"]),
            work("10.5555/series.2", subtitle=["Part II: Experiments"]),
        ),
        (
            "a replication with the original's title",
            work("10.5555/original.2019"),
            work("10.5555/replication.2026", author=[{"given": "Karl", "family": "Popper"}]),
        ),
    ],
)
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
    health = run(
        feed_server,
        run_cli,
        tmp_path,
        day="2026-04-28",
        arxiv=feed(
            item(
                2,
                title="Reasoning Agents — Planning with Language Models",
                creator="Grace Hopper",
                date="Tue, 28 Apr 2026 00:00:00 -0400",
            )
        ),
    )
    written = by_id(tmp_path)
    assert set(written) == {"arxiv:2604.30001", "arxiv:2604.30002"}
    first = written["arxiv:2604.30001"]
    assert first["title"] == "Reasoning agents: planning with language models" and first["authors"] == "Ada Lovelace"
    assert first["abs_url"] == "https://arxiv.org/abs/2604.30001"
    assert health["arxiv"]["new"] == 1 and health["arxiv"]["updated"] == 0
    assert len(indexed(tmp_path / "state")) == 2
    case(
        "identity",
        "a later run brings another arXiv id with the same normalised title",
        "a new entry; the archived entry keeps its title, authors and link",
        "2 entries, the first unchanged",
    )


def test_a_preprint_and_its_journal_version_merge_and_the_title_merge_is_named(feed_server, run_cli, tmp_path, case):
    preprint = feed(item(1, title=TITLE, creator="Ada Lovelace"))
    journal = works(work("10.5555/journal.version", title=TITLE.upper() + "."))
    health = run(feed_server, run_cli, tmp_path, arxiv=preprint, crossref=journal)
    [e] = entries(tmp_path)
    assert e["paper_id"] == "arxiv:2604.30001" and e["doi"] == "10.5555/journal.version"
    assert e["title"] == TITLE and e["authors"] == "Ada Lovelace"  # the first record's fields, the DOI added
    assert health["journal"]["duplicate"] == 1
    assert "doi:10.5555/journal.version merged by title into arxiv:2604.30001" in health["journal"]["note"]
    case(
        "identity",
        "an arXiv preprint (no DOI) and a journal record (no arXiv id) with the same title",
        "one paper; the merge named in the run record; the preprint's fields kept, the DOI added",
        "1 entry; note: doi:… merged by title into arxiv:…",
    )


@pytest.mark.parametrize(
    "spelling",
    [
        "10.5555/JOURNAL.Version/",
        "https://doi.org/10.5555/journal.version/.",
        "doi:10.5555/journal.version//",
        "https://doi.org/10.5555%2Fjournal.version",
    ],
)
def test_one_doi_spelled_differently_is_one_paper(feed_server, run_cli, tmp_path, case, spelling):
    preprint = feed(item(1, title=TITLE).replace("</item>", "<arxiv:DOI>10.5555/journal.version</arxiv:DOI></item>"))
    journal = works(work(spelling, title="Cells migrating in confined spaces: the published version"))
    health = run(feed_server, run_cli, tmp_path, arxiv=preprint, crossref=journal)
    [e] = entries(tmp_path)
    assert e["paper_id"] == "arxiv:2604.30001" and e["doi"] == "10.5555/journal.version"
    assert health["journal"]["duplicate"] == 1 and "merged by title" not in health["journal"]["note"]
    case(
        "identity",
        f"the journal DOI written {spelling!r} by Crossref and plainly by arXiv",
        "one paper (DOIs compared as Crossref does: case, prefixes, trailing punctuation and slashes)",
        "1 entry, merged by DOI",
    )


# ---------------------------------------------------------------- paths: one paper, one file, one page


def colliding_dois() -> tuple[str, str]:
    """Two DOIs differing only in punctuation whose default slugs are one (same text, same short digest):
    found by trying punctuation until two digests meet, as an attacker would."""
    from pipeline.archive.entry import slug_for

    seen: dict[str, str] = {}
    marks = ".-_;:()"
    for n in range(1_000_000):
        doi, rest = "10.5555/c", n
        for _ in range(9):
            doi, rest = doi + marks[rest % len(marks)] + "x", rest // len(marks)
        slug = slug_for(f"doi:{doi}")
        if slug in seen:
            return seen[slug], doi
        seen[slug] = doi
    raise AssertionError("no collision found")


def test_two_dois_whose_slugs_collide_get_two_files_pages_and_api_files(feed_server, run_cli, tmp_path, case):
    from helpers import RULES

    from adversarial.test_fault_matrix import ROOT

    first, second = colliding_dois()
    title = "Cancer genome reasoning with language models, {}"
    answer = works(work(first, title.format("the first paper")), work(second, title.format("the second paper")))
    health = run(feed_server, run_cli, tmp_path, crossref=answer)
    assert health["journal"]["new"] == 2
    papers = tmp_path / "content/papers"
    files = sorted(papers.rglob("*.md"))
    written = {e["paper_id"]: e for e in entries(tmp_path)}
    assert len(files) == 2 and set(written) == {f"doi:{first}", f"doi:{second}"}
    slugs = {e["paper_id"]: e["slug"] for e in written.values()}
    assert len(set(slugs.values())) == 2 and {f.stem for f in files} == set(slugs.values())
    assert len({paper["path"] for paper in indexed(tmp_path / "state").values()}) == 2
    before = {f: f.read_bytes() for f in files}
    health = run(feed_server, run_cli, tmp_path, crossref=answer)  # the same day again: nothing changes
    assert health["journal"]["new"] == 0 and {f: f.read_bytes() for f in sorted(papers.rglob("*.md"))} == before

    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "build",
            "--content",
            str(tmp_path / "content"),
            "--output",
            str(tmp_path / "output"),
            "--rules",
            str(RULES),
            "--state",
            str(tmp_path / "state"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert built.returncode == 0, built.stderr
    for paper_id, slug in slugs.items():
        page = (tmp_path / "output/papers" / f"{slug}.html").read_text(encoding="utf-8")
        api = json.loads((tmp_path / "output/api/v1/papers" / f"{slug}.json").read_text(encoding="utf-8"))
        assert api["paper"]["id"] == paper_id and written[paper_id]["title"] in page
    case(
        "paths",
        f"two DOIs differing only in punctuation whose slugs collide ({first}, {second})",
        "two files, two pages, two API files; the index maps each id to its own file; a re-run changes nothing",
        f"slugs {sorted(slugs.values())}; 2 files, 2 pages, 2 API files",
    )


def test_the_index_never_maps_two_ids_to_one_file(tmp_path):
    from datetime import UTC, date, datetime

    from pipeline.archive.entry import render_entry, slug_for
    from pipeline.archive.index import Index, write_papers
    from pipeline.models import Paper

    first, second = colliding_dois()
    when = datetime(2026, 4, 27, tzinfo=UTC)
    papers = [
        Paper(
            id=f"doi:{doi}",
            version=1,
            title=f"Paper {doi}",
            source="journal",
            source_label="Journal",
            published=when,
            updated=when,
            doi=doi,
        )
        for doi in (first, second)
    ]
    content, state = tmp_path / "content", tmp_path / "state/papers"
    # a file of the first paper's default slug that the index does not list (written by hand) is not overwritten
    stray = content / "papers/2026/04/27" / f"{slug_for(papers[0].id)}.md"
    stray.parent.mkdir(parents=True)
    stray.write_text("hand-written\n", encoding="utf-8")
    index = Index.load(content, state)
    outcomes = write_papers(papers, index, date(2026, 4, 27))
    assert [o.kind for o in outcomes] == ["new", "new"] and stray.read_text(encoding="utf-8") == "hand-written\n"
    slugs = {Path(rel).stem for rel in index.entries.values()}
    assert len(slugs) == 2 and slug_for(papers[0].id) not in slugs
    index.save(state)
    # a saved index that maps two ids to one file is out of step: rebuilt from the entries
    (shard,) = state.glob("*.json")  # both papers are of one month
    saved = json.loads(shard.read_text(encoding="utf-8"))
    saved["papers"][papers[1].id]["path"] = saved["papers"][papers[0].id]["path"]
    shard.write_text(json.dumps(saved), encoding="utf-8")
    stray.unlink()
    reloaded = Index.load(content, state)
    assert len(set(reloaded.entries.values())) == 2 == len(reloaded.entries)
    assert render_entry(papers[0], slug="x-y").count("\nSlug: x-y\n") == 1
