import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from pelican.readers import Readers
from pelican.settings import read_settings

from pipeline.archive.entry import meta_list, read_record, render_entry, slug_for
from pipeline.archive.index import INDEX_FORMAT, Index, upgrade_entries, write_papers
from pipeline.fetch.curate import with_matched_words
from pipeline.files import atomic_write
from pipeline.models import Author, Paper, Selection

WHEN = datetime(2026, 6, 17, 4, tzinfo=UTC)


DAY = date(2026, 6, 19)  # the radar day the papers are written on


def hard_paper(**kw) -> Paper:
    data = dict(
        id="arxiv:2606.17199",
        version=1,
        source="arxiv-ai",
        source_label="arXiv (CS.AI)",
        title='多模态 "Reasoning" <script>alert(1)</script> & $\\alpha_{s}$: it\'s fine',
        authors=(Author("Doe, Jane"), Author("王小明"), Author('O\'Brien "Bob" <b>')),
        abstract="Line one.\nLine two <img src=x onerror=alert(1)> & more: a=b; c, d. # not a heading\n\n* not a list",
        categories=("cs.AI", "cs.CL"),
        published=WHEN,
        updated=WHEN,
        url="https://arxiv.org/abs/2606.17199",
        pdf="https://arxiv.org/pdf/2606.17199v1",
        topics=(
            Selection(
                "llm-reasoning",
                2,
                ("reasoning", "chain-of-thought"),
                (),
                ("cs.AI",),
                words=("reasoning", "chain-of-thought"),
            ),
            Selection("followed-authors", 1, (), ("Doe, Jane",), ()),
        ),
    )
    data.update(kw)
    return Paper(**data)


@pytest.fixture
def reader(tmp_path):
    settings = read_settings(override={"PATH": str(tmp_path), "FORMATTED_FIELDS": [], "CACHE_CONTENT": False})
    readers = Readers(settings)

    def read(rel: str):
        return readers.read_file(str(tmp_path), rel)

    return read


def test_round_trip_through_pelicans_markdown_reader(tmp_path, reader):
    paper = hard_paper()
    atomic_write(tmp_path / "e.md", render_entry(paper))
    page = reader("e.md")
    meta = page.metadata
    assert meta["title"] == paper.title
    assert [a.name for a in meta["authors"]] == ["Doe, Jane", "王小明", 'O\'Brien "Bob" <b>']
    assert [t.name for t in meta["tags"]] == ["reasoning", "chain-of-thought", "followed-authors"]
    assert meta["category"].name == "llm-reasoning"
    assert meta["date"] == WHEN and meta["slug"] == "arxiv-2606-17199"
    assert meta["abs_url"] == paper.url and "url" not in meta
    assert Paper.from_json(json.loads(meta["record"])) == paper
    assert Paper.from_json(json.loads(meta["record"])).topics == paper.topics
    # the body is the escaped abstract inside one HTML block: no live markup, no Markdown reinterpretation
    assert "<img" not in page.content and "&lt;img src=x onerror=alert(1)&gt;" in page.content
    assert "<h1" not in page.content and "<li" not in page.content
    assert "<" not in meta["summary"].replace("&lt;", "")


def test_a_single_author_with_a_comma_is_not_split(tmp_path, reader):
    atomic_write(tmp_path / "e.md", render_entry(hard_paper(authors=(Author("Doe, Jane"),))))
    assert [a.name for a in reader("e.md").metadata["authors"]] == ["Doe, Jane"]
    assert meta_list(["Doe; Jane"]) == "Doe, Jane;"


def test_atomic_write_reports_unchanged(tmp_path):
    path = tmp_path / "a" / "b.md"
    assert atomic_write(path, "x") is True
    mtime = path.stat().st_mtime_ns
    assert atomic_write(path, "x") is False and path.stat().st_mtime_ns == mtime
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_slugs_are_stable_and_distinct():
    assert slug_for("arxiv:2606.17199") == "arxiv-2606-17199"
    assert slug_for("arxiv:astro-ph/0601001") == "arxiv-astro-ph-0601001"
    assert slug_for("doi:10.1000/a-b") != slug_for("doi:10.1000/a.b")
    assert slug_for("doi:10.1000/a-b") == slug_for("doi:10.1000/a-b")


def test_writing_is_idempotent_and_index_rebuildable(tmp_path):
    index = Index.load(tmp_path, tmp_path / "index")
    paper = hard_paper()
    assert [o.kind for o in write_papers([paper], index, DAY)] == ["new"]
    assert [o.kind for o in write_papers([paper], index, DAY)] == ["unchanged"]
    index.save(tmp_path / "index")
    rebuilt = Index.rebuild(tmp_path)
    assert rebuilt.entries == index.entries and rebuilt.by_key == index.by_key
    entry = tmp_path / index.entries[paper.id]
    assert read_record(entry) == replace(paper, received=DAY)


