"""Hostile text from a feed and from a model answer, rendered into the built site and opened in Chromium.

Every page of the site is visited: no dialog opens, no injected script runs, no request leaves
127.0.0.1, the browser reports no Content-Security-Policy violation, and the hostile text shows
up literally where it belongs.
"""

from __future__ import annotations

import threading
from pathlib import Path
from xml.sax.saxutils import escape

import fake_openai
import pytest
from browser import ARGS, CHROMIUM, NO_CHROMIUM
from helpers import FEEDS, RULES, write_sources

ROOT = Path(__file__).resolve().parents[2]
PWN = "window.__pwned=1"
TITLE = f'<script>{PWN}</script> {{{{ 7*7 }}}} {{% if 1 %}}X{{% endif %}} </textarea><img src=x onerror="{PWN}"> Agents'
AUTHOR = f"Eve <img src=x onerror={PWN}>"
ABSTRACT = (
    f'Abstract: <a href="javascript:{PWN}">click</a> <svg onload={PWN}></svg> Title: injected '
    f'<iframe src="http://example.org/"></iframe> <link rel=stylesheet href=http://example.org/x.css> $x^2$'
)
CATEGORY = f'cs.AI"><script>{PWN}</script>'

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)


def hostile_feed() -> bytes:
    feed = (FEEDS / "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml").read_text(encoding="utf-8")
    start = feed.index("<item>")
    end = feed.index("</item>") + len("</item>")
    item = (
        f"<item><title>{escape(TITLE)}</title><link>javascript:{PWN}</link>"
        f"<description>arXiv:2604.39999v1 Announce Type: new \n{escape(ABSTRACT)}</description>"
        f'<guid isPermaLink="false">oai:arXiv.org:2604.39999v1</guid><category>{escape(CATEGORY)}</category>'
        f"<category>cs.AI</category><pubDate>Mon, 27 Apr 2026 00:00:00 -0400</pubDate>"
        f"<arxiv:announce_type>new</arxiv:announce_type><dc:creator>{escape(AUTHOR)}, Ada Lovelace</dc:creator></item>"
    )
    return (feed[:start] + item + feed[end:]).encode("utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """fetch (hostile feed) → brief (a model that copies markup into its answers) → build, all by the real command."""
    import os
    import subprocess
    import sys

    from feedserver import FeedServer

    tmp = tmp_path_factory.mktemp("hostile-site")

    def cli(*args, env=None):
        return subprocess.run(
            [sys.executable, "-m", "pipeline.cli", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            timeout=300,
        )

    with FeedServer() as server:
        server.add("/feed", body=hostile_feed())
        write_sources(
            tmp, [{"id": "ai", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "url": server.base + "/feed"}]
        )
        fetched = cli(
            "fetch",
            "--sources",
            str(tmp / "sources.yml"),
            "--rules",
            str(RULES),
            "--content",
            str(tmp / "content"),
            "--state",
            str(tmp / "state"),
            "--date",
            "2026-04-27",
        )
    assert fetched.returncode == 0, fetched.stderr
    with fake_openai.serve() as fake:
        fake.triggers.append(("<paper>", "markup"))
        briefed = cli(
            "brief",
            "--content",
            str(tmp / "content"),
            "--state",
            str(tmp / "state"),
            "--rules",
            str(RULES),
            "--model",
            "gpt-4o-mini",
            env={"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.url},
        )
    assert briefed.returncode == 0, briefed.stderr
    built = cli(
        "build",
        "--content",
        str(tmp / "content"),
        "--output",
        str(tmp / "output"),
        "--rules",
        str(RULES),
        "--state",
        str(tmp / "state"),
    )
    assert built.returncode == 0, built.stderr
    return tmp / "output"


def test_every_page_of_a_site_built_from_hostile_text(hostile_site, case):
    from playwright.sync_api import sync_playwright

    from pipeline.site import make_server

    server = make_server(hostile_site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(
        p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html") if "pagefind" not in p.parts
    )
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            context = browser.new_context()
            page = context.new_page()
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            page.on(
                "console",
                lambda m: (
                    problems.append(f"{page.url}: {m.text}")
                    if "Content Security Policy" in m.text or m.type == "error"
                    else None
                ),
            )
            page.on(
                "request",
                lambda r: None if r.url.startswith((origin, "data:")) else problems.append(f"request: {r.url}"),
            )
            for name in pages:
                page.goto(f"{origin}/{name}")
                page.wait_for_load_state("networkidle")
                if page.evaluate("() => window.__pwned !== undefined"):
                    problems.append(f"{name}: injected script ran")
                csp = page.locator('meta[http-equiv="Content-Security-Policy"]')
                if csp.count() != 1 or "script-src 'self'" not in (csp.get_attribute("content") or ""):
                    problems.append(f"{name}: no Content-Security-Policy")
            paper = next(n for n in pages if "arxiv-2604-39999" in n)
            page.goto(f"{origin}/{paper}")
            text = page.inner_text("body")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert not problems, problems[:20]
    assert "{{ 7*7 }}" in text and "<script>window.__pwned=1</script>" in text and "49" not in text.split("{{")[0][-5:]
    assert AUTHOR in text
    case(
        "browser",
        f"<script>, onerror=, javascript:, <iframe>, template syntax in a paper and <script> in its model brief; "
        f"{len(pages)} pages opened",
        "no dialog, no script, no outside request, no CSP violation; text shown literally",
        f"{len(pages)} pages clean",
    )


def test_feeds_of_a_hostile_site_pass_the_feed_checker_the_schema_and_newsboat(hostile_site, case):
    import feedparser
    from clients import JSONFEED_SCHEMA, NEWSBOAT, feed_checker, feed_files, json_feed_errors, newsboat_read

    errors, _warnings = feed_checker(hostile_site, "http://127.0.0.1:8000")
    assert errors == []
    if JSONFEED_SCHEMA.exists():
        assert json_feed_errors(hostile_site) == []
    if NEWSBOAT:
        titles, items = newsboat_read(hostile_site)
        assert titles == {
            n: feedparser.parse((hostile_site / n).read_bytes()).feed.title for n in feed_files(hostile_site)
        }
        assert items
    case(
        "feeds",
        "the Atom, RSS and JSON feeds of a site built from hostile text",
        "valid for the W3C feed checker, the JSON Feed schema and newsboat",
        "no checker error; the schema and newsboat, where installed, read every feed",
    )


def test_the_api_of_a_hostile_site_validates_and_keeps_text_as_data(hostile_site, case):
    import json

    from api_helpers import api_files, links_in, schema_errors

    case(
        "site",
        "hostile title, author, category and model answers in the JSON API and llms.txt",
        "every API file validates against its schema, links resolve, text kept as data, llms.txt inert",
        "validated every file; the paper's title and author read back exactly; no markup in llms.txt",
    )
    assert schema_errors(hostile_site) == []
    files = api_files(hostile_site)
    for rel, data in files.items():
        for link in links_in(data):
            assert (hostile_site / link).is_file(), f"{rel} links to {link}"
    papers = [f["paper"] for rel, f in files.items() if "/papers/" in rel]
    hostile = next(p for p in papers if p["title"] == TITLE)
    assert AUTHOR in [a["name"] for a in hostile["authors"]]
    assert json.loads(json.dumps(hostile)) == hostile
    # llms.txt is plain Markdown (no entities): what would start a tag is escaped, so a renderer shows it as text
    from markdown_it import MarkdownIt

    llms = (hostile_site / "llms.txt").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").render(llms)
    assert "<script" not in rendered and "<img" not in rendered and "javascript:" not in llms


def test_every_page_of_a_hostile_site_passes_the_nu_html_checker(hostile_site, case):
    import shutil

    from clients import VNU, html_checker

    if not shutil.which("java") or not VNU.exists():
        pytest.skip("the Nu HTML Checker needs java and `npm ci --prefix tests/tools` (vnu-jar)")
    assert html_checker(hostile_site) == []
    case("vnu", "every page of a site built from hostile text", "no error or warning from the current vnu-jar", "clean")


def test_the_sitemap_of_a_hostile_site_follows_the_sitemaps_org_schema(hostile_site, case):
    from lxml import etree
    from test_site.test_clients import SITEMAP_SCHEMA

    if not SITEMAP_SCHEMA.exists():
        pytest.skip("needs `npm ci --prefix tests/tools` (sitemap, for its XSD)")
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_SCHEMA)))
    assert schema.validate(etree.parse(str(hostile_site / "sitemap.xml"))), schema.error_log
    case("sitemap", "the sitemap of a site built from hostile text", "valid against the sitemaps.org XSD", "valid")


def test_extruct_finds_a_complete_scholarly_article_on_every_paper_page_of_a_hostile_site(hostile_site, case):
    from test_site.test_metadata import extruct_article

    pages = sorted((hostile_site / "papers").glob("*.html"))
    assert pages
    for page in pages:
        article = extruct_article(page.read_text(encoding="utf-8"), "http://127.0.0.1:8000/", page.name)
        if "arxiv-2604-39999" in page.name:
            assert AUTHOR in [a["name"] for a in article["author"]]  # the hostile name, read back as text
    case(
        "metadata",
        f"{len(pages)} paper pages of a site built from hostile text",
        "extruct reads one complete ScholarlyArticle and the OpenGraph authors",
        "complete",
    )


def test_html_metadata_finds_a_complete_article_and_citation_record_on_every_paper_page_of_a_hostile_site(
    hostile_site, case
):
    """Wikimedia's html-metadata (Citoid's scraper): one complete ScholarlyArticle and one complete
    Highwire citation record per paper page, the hostile names and title read back as text."""
    from test_site.test_metadata import MODULE, check_html_metadata, html_metadata

    if not MODULE.exists():
        pytest.skip("needs `npm ci --prefix tests/tools` (html-metadata)")
    pages = sorted((hostile_site / "papers").glob("*.html"))
    assert pages
    found = html_metadata(pages)
    for page in pages:
        meta = check_html_metadata(found, page)
        if "arxiv-2604-39999" in page.name:
            assert meta["highwirePress"]["author"][0] == AUTHOR and meta["highwirePress"]["title"] == TITLE
    case(
        "metadata",
        f"{len(pages)} paper pages of a site built from hostile text",
        "html-metadata reads one complete ScholarlyArticle and Highwire citation record",
        "complete",
    )


def test_bibtex_and_ris_of_a_hostile_site_parse_in_bibtexparser_pybtex_and_rispy(hostile_site, case):
    import html
    import re

    import bibtexparser
    import rispy
    from pybtex.database import parse_string

    pages = sorted((hostile_site / "papers").glob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        blocks = {k: html.unescape(v) for k, v in re.findall(r'<pre id="(bibtex|ris)"[^>]*>(.*?)</pre>', text, re.S)}
        library = bibtexparser.parse_string(blocks["bibtex"])
        assert not library.failed_blocks and len(library.entries) == 1, page.name
        assert len(parse_string(blocks["bibtex"], "bibtex").entries) == 1, page.name
        (record,) = rispy.loads(blocks["ris"])
        assert record["title"], page.name
        if "arxiv-2604-39999" in page.name:
            assert any("Eve" in a for a in record["authors"]), record["authors"]
    case(
        "citations",
        f"the BibTeX and RIS of {len(pages)} paper pages built from hostile text",
        "bibtexparser 2, pybtex and rispy read one record each",
        "all parse",
    )


def test_axe_finds_no_serious_violation_on_any_page_of_a_hostile_site(hostile_site, case):
    from browser import AXE
    from playwright.sync_api import sync_playwright

    from pipeline.site import make_server

    server = make_server(hostile_site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(
        p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html") if "pagefind" not in p.parts
    )
    found: dict[str, list] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            # axe is injected as an inline script, which the site's Content-Security-Policy refuses
            page = browser.new_context(bypass_csp=True).new_page()
            for name in pages:
                page.goto(f"{origin}/{name}")
                page.wait_for_load_state("networkidle")
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                    ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
                    ".map(v => v.id)"
                )
                if violations:
                    found[name] = violations
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert not found, found
    case(
        "axe",
        f"{len(pages)} pages of a site built from hostile text (search included)",
        "no serious or critical axe violation",
        "none",
    )
