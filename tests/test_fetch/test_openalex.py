"""The OpenAlex source kind: its parser on the captured work, and the real `academichub fetch` paging
through the works API served from 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from helpers import FEEDS, fetch, last_run, read_entry, write_sources

from pipeline.errors import FeedError
from pipeline.fetch.sources import openalex, source_settings

WORK = FEEDS / "openalex/work-W2741809807-peerj.4375-2025-06-11.json"
CURSOR = "IlsxNTE4NDgwMDAwMDAwLCAnaHR0cHM6Ly9vcGVuYWxleC5vcmcvVzI3NDE4MDk4MDcnXSI="
ABSTRACT = (
    "Despite growing interest in Open Access (OA) to scholarly literature, there is an unmet need for "
    "large-scale, up-to-date, and reproducible studies assessing the prevalence and characteristics of OA."
)


def listing(works: list, count: int, cursor: str | None) -> bytes:
    """A page of ``/works?filter=…`` as the API documents it: ``meta`` (count, next_cursor) and ``results``."""
    meta = {
        "count": count,
        "db_response_time_ms": 31,
        "page": None,
        "per_page": 25,
        "next_cursor": cursor,
        "groups_count": None,
    }
    return json.dumps({"meta": meta, "results": works, "group_by": []}).encode()


SOURCE = source_settings(id="oa", kind="openalex", label="OpenAlex", filter="primary_topic.id:T10102")


def test_a_work_is_read_with_its_abstract_put_back_in_order():
    work = json.loads(WORK.read_bytes())
    page = openalex.parse(listing([work], 1, CURSOR), SOURCE)
    [item] = page.items
    assert (page.total, page.cursor, page.records, page.skipped) == (1, CURSOR, [work["id"]], [])
    assert item.doi == "10.7717/peerj.4375"
    assert item.title == "The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles"
    assert item.abstract.startswith(ABSTRACT)
    # every position of the inverted index holds one word, so the text has as many words as positions
    positions = sorted(p for ps in work["abstract_inverted_index"].values() for p in ps)
    assert positions == list(range(len(positions))) and len(item.abstract.split(" ")) == len(positions)
    assert item.abstract.endswith("as a way to inform OA policy and practice.")
    assert len(item.authors) == 9 and item.authors[0].name == "Heather Piwowar"
    assert item.authors[0].affiliations == ("Impact Technology Development (United States)",)
    assert (item.venue, item.pdf, item.url) == (
        "PeerJ",
        "https://peerj.com/articles/4375.pdf",
        "https://doi.org/10.7717/peerj.4375",
    )
    assert item.categories == ("scientometrics and bibliometrics research",)
    assert item.published.isoformat() == "2018-02-13T00:00:00+00:00"


def test_the_last_page_and_the_api_errors():
    assert openalex.parse(listing([], 1, None), SOURCE).cursor == ""
    with pytest.raises(FeedError, match="OpenAlex error: Invalid query parameters"):
        openalex.parse(b'{"error": "Invalid query parameters error.", "message": "filter: bad"}', SOURCE)
    with pytest.raises(FeedError, match="not a list and an object"):
        openalex.parse(b'{"meta": {"count": 1}, "results": null}', SOURCE)


def test_the_window_is_added_to_the_filter():
    from datetime import date

    source = source_settings(id="oa", kind="openalex", label="OA", filter="authorships.institutions.ror:x", days=3)
    assert openalex.window(source, date(2026, 4, 27)) == (
        "authorships.institutions.ror:x,from_publication_date:2026-04-25,to_publication_date:2026-04-27"
    )
    assert source.age_limit() == 4 and source.address() == "https://api.openalex.org"


def test_fetch_pages_openalex_through_the_cli(feed_server, run_cli, tmp_path):
    work = json.loads(WORK.read_bytes())
    feed_server.add(
        "/openalex/works",
        page_param="cursor",
        content_type="application/json",
        pages={"*": listing([work], 1, CURSOR), CURSOR: listing([], 1, None)},
    )
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "open-access.yml").write_text(
        "id: oa\nname: {en: Open access}\ndescription: {en: Open access}\ninclude:\n  keywords: [open access]\n",
        encoding="utf-8",
    )
    write_sources(
        tmp_path,
        [
            {
                "id": "openalex-oa",
                "kind": "openalex",
                "label": "OpenAlex",
                "filter": "primary_topic.id:T10102",
                "mailto": "tests@example.org",
                "days": 2,
                "page_size": 50,
                "base_url": feed_server.base + "/openalex",
            }
        ],
    )
    result = fetch(run_cli, tmp_path, "2026-04-27", rules=rules)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    asked = [r["query"] for r in feed_server.requests_to("/openalex/works")]
    assert [q["cursor"] for q in asked] == ["*", CURSOR]
    assert (
        asked[0]["filter"] == "primary_topic.id:T10102,from_publication_date:2026-04-26,to_publication_date:2026-04-27"
    )
    assert (asked[0]["per-page"], asked[0]["mailto"]) == ("50", "tests@example.org")
    report = last_run(tmp_path)["openalex-oa"]
    assert (report["status"], report["kind"], report["new"], report["items_seen"]) == ("ok", "openalex", 1, 1)
    [path] = (tmp_path / "content/papers").rglob("*.md")
    e = read_entry(path)
    assert e["paper_id"] == "doi:10.7717/peerj.4375" and e["source_label"] == "OpenAlex"
    assert e["authors"].startswith("Heather Piwowar; Jason Priem")
    assert e["record"]["abstract"].startswith(ABSTRACT)