def test_an_entry_named_by_a_wildcard_stem_is_named_by_its_words_once(tmp_path):
    """An entry an earlier AcademicHub wrote, its keyword page named by a stem ("Tags: agent" for
    agent*, no matched words in its record), gets the words its paper writes; its brief is kept."""
    paper = hard_paper(
        title="Agentic reasoning",
        abstract="Agents that reason.",
        received=DAY,
        topics=(Selection("llm-agents", 2, ("agent*", "reason*")),),
    )
    written = render_entry(with_matched_words(paper), "done", "<!-- brief -->\n<section>kept</section>\n")
    record = json.loads(written.split("Record: ", 1)[1].split("\n", 1)[0])
    del record["topics"][0]["words"]
    old = re.sub(r"^Tags: .*$", "Tags: agent; reason", written, flags=re.M).replace(
        written.split("Record: ", 1)[1].split("\n", 1)[0], json.dumps(record, ensure_ascii=False, sort_keys=True)
    )
    entry = tmp_path / "papers" / "old.md"
    atomic_write(entry, old)
    index = Index.rebuild(tmp_path)
    assert index.format < INDEX_FORMAT
    assert upgrade_entries(index, {}, with_matched_words) == 1 and index.format == INDEX_FORMAT
    text = entry.read_text(encoding="utf-8")
    assert "\nTags: agentic; agents; reasoning; reason\n" in text and text.endswith("<section>kept</section>\n")
    assert read_record(entry).topics[0].words == ("agentic", "agents", "reasoning", "reason")
    assert (
        Index.rebuild(tmp_path).format == INDEX_FORMAT
        and upgrade_entries(Index.rebuild(tmp_path), {}, with_matched_words) == 0
    )


def test_an_update_keeps_the_brief_section(tmp_path):
    index = Index.load(tmp_path, tmp_path / "index")
    write_papers([hard_paper()], index, DAY)
    path = tmp_path / index.entries["arxiv:2606.17199"]
    text = path.read_text(encoding="utf-8").replace(
        "Brief_status: pending", 'Brief_status: done\nBrief: {"en":  {"tldr": "two  spaces"}}'
    )
    path.write_text(text + '\n<!-- brief -->\n<section class="brief">kept</section>\n', encoding="utf-8")
    v2 = hard_paper(version=2, updated=datetime(2026, 6, 20, tzinfo=UTC), pdf="https://arxiv.org/pdf/2606.17199v2")
    assert [o.kind for o in write_papers([v2], index, date(2026, 6, 20))] == ["updated"]
    text = path.read_text(encoding="utf-8")
    assert "Brief_status: done" in text and text.endswith('<section class="brief">kept</section>\n')
    assert '\nBrief: {"en":  {"tldr": "two  spaces"}}\nRecord: ' in text
    assert "Version: 2" in text and "Modified: 2026-06-20T00:00:00+00:00" in text


def test_a_journal_version_is_an_event_of_the_day_it_is_found_once(tmp_path):
    from pipeline.models import Event

    index = Index.load(tmp_path, tmp_path / "index")
    preprint = hard_paper(doi="10.1234/jour.5")  # the arXiv record names its DOI, no journal yet
    write_papers([preprint], index, DAY)
    journal = hard_paper(
        id="doi:10.1234/jour.5",
        arxiv_id="",
        version=0,
        venue="Journal of Tests",
        published=datetime(2026, 6, 25, tzinfo=UTC),
        url="https://doi.org/10.1234/jour.5",
    )
    later = date(2026, 7, 1)
    [outcome] = write_papers([journal], index, later)
    assert outcome.kind == "updated" and outcome.written.id == preprint.id and outcome.written.received == DAY
    assert outcome.written.events == (
        Event(later, "journal", journal="Journal of Tests", doi="10.1234/jour.5", published=date(2026, 6, 25)),
    )
    # seen again, and a later arXiv record with its journal reference: no second event
    assert [o.kind for o in write_papers([journal], index, date(2026, 7, 2))] == ["unchanged"]
    [again] = write_papers(
        [hard_paper(doi="10.1234/jour.5", journal_ref="J. Tests 5 (2026) 1")], index, date(2026, 7, 3)
    )
    assert [e.kind for e in again.written.events] == ["journal"]


def test_a_journal_reference_in_a_later_arxiv_record_is_the_journal_event(tmp_path):
    index = Index.load(tmp_path, tmp_path / "index")
    write_papers([hard_paper()], index, DAY)
    [outcome] = write_papers(
        [hard_paper(journal_ref="Phys. Rev. X 16, 011001 (2026)", doi="10.1103/prx.16.011001")], index, date(2026, 7, 1)
    )
    [event] = outcome.written.events
    assert (event.kind, event.journal, event.doi, event.day) == (
        "journal",
        "Phys. Rev. X 16, 011001 (2026)",
        "10.1103/prx.16.011001",
        date(2026, 7, 1),
    )
