"""The fault matrix: every source kind against the same faults, through the real `academichub fetch`.

For each kind: a field of the wrong JSON/XML type in every field its parser reads, a server that
pages in a loop, a result set that ends before the server's own total, and an error page served
with status 200.  Each case runs beside a healthy source, and each checks the same promises: no
traceback reaches the user, nothing is lost (every record is written or named in the run record
with its reason), nothing is merged that is not the same paper, and the run record says what
happened.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest
from helpers import RULES, fetch, last_run, write_sources

from adversarial.test_hostile_feeds import GOOD, HEAD, entries

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-04-27"
TITLE = "Cancer genome reasoning with language models, study number {n}"  # kept by the ai and life rules
NESTED = "text with <b>nested</b> markup"  # an element where the parser expects text


def arxiv_id(n: int) -> str:
    return f"2604.{30000 + n}"


@dataclass
class Kind:
    """How one source kind's responses look, and where its records live."""

    name: str
    source: Callable[[str], dict]  # base address -> source settings
    path: str  # the route serving the attack
    record: Callable[[int, dict], object]  # record n with some fields overridden
    page: Callable[[list, int | None, str], bytes]  # (records, total, next cursor) -> body
    fields: dict[str, list]  # field -> wrong values tried (a JSON value, or raw XML for an element)
    paged_by: str = ""  # the query parameter that pages ("" when the cursor is in the path or there is none)
    json: bool = False

    def paper_id(self, n: int) -> str:
        return (
            f"doi:10.5555/fault.{n}"
            if self.name in ("crossref", "biorxiv", "rss", "openalex")
            else f"arxiv:{arxiv_id(n)}"
        )


# ---------------------------------------------------------------- JSON kinds


def crossref_record(n: int, override: dict) -> dict:
    work = {
        "DOI": f"10.5555/fault.{n}",
        "title": [TITLE.format(n=n)],
        "subtitle": [],
        "abstract": "<jats:p>Text.</jats:p>",
        "author": [{"given": "Ada", "family": "Lovelace", "affiliation": [{"name": "Analytical Engines"}]}],
        "link": [{"URL": f"https://example.org/{n}.pdf", "content-type": "application/pdf"}],
        "subject": ["Oncology"],
        "published": {"date-parts": [[2026, 4, 27]]},
        "container-title": ["Journal of Faults"],
        "resource": {"primary": {"URL": f"https://example.org/{n}"}},
        "URL": f"https://doi.org/10.5555/fault.{n}",
    }
    for path, value in override.items():
        _set(work, path, value)
    return work


def crossref_page(records: list, total: int | None, cursor: str) -> bytes:
    message = {"items": records, "next-cursor": cursor, "items-per-page": 20}
    if total is not None:
        message["total-results"] = total
    return json.dumps({"status": "ok", "message-type": "work-list", "message": message}).encode()


def biorxiv_record(n: int, override: dict) -> dict:
    record = {
        "doi": f"10.5555/fault.{n}",
        "title": TITLE.format(n=n),
        "authors": "Lovelace, A.; Hopper, G.",
        "author_corresponding": "Ada Lovelace",
        "author_corresponding_institution": "Analytical Engines",
        "date": DAY,
        "version": "1",
        "category": "cancer biology",
        "abstract": "Text.",
        "published": "NA",
    }
    for path, value in override.items():
        _set(record, path, value)
    return record


def biorxiv_page(records: list, total: int | None, cursor: str) -> bytes:
    message = {"status": "ok", "cursor": 0, "count": len(records)}
    if total is not None:
        message["total"] = total
    return json.dumps({"messages": [message], "collection": records}).encode()


def openalex_record(n: int, override: dict) -> dict:
    work = {
        "id": f"https://openalex.org/W{n}",
        "doi": f"https://doi.org/10.5555/fault.{n}",
        "title": TITLE.format(n=n),
        "publication_date": DAY,
        "abstract_inverted_index": {"Text.": [0]},
        "authorships": [
            {"author": {"display_name": "Ada Lovelace"}, "institutions": [{"display_name": "Analytical Engines"}]}
        ],
        "primary_location": {
            "landing_page_url": f"https://example.org/{n}",
            "pdf_url": f"https://example.org/{n}.pdf",
            "source": {"display_name": "Journal of Faults"},
        },
        "primary_topic": {"display_name": "Oncology"},
    }
    for path, value in override.items():
        _set(work, path, value)
    return work


