"""Hostile feeds and network faults, each through the real `academichub fetch` on 127.0.0.1.

Every case serves the attack next to a healthy source and checks three things: the attack
gets a clear message naming its source (or is stored as plain text), the healthy source is
written as usual, and nothing is lost or duplicated.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from helpers import FEEDS, fetch, fetch_args, indexed, last_run, read_entry, write_sources

ROOT = Path(__file__).resolve().parents[2]
GOOD = "arxiv_rss/rss-cs.CL-2026-04-27-3items.xml"
TEMPLATE = (FEEDS / "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml").read_text(encoding="utf-8")
HEAD = TEMPLATE[: TEMPLATE.index("<item>")]
FIRST_ITEM = TEMPLATE[TEMPLATE.index("<item>") : TEMPLATE.index("</item>") + len("</item>")]


def item(
    n: int,
    title: str = "A paper about reasoning",
    description: str = "Abstract: text.",
    creator: str = "Ada Lovelace",
    date: str = "Mon, 27 Apr 2026 00:00:00 -0400",
    guid: str | None = None,
    link: str | None = None,
) -> str:
    """An arXiv RSS item shaped like the captured ones, with chosen (already XML-escaped) fields."""
    arxiv_id = f"2604.{30000 + n}"
    return (
        f"<item><title>{title}</title><link>{link or 'https://arxiv.org/abs/' + arxiv_id}</link>"
        f"<description>arXiv:{arxiv_id}v1 Announce Type: new \n{description}</description>"
        f'<guid isPermaLink="false">{guid or "oai:arXiv.org:" + arxiv_id + "v1"}</guid><category>cs.AI</category>'
        f"<pubDate>{date}</pubDate><arxiv:announce_type>new</arxiv:announce_type>"
        f"<dc:creator>{creator}</dc:creator></item>"
    )


def feed(*items: str) -> bytes:
    return (HEAD + "\n".join(items) + "\n</channel>\n</rss>\n").encode("utf-8")


def run_attack(
    feed_server, run_cli, tmp_path, attack: dict, kind: str = "arxiv_rss", extra_source: dict | None = None, **http
):
    """Serve ``attack`` at /attack beside a healthy feed; run fetch; return (result, health)."""
    feed_server.add("/good", GOOD)
    if attack is not None:
        feed_server.add("/attack", **attack)
    source = {"id": "attack", "kind": kind, "label": "arXiv", "url": feed_server.base + "/attack"}
    source.update(extra_source or {})
    source = {key: value for key, value in source.items() if value is not None}  # None: a key the kind lacks
    write_sources(
        tmp_path,
        [source, {"id": "good", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/good"}],
        **http,
    )
    result = fetch(run_cli, tmp_path)
    health = last_run(tmp_path)
    assert health["good"]["status"] == "ok" and health["good"]["new"] == 3, "the healthy source must be unaffected"
    return result, health


def entries(tmp_path: Path) -> list[dict]:
    return [read_entry(p) for p in sorted((tmp_path / "content/papers").rglob("*.md"))]


def attack_entries(tmp_path: Path) -> list[dict]:
    return [e for e in entries(tmp_path) if e["source"] == "attack"]


# ---------------------------------------------------------------- malformed documents


def test_truncated_xml(feed_server, run_cli, tmp_path, case):
    body = feed(item(1), item(2), item(3))
    cut = body[: body.index(b"<item>", body.index(b"2604.30002")) - 40]
    _, health = run_attack(feed_server, run_cli, tmp_path, {"body": cut})
    written = attack_entries(tmp_path)
    assert [e["paper_id"] for e in written] == ["arxiv:2604.30001"]
    assert "not well-formed" in health["attack"]["note"]
    case(
        "malformed input",
        "feed cut off in the middle of an item",
        "complete items kept, the feed flagged",
        f"{len(written)} complete item written; note: feed is not well-formed",
    )


def test_wrong_declared_encoding(feed_server, run_cli, tmp_path, case):
    body = feed(item(1, creator="José Raúl Romero")).decode("utf-8").encode("latin-1")  # still declares UTF-8
    _, health = run_attack(feed_server, run_cli, tmp_path, {"body": body})
    [e] = attack_entries(tmp_path)
    assert e["authors"] == "José Raúl Romero"
    case(
        "malformed input",
        "Latin-1 bytes in a feed that declares UTF-8",
        "text decoded, item kept",
        "author name decoded correctly (José Raúl Romero)",
    )


def test_xml_entity_expansion_bomb_in_rss(feed_server, run_cli, tmp_path, case):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY a "lollollollollollollollollollol">\n'
        + "".join(f' <!ENTITY {c} "{("&" + p + ";") * 10}">\n' for p, c in zip("abcdefgh", "bcdefghi"))
        + "]>\n"
    )
    body = (
        (bomb + HEAD.split("?>", 1)[-1] if HEAD.startswith("<?xml") else bomb + HEAD)
        + item(1, title="&i;")
        + "</channel></rss>"
    )
    started = time.monotonic()
    _, health = run_attack(feed_server, run_cli, tmp_path, {"body": body.encode()})
    elapsed = time.monotonic() - started
    assert elapsed < 60
    assert all(len(e["title"]) <= 600 for e in attack_entries(tmp_path))
    case(
        "malformed input",
        "XML entity-expansion bomb (10^9 expansions) in an RSS feed",
        "not expanded, run finishes",
        f"entities not expanded; status {health['attack']['status']}",
    )


def test_xml_entity_expansion_bomb_in_api_response(feed_server, run_cli, tmp_path, case):
    api = (FEEDS / "arxiv_api/api-idlist-astro-ph-0601001-affiliations-2026-05-11.xml").read_text(encoding="utf-8")
    decl = (
        '<!DOCTYPE feed [\n <!ENTITY a "lollollollollollollollollollol">\n'
        + "".join(f' <!ENTITY {c} "{("&" + p + ";") * 10}">\n' for p, c in zip("abcdefgh", "bcdefghi"))
        + "]>\n"
    )
    body = api.replace("<feed ", decl + "<feed ", 1).replace("<title>Frequency", "<title>&i; Frequency", 1)
    _, health = run_attack(
        feed_server,
        run_cli,
        tmp_path,
        {"body": body.encode()},
        kind="arxiv_api",
        extra_source={"url": None, "base_url": feed_server.base + "/attack", "query": "x"},
    )
    assert health["attack"]["status"] == "failed"
    assert "not an Atom document" in health["attack"]["errors"][0]
    case(
        "malformed input",
        "XML entity-expansion bomb in an arXiv API response",
        "refused with a message",
        "failed: not an Atom document (expat refuses the amplification)",
    )


def test_oversized_feed(feed_server, run_cli, tmp_path, case):
    items = [item(n, description="Abstract: " + "x" * 2000) for n in range(1, 9000)]
    body = feed(*items)
    assert len(body) > 20_000_000
    _, health = run_attack(feed_server, run_cli, tmp_path, {"body": body}, max_bytes=8_000_000)
    assert health["attack"]["status"] == "failed"
    assert "larger than max_bytes (8,000,000)" in health["attack"]["errors"][0]
    case(
        "malformed input",
        "a 20 MB feed (limit set to 8 MB)",
        "refused before parsing, with the size",
        "failed: response larger than max_bytes",
    )


def test_empty_body(feed_server, run_cli, tmp_path, case):
    _, health = run_attack(feed_server, run_cli, tmp_path, {"body": b""})
    assert health["attack"]["status"] == "failed" and "not an RSS feed" in health["attack"]["errors"][0]
    case(
        "malformed input",
        "HTTP 200 with an empty body",
        "failed, not mistaken for a quiet day",
        "failed: not an RSS feed",
    )


def test_json_api_answering_an_html_error_page(feed_server, run_cli, tmp_path, case):
    page = {"body": b"<html><body><h1>502 Bad Gateway</h1></body></html>", "content_type": "text/html"}
    feed_server.add("/attack/details/*", **page)
    _, health = run_attack(
        feed_server,
        run_cli,
        tmp_path,
        page,
        kind="biorxiv",
        extra_source={"url": None, "base_url": feed_server.base + "/attack"},
    )
    assert health["attack"]["status"] == "failed" and health["attack"]["errors"][0].startswith("not JSON")
    case(
        "malformed input",
        "JSON API (bioRxiv) answering an HTML error page with status 200",
        "failed with a message",
        "failed: not JSON",
    )


def test_duplicate_guids(feed_server, run_cli, tmp_path, case):
    body = feed(item(1), item(1, title="A paper about reasoning, again"), item(2, guid="oai:arXiv.org:2604.30001v1"))
    _, health = run_attack(feed_server, run_cli, tmp_path, {"body": body})
    assert [e["paper_id"] for e in attack_entries(tmp_path)] == ["arxiv:2604.30001"]
    assert health["attack"]["duplicate"] == 2
    case("duplicates", "the same GUID three times in one feed", "one entry", "1 entry, 2 duplicates counted")


def test_missing_invalid_and_future_dates(feed_server, run_cli, tmp_path, case):
    body = feed(item(1, date=""), item(2, date="not a date"), item(3, date="Mon, 27 Apr 2099 00:00:00 -0400"))
    _, health = run_attack(feed_server, run_cli, tmp_path, {"body": body.replace(b"<pubDate></pubDate>", b"")})
    dates = {e["paper_id"]: e["date"] for e in attack_entries(tmp_path)}
    assert dates == {
        "arxiv:2604.30001": "2026-04-27T04:00:00+00:00",
        "arxiv:2604.30002": "2026-04-27T04:00:00+00:00",
        "arxiv:2604.30003": "2026-04-27T00:00:00+00:00",
    }
    assert "dated in the future" in health["attack"]["note"]
    case(
        "dates",
        "missing, unparsable and year-2099 item dates",
        "feed date or run date used; future dates noted",
        "feed date for missing/invalid, run date for the future one, noted in the run record",
    )


HOSTILE_TITLE = (
    "&lt;script&gt;alert(1)&lt;/script&gt; {{ config }} {% include 'x' %} "
    "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;"
)


def test_markup_and_template_syntax_are_stored_as_text(feed_server, run_cli, tmp_path, case):
    description = (
        'Abstract: First &lt;a href="javascript:alert(1)"&gt;click&lt;/a&gt;.\nTitle: injected\n'
        "Category: spam\n\n{{ 7*7 }} {% raw %} &lt;/div&gt;&lt;script&gt;x()&lt;/script&gt;"
    )
    body = feed(item(1, title=HOSTILE_TITLE, description=description, creator="Eve &lt;svg onload=alert(1)&gt;, Bob"))
    _, _ = run_attack(feed_server, run_cli, tmp_path, {"body": body})
    [e] = attack_entries(tmp_path)
    assert e["title"] == (
        "<script>alert(1)</script> {{ config }} {% include 'x' %} </textarea><img src=x onerror=alert(1)>"
    )
    assert e["authors"] == "Eve <svg onload=alert(1)>; Bob"
    assert e["category"] == "ai" and "spam" not in e.get("tags", "")
    assert re.search(r"<(?!/?div)", e["body"]) is None and "javascript:" not in e["body"].replace("&quot;", "")
    assert "Title: injected" in e["record"]["abstract"] or "Title: injected" not in e["body"]
    text = (tmp_path / "content/papers/2026/04/27/arxiv-2604-30001.md").read_text(encoding="utf-8")
    head = text.split("\n\n", 1)[0]
    assert [line.split(":")[0] for line in head.splitlines()].count("Title") == 1
    case(
        "markup",
        "<script>, onerror=, javascript:, </textarea>, {{ }}, {% %} and a 'Title:' line in title/abstract/author",
        "kept as literal text; body escaped; metadata block intact",
        "title and author stored literally, abstract escaped, one Title line, category unchanged",
    )


def test_cjk_rtl_emoji_and_invisible_characters(feed_server, run_cli, tmp_path, case):
    title = "大模型推理 مرحبا 🚀 zero\u200bwidth \u202eevil\u202c done"
    _, _ = run_attack(feed_server, run_cli, tmp_path, {"body": feed(item(1, title=title, creator="李明, Zoë"))})
    [e] = attack_entries(tmp_path)
    assert e["title"] == "大模型推理 مرحبا 🚀 zerowidth evil done"
    assert e["authors"] == "李明; Zoë"
    case(
        "text",
        "CJK, RTL, emoji, zero-width and bidi-override characters",
        "scripts kept, invisible/override characters removed",
        "CJK/Arabic/emoji kept; U+200B and U+202E removed",
    )


def test_ten_thousand_character_title(feed_server, run_cli, tmp_path, case):
    _, _ = run_attack(feed_server, run_cli, tmp_path, {"body": feed(item(1, title="word " * 2000))})
    [e] = attack_entries(tmp_path)
    assert len(e["title"]) <= 502 and e["title"].endswith("…")
    case(
        "text", "a 10,000-character title", "shortened at a word boundary", f"stored with {len(e['title'])} characters"
    )


def test_identifiers_crafted_for_path_traversal(feed_server, run_cli, tmp_path, case):
    works = {
        "status": "ok",
        "message-type": "work-list",
        "message": {
            "items": [
                {
                    "DOI": "10.1234/../../../../etc/passwd",
                    "title": ["Cancer traversal"],
                    "published": {"date-parts": [[2026, 4, 27]]},
                },
                {
                    "DOI": "10.1234/..%2F..%2Fx",
                    "title": ["Cancer traversal two"],
                    "published": {"date-parts": [[2026, 4, 27]]},
                },
            ]
        },
    }
    body = json.dumps(works).encode()
    feed_server.add("/attack/works", body=body, content_type="application/json")
    _, health = run_attack(
        feed_server,
        run_cli,
        tmp_path,
        {"body": body},
        kind="crossref",
        extra_source={"url": None, "base_url": feed_server.base + "/attack", "issn": ["1"], "max_results": 2},
    )
    files = [p for p in tmp_path.rglob("*.md")]
    assert all((tmp_path / "content/papers") in p.parents for p in files)
    assert len(attack_entries(tmp_path)) == 2
    case(
        "paths",
        "DOIs such as 10.1234/../../../../etc/passwd",
        "entry written inside content/papers",
        "2 entries, both under content/papers with sanitised slugs",
    )


def test_javascript_links_are_dropped(feed_server, run_cli, tmp_path, case):
    nature = (FEEDS / "nature/nature-rss1-rdf-current-2024-07-18-truncated.xml").read_text(encoding="utf-8")
    hostile = nature.replace(
        'rdf:about="https://www.nature.com/articles/d41586-024-02352-2"', 'rdf:about="javascript:alert(1)"', 1
    ).replace("<link>https://www.nature.com/articles/d41586-024-02352-2</link>", "<link>javascript:alert(1)</link>", 1)
    _, _ = run_attack(
        feed_server, run_cli, tmp_path, {"body": hostile.encode()}, kind="rss", extra_source={"label": "Nature"}
    )
    [e] = [x for x in attack_entries(tmp_path) if x["paper_id"] == "doi:10.1038/d41586-024-02352-2"]
    assert e["abs_url"] == "https://doi.org/10.1038/d41586-024-02352-2"
    assert "javascript:" not in json.dumps(e["record"])
    case(
        "links",
        "an item whose link is javascript:alert(1)",
        "link dropped, DOI link used",
        "Abs_url = https://doi.org/…",
    )


# ---------------------------------------------------------------- network faults


@pytest.mark.parametrize(
    "fault, setup, http, expected",
    [
        ("connection refused", None, {}, "connection failed"),
        ("DNS failure", "dns", {}, "connection failed"),
        ("read timeout", {"fixture": GOOD, "delay": 1.5}, {"read_timeout": 0.5, "retries": 0}, "timed out"),
        (
            "slow body (1 KB per 0.6 s)",
            {"fixture": GOOD, "trickle": 0.6},
            {"total_timeout": 3, "retries": 0},
            "no complete response within 3 s",
        ),
        ("HTTP 503 on every try", {"body": b"", "status": 503}, {"retries": 2}, "HTTP 503 after 2 retries"),
        (
            "partial content (connection closed early)",
            {"fixture": GOOD, "truncate_to": 500},
            {"retries": 1},
            "connection failed",
        ),
    ],
)
def test_network_faults(feed_server, run_cli, tmp_path, case, fault, setup, http, expected):
    extra = None
    if setup == "dns":
        setup, extra = None, {"url": "http://feeds.academichub.invalid/rss"}
    _, health = run_attack(
        feed_server,
        run_cli,
        tmp_path,
        setup,
        extra_source=extra or ({"url": "http://127.0.0.1:9/attack"} if setup is None else None),
        **http,
    )
    assert health["attack"]["status"] == "failed"
    assert expected in health["attack"]["errors"][0], health["attack"]["errors"]
    case("network", fault, "reported as failed with the reason; others written", f"failed: {expected}")


@pytest.mark.parametrize("stall", ["headers", "body"])
def test_a_server_trickling_forever_is_cut_at_total_timeout(feed_server, run_cli, tmp_path, case, stall):
    hold = threading.Event()  # the server trickles a byte every 50 ms until the test ends
    try:
        result, health = run_attack(
            feed_server, run_cli, tmp_path, {"fixture": GOOD, "stall": stall, "hold": hold}, total_timeout=2, retries=2
        )
    finally:
        hold.set()
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert health["attack"]["status"] == "failed"
    assert "no complete response within 2 s (total_timeout)" in health["attack"]["errors"][0], health["attack"]
    assert len(feed_server.requests_to("/attack")) == 1, "a try that took total_timeout is not repeated"
    case(
        "network",
        f"a server trickling its {stall} a byte every 50 ms, never ending"
        + (" (Content-Length set)" if stall == "body" else ""),
        "cut at total_timeout (2 s), not retried: failed with the reason; the other source written; "
        "the run record kept",
        "failed: no complete response within 2 s (total_timeout)",
    )


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped (about 1,000 to 1)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


def test_a_gzip_bomb_is_stopped_while_inflating(feed_server, tmp_path, case):
    bomb = gzip_bomb(1 << 30)  # 1 GiB of zeros in about 1 MB
    feed_server.add("/good", GOOD)
    feed_server.add("/attack", body=bomb, encoding="gzip")
    write_sources(
        tmp_path,
        [
            {"id": name, "kind": "arxiv_rss", "label": "arXiv", "url": f"{feed_server.base}/{name}"}
            for name in ("attack", "good")
        ],
        max_bytes=8_000_000,
        retries=0,
    )
    # the real command, in a process that reports its own peak memory when it ends
    measured = (
        "import resource, sys\nfrom pipeline.cli import main\ncode = main(sys.argv[1:])\n"
        "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            measured,
            *fetch_args(),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    peak_mb = int(re.search(r"peak (\d+)", done.stderr).group(1)) // 1024
    assert peak_mb < 400, f"the process reached {peak_mb} MB"
    health = last_run(tmp_path)
    assert health["good"]["status"] == "ok" and health["good"]["new"] == 3
    assert health["attack"]["status"] == "failed"
    assert "larger than max_bytes (8,000,000 bytes, decompressed)" in health["attack"]["errors"][0], health["attack"]
    case(
        "network",
        f"a gzip bomb: {len(bomb) / 1e6:.1f} MB that inflates to 1 GiB (max_bytes 8 MB)",
        "stopped at max_bytes while inflating; the other source written",
        f"failed: larger than max_bytes (decompressed); the process peaked at {peak_mb} MB",
    )


def test_transient_faults_are_retried(feed_server, run_cli, tmp_path, case):
    _, health = run_attack(
        feed_server,
        run_cli,
        tmp_path,
        {"fixture": "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml", "fail_first": 2, "fail_status": 502},
        retries=3,
    )
    assert health["attack"]["status"] == "ok" and health["attack"]["new"] == 3
    assert len(feed_server.requests_to("/attack")) == 3
    case(
        "network", "two HTTP 502 answers, then the feed", "retried with backoff, then written", "3 requests, 3 entries"
    )


# ---------------------------------------------------------------- the process killed mid-run


def test_killed_while_writing_entries_then_resumed(feed_server, tmp_path, case):
    items = [item(n, title=f"Reasoning paper number {n}") for n in range(1, 2501)]
    feed_server.add("/attack", body=feed(*items))
    write_sources(
        tmp_path, [{"id": "attack", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/attack"}]
    )
    command = [
        sys.executable,
        "-m",
        "pipeline.cli",
        *fetch_args(),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    papers = tmp_path / "content/papers"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(papers.rglob("*.md")) if papers.exists() else []) < 200:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = len(list(papers.rglob("*.md")))
    assert 0 < partial < 2500, "the run must be killed mid-way for this case to mean anything"
    resumed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    files = list(papers.rglob("*"))
    assert not [f for f in files if f.name.endswith(".tmp")]
    written = [read_entry(f) for f in files if f.suffix == ".md"]
    assert len(written) == 2500 and len({e["paper_id"] for e in written}) == 2500
    assert len(indexed(tmp_path / "state")) == 2500
    case(
        "process",
        "SIGKILL while writing 2,500 entries, then a second run",
        "no half-written file, nothing lost or duplicated",
        f"killed after {'some'} entries; second run completed 2,500, no temp files",
    )
