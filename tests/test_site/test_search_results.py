"""The search page in a real browser over a site built by the real `academichub build`: every result holds
every word searched (compared with the text of the built pages), none that does is missing, a word the
site lacks finds nothing, and a paper's text never becomes markup in the results."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlparse

import lxml.html
import pytest
from browser import CHROMIUM, NO_CHROMIUM, serving
from playwright.sync_api import expect
from site_helpers import ROOT, site_copy

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write
from pipeline.models import Author, Paper, Selection

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)

DAY = datetime(2026, 9, 8, tzinfo=UTC)
HOSTILE_ABSTRACT = (
    'A reservoir <img src=x onerror="document.title=1"> of <mark>planted marks</mark> and '
    "<script>window.pwned = 1</script> <b>bold</b> &amp; Schrödinger équation."
)
QUERIES = ["reservoir", "Reservoir computing", "schrodinger", "储层计算", "Pavlick", "quantum error", "拓扑量子纠错"]
ABSENT = ["zyxwvutsrq", "Pavlicks", "reservoirs computingly"]


def paper(number: int, title: str, abstract: str, author: str) -> Paper:
    return Paper(
        id=f"arxiv:2609.{number:05d}",
        title=title,
        source="arxiv-quant-ph",
        source_label="arXiv (QUANT-PH)",
        version=1,
        authors=(Author(author),),
        abstract=abstract,
        categories=("quant-ph",),
        published=DAY,
        updated=DAY,
        url=f"https://arxiv.org/abs/2609.{number:05d}",
        arxiv_id=f"2609.{number:05d}",
        topics=(Selection("quantum-information", 1, keywords=("quantum",), categories=("quant-ph",)),),
    )


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """The sample site (papers over several months, in several search bundles), with three more papers,
    built by the command line."""
    site = site_copy(tmp_path_factory.mktemp("search-site"))
    hostile = paper(101, "Reservoir <b>computing</b> with a hostile abstract", HOSTILE_ABSTRACT, "Zoë <i>Quant</i>")
    for entry in (
        hostile,
        paper(102, "储层计算的量子优势", "我们研究储层计算在量子硬件上的优势。", "李 华"),
        paper(
            103,
            "Resonant readout of qubits",
            "Resonators read out qubits; we re-examine repeated readout.",
            "Ada Quantum",
        ),
    ):
        atomic_write(site.root / "content" / entry_path(entry), render_entry(entry))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "build",
            "--content",
            str(site.root / "content"),
            "--state",
            str(site.root / "state"),
            "--settings",
            str(site.root / "testconf.py"),
            "--rules",
            str(ROOT / "rules"),
            "--output",
            str(site.output),
        ],
        cwd=site.root,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    return site.output


def fold(text: str) -> str:
    """Lower case, accents removed (as the search page folds)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def indexed_text(path: Path) -> str:
    """What the page gives the index: its data-pagefind-body element without what it marks ignored."""
    body = lxml.html.fromstring(path.read_bytes()).xpath("//*[@data-pagefind-body]")
    if not body:
        return ""
    for ignored in body[0].xpath(".//*[@data-pagefind-ignore]"):
        ignored.drop_tree()
    return fold("".join(body[0].itertext()))


def holds(text: str, word: str) -> bool:
    """A run of Chinese anywhere, another word at the start of a word."""
    if re.search(r"[\u3400-\u9fff]", word):
        return word in text
    return re.search(rf"(?<![^\W_]){re.escape(word)}", text) is not None


def pages_holding(output: Path, query: str) -> set[str]:
    words = re.findall(r"[^\W_]+", fold(query))
    pages = [p for section in ("papers", "briefs") for p in (output / section).rglob("*.html")]
    return {
        "/" + p.relative_to(output).as_posix()
        for p in pages
        if all(holds(text, w) for text in [indexed_text(p)] for w in words)
    }


@pytest.fixture
def page(browser, output):
    context = browser.new_context()
    page = context.new_page()
    seen: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: seen.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    with serving(output) as base:
        page.base = base
        yield page
    context.close()
    assert not errors, errors
    assert seen and all(url.startswith(base) for url in seen), [u for u in seen if not u.startswith(base)]


def search(page, query: str) -> list[str]:
    """Search from the page's address, showing every result; the paths of the results."""
    page.goto(page.base + "search.html?q=" + quote(query))
    done = page.locator("#search-results:not([aria-busy])")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"\S"), timeout=20000)
    expect(done).to_have_count(1)
    while page.locator("#search-more").is_visible():
        page.locator("#search-more").click()  # the list is busy from the click until the next results are in
        expect(done).to_have_count(1, timeout=20000)
    return [urlparse(a.get_attribute("href")).path for a in page.locator(".search-result-link").all()]


@pytest.mark.parametrize("query", QUERIES)
def test_results_are_the_pages_holding_every_word(page, output, query):
    expected = pages_holding(output, query)
    assert expected, query  # the site has pages with these words
    found = search(page, query)
    assert len(found) == len(set(found))
    assert set(found) == expected, query
    count = len(found)
    expect(page.locator("#search-status")).to_contain_text(f"找到 {count} 个包含")
    # every word is marked where the excerpt shows it, and nothing else
    for mark in page.locator(".search-excerpt mark").all_inner_texts():
        assert any(fold(mark) == w for w in re.findall(r"[^\W_]+", fold(query))), mark


def test_pagefind_alone_would_show_pages_without_the_word(page, output):
    """What the filter is for: on this site Pagefind's own results for "reservoir" include pages without it."""
    search(page, "reservoir")
    raw = page.evaluate("""async () => {
      const list = await (await fetch("pagefind/bundles.json")).json();
      const pagefind = await import(new URL(`pagefind/${list.bundles[0].path}pagefind.js`, location.href).href);
      const found = await pagefind.search("reservoir");
      return Promise.all(found.results.map(async (result) => (await result.data()).url));
    }""")
    assert set(raw) - pages_holding(output, "reservoir")


@pytest.mark.parametrize("query", ABSENT)
def test_a_word_the_site_lacks_finds_nothing(page, output, query):
    assert not pages_holding(output, query)
    assert search(page, query) == []
    expect(page.locator("#search-status")).to_contain_text("没有找到")
    page.click("[data-lang-toggle]")
    expect(page.locator("#search-status")).to_contain_text("No results for")


def test_a_hostile_abstract_stays_text(page, output):
    found = search(page, "planted reservoir")
    assert found == ["/papers/arxiv-2609-00101.html"]
    result = page.locator(".search-result")
    # the title, author and abstract as text: no element but the link, the heading, the excerpt and marks
    tags = result.evaluate("(li) => [...li.querySelectorAll('*')].map((e) => e.tagName.toLowerCase())")
    assert set(tags) <= {"h2", "a", "p", "mark"}, tags
    assert result.locator("a").inner_text() == "Reservoir <b>computing</b> with a hostile abstract"
    excerpt = result.locator(".search-excerpt").inner_text()
    assert '<img src=x onerror="document.title=1">' in excerpt and "<mark>planted marks</mark>" in excerpt
    assert {fold(mark) for mark in result.locator("mark").all_inner_texts()} == {"reservoir", "planted"}
    assert page.evaluate("window.pwned") is None and page.title() != "1"