def openalex_page(records: list, total: int | None, cursor: str) -> bytes:
    meta = {"count": total, "per_page": 20, "next_cursor": cursor or None}
    return json.dumps({"meta": meta, "results": records, "group_by": []}).encode()


def _set(data, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[part]
    data[int(last) if last.isdigit() else last] = value


TEXT_WRONG = [42, ["a list"], {"an": "object"}, True]
LIST_WRONG = ["plain text", 42, [42], {"an": "object"}]
OBJECT_WRONG = ["plain text", 42, ["a list"]]

# ---------------------------------------------------------------- XML kinds


def _xml(override: dict, defaults: dict) -> dict:
    """Field values as XML: defaults escaped, overrides raw (they carry the nested elements)."""
    return {k: override.get(k, escape(v, quote=False)) for k, v in defaults.items()}


def api_record(n: int, override: dict) -> str:
    v = _xml(
        override,
        {
            "id": f"http://arxiv.org/abs/{arxiv_id(n)}v1",
            "title": TITLE.format(n=n),
            "summary": "Text.",
            "published": f"{DAY}T10:00:00Z",
            "updated": f"{DAY}T10:00:00Z",
            "name": "Ada Lovelace",
            "affiliation": "Analytical Engines",
            "doi": f"10.5555/arxiv.{n}",
            "comment": "9 pages",
            "journal_ref": "J. Faults 1 (2026)",
        },
    )
    return (
        f"<entry><id>{v['id']}</id><updated>{v['updated']}</updated><published>{v['published']}</published>"
        f"<title>{v['title']}</title><summary>{v['summary']}</summary>"
        f"<author><name>{v['name']}</name><arxiv:affiliation>{v['affiliation']}</arxiv:affiliation></author>"
        f"<arxiv:doi>{v['doi']}</arxiv:doi><arxiv:comment>{v['comment']}</arxiv:comment>"
        f"<arxiv:journal_ref>{v['journal_ref']}</arxiv:journal_ref>"
        f'<link href="https://arxiv.org/abs/{arxiv_id(n)}v1" rel="alternate" type="text/html"/>'
        f'<link title="pdf" href="https://arxiv.org/pdf/{arxiv_id(n)}v1" rel="related" type="application/pdf"/>'
        f'<arxiv:primary_category term="cs.AI"/><category term="cs.AI"/></entry>'
    )


def api_page(records: list, total: int | None, cursor: str) -> bytes:
    total_element = f"<opensearch:totalResults>{total}</opensearch:totalResults>" if total is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<title>arXiv Query</title><id>https://arxiv.org/api/x</id>{total_element}" + "".join(records) + "</feed>"
    ).encode()


def oai_record(n: int, override: dict) -> str:
    v = _xml(
        override,
        {
            "id": arxiv_id(n),
            "title": TITLE.format(n=n),
            "abstract": "Text.",
            "created": DAY,
            "updated": DAY,
            "keyname": "Lovelace",
            "forenames": "Ada",
            "affiliation": "Analytical Engines",
            "categories": "cs.AI",
            "doi": f"10.5555/arxiv.{n}",
            "comments": "9 pages",
            "journal-ref": "J. Faults 1",
        },
    )
    return (
        f"<record><header><identifier>oai:arXiv.org:{arxiv_id(n)}</identifier><datestamp>{DAY}</datestamp>"
        f'<setSpec>cs</setSpec></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/">'
        f"<id>{v['id']}</id><created>{v['created']}</created><updated>{v['updated']}</updated>"
        f"<authors><author><keyname>{v['keyname']}</keyname><forenames>{v['forenames']}</forenames>"
        f"<affiliation>{v['affiliation']}</affiliation></author></authors><title>{v['title']}</title>"
        f"<categories>{v['categories']}</categories><comments>{v['comments']}</comments>"
        f"<journal-ref>{v['journal-ref']}</journal-ref><doi>{v['doi']}</doi><abstract>{v['abstract']}</abstract>"
        "</arXiv></metadata></record>"
    )


def oai_page(records: list, total: int | None, cursor: str) -> bytes:
    size = f' completeListSize="{total}"' if total is not None else ""
    token = f'<resumptionToken cursor="0"{size}>{cursor}</resumptionToken>' if cursor or total is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>{DAY}T00:00:00Z</responseDate><ListRecords>"
        + "".join(records)
        + token
        + "</ListRecords></OAI-PMH>"
    ).encode()


