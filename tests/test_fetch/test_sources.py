"""Source parsers on captured responses: what the integration tests do not reach."""

import pytest
from helpers import FEEDS

from pipeline.errors import FeedError
from pipeline.fetch.sources import arxiv_oai, arxiv_rss, crossref, source_settings

OAI = source_settings(id="oai", kind="arxiv_oai", label="arXiv", set="cs")


def test_oai_no_records_is_an_empty_answer():
    page = arxiv_oai.parse((FEEDS / "arxiv_oai/no-records.xml").read_bytes(), OAI)
    assert (page.items, page.cursor, page.skipped, page.records) == ([], "", [], [])


def test_oai_errors_are_feed_errors():
    body = (FEEDS / "arxiv_oai/no-records.xml").read_bytes().replace(b"noRecordsMatch", b"badArgument")
    with pytest.raises(FeedError, match="OAI-PMH error badArgument"):
        arxiv_oai.parse(body, OAI)


def test_the_fast_and_the_tolerant_rss_readers_agree():
    source = source_settings(id="a", kind="arxiv_rss", label="arXiv", categories=["quant-ph"])
    body = (FEEDS / "arxiv_rss/rss-quant-ph-2025-04-28-truncated.xml").read_bytes()
    fast, tolerant = arxiv_rss._parse_fast(body, source), arxiv_rss._parse_tolerant(body, source)
    assert len(fast.items) == 23
    assert fast.feed_time.isoformat() == tolerant.feed_time.isoformat() == "2025-04-28T00:00:00-04:00"
    for a, b in zip(fast.items, tolerant.items):
        assert (
            a.title.strip(),
            a.arxiv_id,
            a.categories,
            a.announce_type,
            a.published,
            a.doi,
            a.journal_ref,
            a.authors,
        ) == (b.title.strip(), b.arxiv_id, b.categories, b.announce_type, b.published, b.doi, b.journal_ref, b.authors)


def test_crossref_single_work_and_error_documents():
    source = source_settings(id="c", kind="crossref", label="C", issn=["1"])
    page = crossref.parse(
        (FEEDS / "crossref/works-doi-10.1371_journal.pone.0033693-2026-06-16.json").read_bytes(), source
    )
    assert [i.doi for i in page.items] == ["10.1371/journal.pone.0033693"] and page.cursor == ""
    assert page.items[0].venue == "PLoS ONE"
    with pytest.raises(FeedError, match="Crossref error"):
        crossref.parse(b'{"status": "failed", "message": [{"type": "validation-failure"}]}', source)