def rss_record(n: int, override: dict) -> str:
    v = _xml(
        override,
        {
            "title": TITLE.format(n=n),
            "link": f"https://arxiv.org/abs/{arxiv_id(n)}",
            "description": f"arXiv:{arxiv_id(n)}v1 Announce Type: new Abstract: Text.",
            "guid": f"oai:arXiv.org:{arxiv_id(n)}v1",
            "category": "cs.AI",
            "pubDate": "Mon, 27 Apr 2026 00:00:00 -0400",
            "announce_type": "new",
            "creator": "Ada Lovelace, Grace Hopper",
            "DOI": f"10.5555/arxiv.{n}",
            "journal_reference": "J. Faults 1 (2026)",
        },
    )
    return (
        f"<item><title>{v['title']}</title><link>{v['link']}</link><description>{v['description']}</description>"
        f'<guid isPermaLink="false">{v["guid"]}</guid><category>{v["category"]}</category>'
        f"<pubDate>{v['pubDate']}</pubDate><arxiv:announce_type>{v['announce_type']}</arxiv:announce_type>"
        f"<dc:creator>{v['creator']}</dc:creator><arxiv:DOI>{v['DOI']}</arxiv:DOI>"
        f"<arxiv:journal_reference>{v['journal_reference']}</arxiv:journal_reference></item>"
    )


def rss_page(records: list, total: int | None, cursor: str) -> bytes:
    return (HEAD + "\n".join(records) + "\n</channel>\n</rss>\n").encode()


def journal_record(n: int, override: dict) -> str:
    v = _xml(
        override,
        {
            "title": TITLE.format(n=n),
            "link": f"https://example.org/{n}",
            "description": "Text.",
            "creator": "Ada Lovelace",
            "doi": f"10.5555/fault.{n}",
            "date": "2026-04-27",
            "publicationName": "Journal of Faults",
        },
    )
    return (
        f'<item rdf:about="https://example.org/{n}"><title>{v["title"]}</title><link>{v["link"]}</link>'
        f"<description>{v['description']}</description><dc:creator>{v['creator']}</dc:creator>"
        f"<dc:date>{v['date']}</dc:date><prism:doi>{v['doi']}</prism:doi>"
        f"<prism:publicationName>{v['publicationName']}</prism:publicationName></item>"
    )


def journal_page(records: list, total: int | None, cursor: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">'
        '<channel rdf:about="https://example.org/"><title>Journal of Faults</title><link>https://example.org/</link>'
        "<description>Current issue</description></channel>" + "".join(records) + "</rdf:RDF>"
    ).encode()


KINDS = {
    "crossref": Kind(
        "crossref",
        lambda b: {"kind": "crossref", "issn": ["1"], "base_url": b, "page_size": 20},
        "/attack/works",
        crossref_record,
        crossref_page,
        json=True,
        paged_by="cursor",
        fields={
            "DOI": TEXT_WRONG,
            "title": LIST_WRONG,
            "subtitle": LIST_WRONG,
            "abstract": TEXT_WRONG,
            "author": OBJECT_WRONG + [["a name"]],
            "author.0.given": TEXT_WRONG,
            "author.0.family": TEXT_WRONG,
            "author.0.affiliation": OBJECT_WRONG,
            "author.0.affiliation.0.name": TEXT_WRONG,
            "link": OBJECT_WRONG,
            "link.0.URL": TEXT_WRONG,
            "link.0.content-type": TEXT_WRONG,
            "subject": LIST_WRONG,
            "published": OBJECT_WRONG,
            "published.date-parts": ["2026-04-27", 2026, [2026, 4, 27], [["2026", "4"]], [[2026, 13, 45]]],
            "container-title": LIST_WRONG,
            "resource": OBJECT_WRONG,
            "resource.primary": OBJECT_WRONG,
            "resource.primary.URL": TEXT_WRONG,
            "URL": TEXT_WRONG,
        },
    ),
    "biorxiv": Kind(
        "biorxiv",
        lambda b: {"kind": "biorxiv", "category": "cancer_biology", "base_url": b},
        "/attack/details/*",
        biorxiv_record,
        biorxiv_page,
        json=True,
        fields={
            "doi": TEXT_WRONG,
            "title": TEXT_WRONG,
            "authors": TEXT_WRONG,
            "author_corresponding": TEXT_WRONG,
            "author_corresponding_institution": TEXT_WRONG,
            "date": TEXT_WRONG,
            "version": [["1"], {"v": 1}, True],
            "category": TEXT_WRONG,
            "abstract": TEXT_WRONG,
            "published": TEXT_WRONG,
        },
    ),
    "openalex": Kind(
        "openalex",
        lambda b: {"kind": "openalex", "filter": "primary_topic.id:T1", "base_url": b, "page_size": 20},
        "/attack/works",
        openalex_record,
        openalex_page,
        json=True,
        paged_by="cursor",
        fields={
            "id": TEXT_WRONG,
            "doi": TEXT_WRONG,
            "title": TEXT_WRONG,
            "publication_date": TEXT_WRONG,
            "abstract_inverted_index": OBJECT_WRONG + [{"Text.": "0"}, {"Text.": [True]}],
            "authorships": OBJECT_WRONG + [["a name"]],
            "authorships.0.author": OBJECT_WRONG,
            "authorships.0.author.display_name": TEXT_WRONG,
            "authorships.0.institutions": OBJECT_WRONG,
            "authorships.0.institutions.0.display_name": TEXT_WRONG,
            "primary_location": OBJECT_WRONG,
            "primary_location.landing_page_url": TEXT_WRONG,
            "primary_location.pdf_url": TEXT_WRONG,
            "primary_location.source": OBJECT_WRONG,
            "primary_location.source.display_name": TEXT_WRONG,
            "primary_topic": OBJECT_WRONG,
            "primary_topic.display_name": TEXT_WRONG,
        },
    ),
    "arxiv_api": Kind(
        "arxiv_api",
        lambda b: {"kind": "arxiv_api", "query": "cat:cs.AI", "base_url": b, "page_size": 20},
        "/attack",
        api_record,
        api_page,
        paged_by="start",
        fields={
            f: [NESTED]
            for f in (
                "id",
                "title",
                "summary",
                "published",
                "updated",
                "name",
                "affiliation",
                "doi",
                "comment",
                "journal_ref",
            )
        },
    ),
    "arxiv_oai": Kind(
        "arxiv_oai",
        lambda b: {"kind": "arxiv_oai", "set": "cs", "base_url": b},
        "/attack",
        oai_record,
        oai_page,
        paged_by="resumptionToken",
        fields={
            f: [NESTED]
            for f in (
                "id",
                "title",
                "abstract",
                "created",
                "updated",
                "keyname",
                "forenames",
                "affiliation",
                "categories",
                "doi",
                "comments",
                "journal-ref",
            )
        },
    ),
    "arxiv_rss": Kind(
        "arxiv_rss",
        lambda b: {"kind": "arxiv_rss", "url": b},
        "/attack",
        rss_record,
        rss_page,
        fields={
            f: [NESTED]
            for f in (
                "title",
                "link",
                "description",
                "guid",
                "category",
                "pubDate",
                "announce_type",
                "creator",
                "DOI",
                "journal_reference",
            )
        },
    ),
    "rss": Kind(
        "rss",
        lambda b: {"kind": "rss", "url": b},
        "/attack",
        journal_record,
        journal_page,
        fields={f: [NESTED] for f in ("title", "link", "description", "creator", "doi", "date", "publicationName")},
    ),
}


def serve_and_fetch(
    feed_server, run_cli, tmp_path, kind: Kind, body: bytes = b"", settings: dict | None = None, **route
):
    """Serve ``body`` (or ``pages``) as the attack beside a healthy arXiv feed; fetch; return (output, run record)."""
    feed_server.add("/good", GOOD)
    feed_server.add(kind.path, body=body, content_type="application/json" if kind.json else "application/xml", **route)
    source = {"id": "attack", "label": "Faults", **kind.source(feed_server.base + "/attack"), **(settings or {})}
    write_sources(
        tmp_path, [source, {"id": "good", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/good"}]
    )
    result = fetch(run_cli, tmp_path, DAY)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    assert (tmp_path / "state/runs.jsonl").exists(), "the run record must be kept"
    health = last_run(tmp_path)
    assert health["good"]["status"] == "ok" and health["good"]["new"] == 3, "the healthy source must be unaffected"
    return output, health


def attack_entries(tmp_path) -> dict[str, dict]:
    return {e["paper_id"]: e for e in entries(tmp_path) if e["source"] == "attack"}


def _show(value) -> str:
    return "a nested element" if value == NESTED else json.dumps(value)


# ---------------------------------------------------------------- wrong types in every field

WRONG_TYPES = [(name, field) for name, kind in KINDS.items() for field in kind.fields]
# fields whose value is checked again downstream: a feed item whose link or date is unreadable keeps its
# DOI link or gets the run date (noted in the run record) rather than being dropped
FALLBACKS = {("rss", "link"), ("rss", "date")}


@pytest.mark.parametrize("name, field", WRONG_TYPES, ids=[f"{n}-{f}" for n, f in WRONG_TYPES])
def test_wrong_types_in_a_field(feed_server, run_cli, tmp_path, case, name, field):
    kind = KINDS[name]
    values = kind.fields[field]
    bad = list(range(2, 2 + len(values)))
    records = [kind.record(1, {})] + [kind.record(n, {field: v}) for n, v in zip(bad, values)] + [kind.record(99, {})]
    _, health = serve_and_fetch(feed_server, run_cli, tmp_path, kind, kind.page(records, len(records), ""))
    report, written = health["attack"], attack_entries(tmp_path)
    assert {kind.paper_id(1), kind.paper_id(99)} <= set(written), "the clean neighbours must be written"
    assert report["duplicate"] == 0 and report["rejected"] == 0
    kept = [n for n in bad if kind.paper_id(n) in written]
    assert len(written) + report["skipped"] == len(records), f"a record was lost: {sorted(written)}, {report}"
    assert all(field.split(".")[-1].lower() in e.lower() for e in report["errors"]), report["errors"]
    for n in kept:  # kept only with its whole text, never cut at the nested element
        assert not kind.json, f"{kind.paper_id(n)} was written with {field} of the wrong type"
        assert (
            "text with nested markup" in json.dumps(written[kind.paper_id(n)]["record"]) or (name, field) in FALLBACKS
        )
    case(
        "fault matrix: wrong types",
        f"{name}: {field} holding {', '.join(_show(v) for v in values)}",
        "the record skipped with the field named (or kept with its whole text); neighbours written; no traceback",
        f"{len(written)} written, {report['skipped']} skipped"
        + (f": {report['errors'][0]}" if report["errors"] else ""),
    )


# ---------------------------------------------------------------- paging

PAGED = ["arxiv_api", "arxiv_oai", "biorxiv", "crossref", "openalex"]
CURSORED = ("crossref", "openalex")  # a new cursor with every page


def _paging_route(kind: Kind, first: bytes, rest: bytes, cursors: int = 0) -> dict:
    """Route settings answering ``first`` to the first request and ``rest`` to every later one.

    ``cursors`` > 0 makes the first page and each later one hand out a new cursor (c1, c2, …).
    """
    if kind.name == "biorxiv":  # the cursor is in the path: /details/biorxiv/<from>/<to>/<cursor>/json
        return {"first_path": f"/attack/details/biorxiv/{DAY}/{DAY}/0/json", "first": first, "body": rest}
    first_key = {"start": "0", "cursor": "*", "resumptionToken": ""}[kind.paged_by]
    pages = {first_key: first}
    pages.update({f"c{i}": rest.replace(b"NEXT", f"c{i + 1}".encode()) for i in range(1, cursors + 1)})
    return {"page_param": kind.paged_by, "pages": pages, "body": rest.replace(b"NEXT", b"")}


def _serve_paged(feed_server, run_cli, tmp_path, kind: Kind, route: dict):
    first_path, first = route.pop("first_path", None), route.pop("first", None)
    if first_path:
        feed_server.add(first_path, body=first, content_type="application/json")
    _, health = serve_and_fetch(feed_server, run_cli, tmp_path, kind, route.pop("body"), **route)
    requests = [r for r in feed_server.log if r["path"].startswith("/attack")]
    return health["attack"], requests


@pytest.mark.parametrize("name", PAGED)
def test_a_server_that_pages_in_a_loop(feed_server, run_cli, tmp_path, case, name):
    kind = KINDS[name]
    records = [kind.record(n, {}) for n in (1, 2, 3)]
    if name == "biorxiv":  # records outside the configured category, a cursor that never moves the answer on
        records = [kind.record(n, {"category": "genetics"}) for n in (1, 2, 3)]
    looping = kind.page(records, 300, "NEXT" if name in (*CURSORED, "arxiv_oai") else "")
    if name == "arxiv_oai":  # the same resumption token every time
        looping = kind.page(records, 300, "c1")
    route = _paging_route(kind, looping.replace(b"NEXT", b"c1"), looping, cursors=300 if name in CURSORED else 0)
    report, requests = _serve_paged(feed_server, run_cli, tmp_path, kind, route)
    assert len(requests) <= 3, f"{len(requests)} requests for one repeated page"
    assert report["status"] == "partial", report
    assert "3 of 300 results" in report["note"] and "repeated a page" in report["note"]
    written = attack_entries(tmp_path)
    assert len(written) == (0 if name == "biorxiv" else 3) and report["duplicate"] == 0
    case(
        "fault matrix: paging",
        f"{name}: every page repeats the first"
        + (" (records outside the category, cursor ignored)" if name == "biorxiv" else "")
        + (" while the cursor changes" if name in CURSORED else ""),
        "stops at the first page that brings nothing new; recorded partial",
        f"{len(requests)} requests; {report['note']}",
    )


@pytest.mark.parametrize("name", PAGED)
def test_a_result_set_that_ends_before_its_total(feed_server, run_cli, tmp_path, case, name):
    kind = KINDS[name]
    first = kind.page([kind.record(n, {}) for n in (1, 2, 3)], 500, "c1")
    empty = kind.page([], 500 if name != "arxiv_oai" else None, "")
    report, requests = _serve_paged(feed_server, run_cli, tmp_path, kind, _paging_route(kind, first, empty))
    assert report["status"] == "partial", report
    assert "3 of 500 results" in report["note"], report["note"]
    assert sorted(attack_entries(tmp_path)) == sorted(kind.paper_id(n) for n in (1, 2, 3))
    if name == "arxiv_api":  # the known flaky empty page is asked for again, a bounded number of times
        assert len(requests) == 4 and "arXiv returned empty pages" in report["note"]
    case(
        "fault matrix: paging",
        f"{name}: the server's total says 500, the pages end after 3",
        "the 3 written; recorded partial with how many of how many",
        f"{len(requests)} requests; {report['note']}",
    )


def test_partial_results_reach_the_status_page_and_the_alerts(feed_server, run_cli, tmp_path, case):
    kind = KINDS["arxiv_api"]
    first = kind.page([kind.record(n, {}) for n in (1, 2, 3)], 500, "")
    report, _ = _serve_paged(feed_server, run_cli, tmp_path, kind, _paging_route(kind, first, kind.page([], 500, "")))
    assert report["status"] == "partial"
    summary = run_cli("health", "--state", "state", "--content", "content", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr
    assert "| partial |" in summary.stdout and "returned only part of its results" in summary.stdout
    from pipeline.site import build

    site = build(
        tmp_path / "content",
        tmp_path / "site",
        settings_file=ROOT / "pelicanconf.py",
        rules=RULES,
        state=tmp_path / "state",
        search=False,
    )
    status = (site.output / "status.html").read_text(encoding="utf-8")
    assert "status-partial" in status and "Partial results" in status and "3 of 500 results" in status
    case(
        "fault matrix: paging",
        "arxiv_api: a partial result set, then `academichub health` and the status page",
        "the alert and the status page name the source as partial, not ok",
        "alert: returned only part of its results (3 of 500 results); status page: Partial results",
    )


def test_an_arxiv_entry_without_id_is_reported_once(feed_server, run_cli, tmp_path, case):
    kind = KINDS["arxiv_api"]
    entries_ = [kind.record(1, {}), kind.record(2, {"id": ""}), kind.record(3, {}), kind.record(4, {})]
    pages = {
        str(start): kind.page(entries_[start : start + 2], len(entries_), "") for start in range(len(entries_) + 1)
    }
    feed_server.add("/good", GOOD)
    source = {"id": "attack", "label": "Faults", **kind.source(feed_server.base + "/attack"), "page_size": 2}
    feed_server.add("/attack", page_param="start", pages=pages)
    write_sources(tmp_path, [source])
    result = fetch(run_cli, tmp_path, DAY)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    report = last_run(tmp_path)["attack"]
    assert report["skipped"] == 1 and len(report["errors"]) == 1, report["errors"]
    assert sorted(attack_entries(tmp_path)) == [kind.paper_id(n) for n in (1, 3, 4)]
    assert [r["query"]["start"] for r in feed_server.requests_to("/attack")] == ["0", "2"]
    case(
        "fault matrix: paging",
        "arxiv_api: an entry without id at the end of a page",
        "skipped and reported once; the next page starts after it",
        "1 error; requests at start 0 and 2",
    )


# ---------------------------------------------------------------- error pages served with status 200

HTML_ERROR = b"<html><head><title>Service Unavailable</title></head><body><h1>503</h1><p>Try later.</p></body></html>"
ERROR_PAGES = [(name, "an HTML error page", HTML_ERROR) for name in KINDS] + [
    ("crossref", 'status ok with "message": null', b'{"status": "ok", "message-type": "work-list", "message": null}'),
    (
        "crossref",
        "a work-list whose items are an object",
        b'{"status": "ok", "message-type": "work-list", "message": {"items": {}}}',
    ),
    (
        "biorxiv",
        'status ok with "collection": null',
        b'{"messages": [{"status": "ok", "total": 3}], "collection": null}',
    ),
    ("biorxiv", "messages that are not a list", b'{"messages": "ok", "collection": []}'),
    (
        "openalex",
        "an error object",
        b'{"error": "Invalid query parameters error.", "message": "filter: unknown field"}',
    ),
    ("openalex", '"results": null', b'{"meta": {"count": 3, "next_cursor": null}, "results": null}'),
]


@pytest.mark.parametrize("name, what, body", ERROR_PAGES, ids=[f"{n}-{w}" for n, w, _ in ERROR_PAGES])
def test_an_error_page_served_with_status_200(feed_server, run_cli, tmp_path, case, name, what, body):
    output, health = serve_and_fetch(feed_server, run_cli, tmp_path, KINDS[name], body)
    report = health["attack"]
    assert report["status"] == "failed" and len(report["errors"]) == 1, report
    reason = report["errors"][0]
    assert "\n" not in reason and re.search(r"\b[A-Z]\w*(Error|Exception)\b", reason) is None, reason
    case(
        "fault matrix: error page",
        f"{name}: {what}, HTTP 200",
        "failed with a one-line reason; no traceback",
        f"failed: {reason[:90]}",
    )


def test_a_flaky_empty_arxiv_page_is_asked_again(feed_server, run_cli, tmp_path, case):
    kind = KINDS["arxiv_api"]
    records = [kind.record(n, {}) for n in range(1, 7)]
    pages = {"0": kind.page(records[:3], 6, ""), "3": [kind.page([], 6, ""), kind.page(records[3:], 6, "")]}
    report, requests = _serve_paged(
        feed_server, run_cli, tmp_path, kind, {"page_param": "start", "pages": pages, "body": b""}
    )
    assert report["status"] == "ok" and report["new"] == 6, report
    assert [r["query"]["start"] for r in requests] == ["0", "3", "3"]
    case(
        "fault matrix: paging",
        "arxiv_api: the second page empty once, then served",
        "asked again; all 6 written; recorded ok",
        "requests at start 0, 3, 3; 6 written",
    )


# ---------------------------------------------------------------- a record older than the window

OLD_DATES = {
    "crossref": ("published", {"date-parts": [[2020, 1, 6]]}),
    "biorxiv": ("date", "2020-01-06"),
    "arxiv_api": ("published", "2020-01-06T10:00:00Z"),
    "arxiv_oai": ("created", "2020-01-06"),
    "arxiv_rss": ("pubDate", "Mon, 06 Jan 2020 00:00:00 -0500"),
    "rss": ("date", "2020-01-06"),
    "openalex": ("publication_date", "2020-01-06"),
}


@pytest.mark.parametrize("name", list(KINDS))
def test_a_record_older_than_the_window(feed_server, run_cli, tmp_path, case, name):
    kind = KINDS[name]
    field, value = OLD_DATES[name]
    records = [kind.record(1, {}), kind.record(2, {field: value}), kind.record(99, {})]
    _, health = serve_and_fetch(
        feed_server, run_cli, tmp_path, kind, kind.page(records, len(records), ""), settings={"max_age_days": 30}
    )
    report, written = health["attack"], attack_entries(tmp_path)
    assert set(written) == {kind.paper_id(1), kind.paper_id(99)}
    assert report["old"] == 1 and "old: 1 × published before 2026-03-28" in report["note"], report
    case(
        "fault matrix: dates",
        f"{name}: a record published in 2020 among today's (max_age_days: 30)",
        "not written; counted as old in the run record",
        f"not written; note: {report['note']}",
    )
