"""The built site in a real browser: Debian's Chromium driven by Playwright, served from 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import AXE, CHROMIUM, NO_CHROMIUM, serving
from playwright.sync_api import expect
from site_helpers import BRIEF_ZH_WORD, ROOT, built_site

from pipeline.site.views import AUTHORS_LISTED

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def base_url():
    with serving(built_site().output) as url:
        yield url


@pytest.fixture(scope="module")
def requests_seen():
    return []


@pytest.fixture
def context(browser, requests_seen):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.on("request", lambda request: requests_seen.append(request.url))
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, errors


def visible_cards(page, selector="#pool > li:not([hidden]) .card"):
    return page.locator(selector)


def test_home_shows_numbered_cards_in_batches(page, base_url):
    page.goto(base_url)
    cards = visible_cards(page)
    assert cards.count() == 10
    # the lead day's two crafted papers, then the demo's day under its own heading, numbered from 01 again
    assert [cards.nth(i).locator(".num").inner_text() for i in (0, 1, 2, 9)] == ["01.", "02.", "01.", "08."]
    heading = page.locator("#pool > li.day-head:not([hidden])")
    assert heading.count() == 1 and heading.locator("time").get_attribute("datetime") == "2026-04-27"
    first = [cards.nth(i).get_attribute("data-id") for i in range(10)]
    assert first[0] == "arxiv:2609.00001"
    assert cards.first.locator(".badge").inner_text() == "arXiv (QUANT-PH)"
    page.get_by_role("button", name="换一批").click()
    expect(page.locator("#batch-status")).to_contain_text("第 2 / 4 批")
    cards = visible_cards(page)
    second = [cards.nth(i).get_attribute("data-id") for i in range(cards.count())]
    assert second and not set(second) & set(first)
    assert cards.first.locator(".num").inner_text() == "09."
    expect(page.locator("#batch-status")).to_contain_text("第 2 / 4 批")


# the home page's cards as served, and the same papers' cards built by cards.js from the card parts,
# written out with resolved links and collapsed white space (the index holds the first 600 characters of
# an abstract, so abstracts are left out; each card keeps its served number)
SAME_CARDS = """async () => {
  const { renderCard } = await import("./theme/js/cards.js");
  const { loadIndex, loadParts } = await import("./theme/js/util.js");
  const index = await loadIndex();
  const papers = await loadParts(index, index.parts.length);
  const served = new DOMParser().parseFromString(await (await fetch(location.href)).text(), "text/html");
  const write = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    const name = node.tagName.toLowerCase();
    const attrs = [...node.attributes].filter((a) => !["hidden", "aria-expanded"].includes(a.name))
      .map((a) => ` ${a.name}="${a.name === "href" ? new URL(a.value, location.href).href : a.value}"`).sort().join("");
    return `<${name}${attrs}>${[...node.childNodes].map(write).join("")}</${name}>`;
  };
  const text = (card) => {
    card.querySelector(".abstract").textContent = "";
    return write(card).replace(/\\s+/g, " ").replace(/> </g, "><");
  };
  return [...served.querySelectorAll("#pool > li:not(.day-head)")].map((li) => {
    const card = li.querySelector(".card");
    const record = papers.find((p) => p.id === card.dataset.id);
    const number = parseInt(card.querySelector(".num").textContent, 10);
    return [text(card), text(renderCard(record, number, index.topics).querySelector(".card"))];
  });
}"""


def test_cards_built_in_the_browser_are_the_served_cards(page, base_url):
    page.goto(base_url)
    pairs = page.evaluate(SAME_CARDS)
    assert len(pairs) == 30
    for served, built in pairs:
        assert built == served
    # what the served cards of this site lack: a semantic reason and an extractive summary
    card = page.evaluate("""async () => {
      const { renderCard } = await import("./theme/js/cards.js");
      const { loadIndex, loadParts } = await import("./theme/js/util.js");
      const index = await loadIndex();
      const paper = {...(await loadParts(index, index.parts.length)).find((p) => p.id === "arxiv:2609.00002"), extractive: true,
                     title: "基于表面码的 <i>综述</i>", tldr: {zh: "<b>摘</b>", en: "<b>From</b>"}};
      paper.topics = [{...paper.topics[0], similarity: 0.8712, similar_to: "arxiv:2401.00001 <i>x</i>"}];
      const card = renderCard(paper, 3, index.topics).querySelector(".card");
      return {why: card.querySelector(".why-item").textContent, label: card.querySelector(".tldr-label").textContent,
              tldr: card.querySelector(".tldr").innerHTML, marks: card.querySelectorAll(".why mark").length,
              langs: [".card-title", ".abstract", ".tldr > .zh", ".tldr > .en"].map((s) => card.querySelector(s).lang)};
    }""")
    assert card["why"] == (
        "语言模型Language Models: 关键词keyword language model*; 分类category cs.AI; "
        "语义相似于similar to arxiv:2401.00001 <i>x</i> (0.87)"
    )
    assert card["label"] == "摘自摘要From the abstract" and "&lt;b&gt;From&lt;/b&gt;" in card["tldr"]
    assert card["marks"] == 2
    # each text tagged by its own letters (text_lang's rule): a Chinese title, the English abstract
    assert card["langs"] == ["zh-CN", "en", "zh-CN", "en"]


def test_author_chip_filters_and_clears(page, base_url):
    page.goto(base_url)
    page.locator("#pool .card").first.get_by_role("link", name="Ada Quantum").click()
    chip = page.locator(".filter-chip")
    assert "作者: Ada Quantum" in chip.inner_text()
    ids = [c.get_attribute("data-id") for c in visible_cards(page).all()]
    assert sorted(ids) == ["arxiv:2609.00001", "arxiv:2609.00002"]
    assert "author=Ada+Quantum" in page.url
    chip.get_by_role("button").click()
    assert page.locator(".filter-chip").count() == 0
    assert visible_cards(page).count() == 10
    # a filtered address can be shared
    page.goto(base_url + "index.html?author=Ellie+Pavlick")
    page.locator(".filter-chip").wait_for()
    ids = [c.get_attribute("data-id") for c in visible_cards(page).all()]
    assert "arxiv:2604.22038" in ids and len(ids) >= 1


def test_abstract_expands(page, base_url):
    page.goto(base_url)
    card = visible_cards(page).nth(2)
    button = card.locator(".expand")
    button.wait_for(state="visible")
    abstract = card.locator(".abstract")
    closed = abstract.bounding_box()["height"]
    button.click()
    assert abstract.bounding_box()["height"] > closed
    assert button.get_attribute("aria-expanded") == "true"


def test_follow_author_survives_reload_and_becomes_a_rule(context, page, base_url):
    page.goto(base_url + "papers/arxiv-2604-22038.html")
    follow = page.locator('.side [data-follow="author"][data-value="Ellie Pavlick"]')
    follow.click()
    assert follow.get_attribute("aria-pressed") == "true"
    page.goto(base_url + "radar.html")
    results = page.locator("#radar-results .card")
    results.first.wait_for()
    assert "arxiv:2604.22038" in [c.get_attribute("data-id") for c in results.all()]
    page.reload()
    results.first.wait_for()
    card = page.locator('#radar-results .card[data-id="arxiv:2604.22038"]')
    assert "Ellie Pavlick" in card.locator(".radar-why").inner_text()
    page.fill("#radar-value", "monitoring")
    page.click("#radar-add button[type=submit]")
    assert page.locator("#radar-results .card-title mark").first.inner_text().lower() == "monitoring"
    page.click("#radar-rule")
    yaml = page.locator("#radar-yaml").inner_text()
    assert 'authors: ["Ellie Pavlick"]' in yaml and 'keywords: ["monitoring"]' in yaml
    href = page.locator("#radar-pr").get_attribute("href")
    assert re.match(r"https://github\.com/.+/new/main/rules\?filename=my-radar\.yml&value=", href)
    # the radar as a link, opened in a fresh browser profile
    other = context.browser.new_context()
    shared = other.new_page()
    shared.goto(base_url + "radar.html?author=Ellie+Pavlick")
    shared.locator("#radar-results .card").first.wait_for()
    assert shared.locator('#radar-results .card[data-id="arxiv:2604.22038"]').count() == 1
    other.close()


def bundles_of_pages(output: Path) -> dict[str, str]:
    """The search bundle (folder under pagefind/) that holds each indexed page, read from the bundles' fragments."""
    where = {}
    for fragment in (output / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        where[json.loads(data)["url"]] = fragment.parent.parent.name + "/"
    return where


def console_errors(page) -> list[str]:
    """Messages the page logs as errors from now on (a blocked request or a CSP violation shows up here)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_search_bundles_hold_papers_of_different_dates():
    where = bundles_of_pages(built_site().output)
    assert len(set(where.values())) >= 2
    # the papers the searches below find live in different bundles
    assert where["/papers/arxiv-2609-00001.html"] != where["/papers/arxiv-2604-22038.html"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Surface", "Surface Codes Below Threshold"),
        (BRIEF_ZH_WORD, "Surface Codes Below Threshold"),
        ("Pavlick", "Source-Modality Monitoring"),
    ],
)
def test_search_finds_papers(page, base_url, query, expected):
    errors = console_errors(page)
    page.goto(base_url + "search.html?q=" + query)
    result = page.locator(".search-result-link").first
    result.wait_for(timeout=10000)
    titles = page.locator(".search-result-link").all_inner_texts()
    assert any(expected in title for title in titles), titles
    assert result.get_attribute("href").startswith("/papers/")
    expect(page.locator("#search-status")).to_contain_text("个包含")  # the Chinese interface strings
    assert not errors, errors


def test_search_ranks_the_results_of_all_bundles_together(page, base_url):
    output = built_site().output
    where = bundles_of_pages(output)
    listed = [
        b["path"] for b in json.loads((output / "pagefind" / "bundles.json").read_text(encoding="utf-8"))["bundles"]
    ]
    errors = console_errors(page)
    page.goto(base_url + "search.html?q=quantum")
    page.locator(".search-result-link").first.wait_for(timeout=10000)
    expect(page.locator("#search-status")).to_contain_text("个包含")
    links = [urlparse(a.get_attribute("href")).path for a in page.locator(".search-result-link").all()]
    # a paper with "quantum" twice in its title, from an older bundle, comes before weaker matches of newer ones
    assert links[0] == "/papers/arxiv-2504-17837.html"
    age = [listed.index(where[link]) for link in links]  # 0 for the newest bundle
    assert age[0] > min(age[1:]), links
    assert not errors, errors


def test_search_of_a_site_without_papers_says_so(page, tmp_path):
    from pipeline.site import build

    (tmp_path / "content" / "papers").mkdir(parents=True)
    result = build(
        tmp_path / "content",
        tmp_path / "out",
        settings_file=ROOT / "pelicanconf.py",
        rules=ROOT / "rules",
        state=tmp_path / "state",
    )
    assert result.search is not None and result.search.bundles == ()
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    errors = console_errors(page)
    with serving(result.output) as url:
        page.goto(url + "search.html")
        expect(page.locator("#search-empty")).to_be_visible()
    assert not failed and not errors, (failed, errors)


def test_language_switch(page, base_url):
    page.goto(base_url)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("button", name="换一批").is_visible()
    page.click("[data-lang-toggle]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Another batch").is_visible()
    assert page.locator("h1").inner_text() == "Explore the frontiers of global research"
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("[data-lang-toggle]")
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_math_is_rendered_by_katex(page, base_url):
    page.goto(base_url + "papers/arxiv-2609-00001.html")
    page.locator("h1 .katex").wait_for()
    assert page.locator(".abstract .katex").count() >= 1


def test_keyboard_reaches_the_skip_link_and_the_batch_button(page, base_url):
    page.goto(base_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.focus("#another-batch")
    page.keyboard.press("Enter")
    expect(page.locator("#batch-status")).to_contain_text("第 2 / 4 批")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_horizontal_scroll_at_360px(browser, base_url, scheme, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    for name in (
        "",
        "papers/arxiv-2609-00001.html",
        "radar.html",
        "status.html",
        "briefs/2026-09-08.html",
        "topics.html",
    ):
        page.goto(base_url + name)
        page.wait_for_timeout(100)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (name, width)
    page.goto(base_url)
    page.screenshot(path=str(tmp_path / f"home-360-{scheme}.png"), full_page=True)
    context.close()


# every template of the theme, in both colour schemes somewhere
@pytest.mark.parametrize(
    "name, scheme",
    [
        ("", "light"),
        ("", "dark"),
        ("papers/arxiv-2609-00001.html", "light"),
        ("papers/arxiv-2609-00002.html", "dark"),
        ("authors/ellie-pavlick.html", "light"),
        ("radar.html?author=Ellie+Pavlick", "light"),
        ("radar.html", "dark"),
        ("briefs/2026-09-08.html", "dark"),
        ("search.html?q=language", "light"),
        ("search.html?q=language", "dark"),
        ("topics.html", "dark"),
        ("topics/language-models.html", "light"),
        ("topics/daily-brief.html", "dark"),
        ("archives.html", "light"),
        ("archive/2026/09/08.html", "dark"),
        ("status.html", "light"),
        ("status.html", "dark"),
        ("404.html", "light"),
        ("tags/agent.html", "dark"),
    ],
)
def test_axe_finds_no_serious_violation(browser, base_url, name, scheme):
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + name)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    context.close()
    assert not violations, violations


EXPORTED = (
    "arxiv-2504-17881",
    "doi-10-1038-s41586-024-07657-w-e667f7",
    "doi-10-64898-2026-09-03-748963-dfa0e2",
    "arxiv-2609-00001",
)  # a non-ASCII author, 137 authors, a bioRxiv preprint, TeX and markup in a title


def test_the_radar_exports_are_the_builds_citation_files_byte_for_byte(page, base_url, tmp_path):
    """The radar's BibTeX and RIS exports of liked papers are the citation files the build wrote for them
    (api/v1/papers/<slug>.bib|.ris, what their pages show), joined by a blank line, byte for byte; the
    browser fetches those papers' files of the format exported and no other paper's."""
    import html

    import bibtexparser
    import rispy

    out = built_site().output
    papers = [
        json.loads((out / f"api/v1/papers/{slug}.json").read_text(encoding="utf-8"))["paper"] for slug in EXPORTED
    ]
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlparse(request.url).path))
    page.goto(base_url + "radar.html")
    page.evaluate(
        """(papers) => localStorage.setItem('ah-learn', JSON.stringify({ratings:
        Object.fromEntries(papers.map((p) => [p.id, {r: 1, t: p.title, u: p.links.html, at: 1}]))}))""",
        papers,
    )
    page.reload()
    expect(page.locator("#learn-summary")).not_to_be_empty()
    for export, ext, reader in (("bibtex", "bib", "bibtex"), ("ris", "ris", "ris")):
        files = [(out / f"api/v1/papers/{slug}.{ext}").read_text(encoding="utf-8") for slug in EXPORTED]
        for slug, text in zip(EXPORTED, files):  # the file is the paper page's own citation
            page_html = (out / f"papers/{slug}.html").read_text(encoding="utf-8")
            shown = re.search(rf'<pre id="{reader}"[^>]*>(.*?)</pre>', page_html, re.S)
            assert html.unescape(shown[1]) == text, slug
        with page.expect_download() as download:
            page.locator(f'[data-export="{export}"][data-list="liked"]').click()
        assert download.value.suggested_filename == f"my-liked-papers.{ext}"
        download.value.save_as(tmp_path / f"liked.{ext}")
        made = (tmp_path / f"liked.{ext}").read_bytes()
        assert made == "\n".join(files).encode("utf-8")
        asked = sorted(p for p in fetched if p.endswith(f".{ext}"))
        assert asked == sorted(f"/api/v1/papers/{slug}.{ext}" for slug in EXPORTED)
    library = bibtexparser.parse_string((tmp_path / "liked.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and len({e.key for e in library.entries}) == len(EXPORTED)
    assert all(e.key.isascii() for e in library.entries)
    records = rispy.loads((tmp_path / "liked.ris").read_text(encoding="utf-8"))
    assert [r["title"] for r in records] == [p["title"] for p in papers]
    assert "Günther, Jakob" in records[0]["authors"] and len(records[1]["authors"]) == AUTHORS_LISTED
    assert library.entries[1]["author"].endswith(" and others")
    assert not [p for p in fetched if p.startswith("/api/v1/papers/") and p.endswith(".json")]


LAYOUT_SHIFTS = """window.__shifts = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); })
  .observe({ type: "layout-shift", buffered: true });"""


@pytest.mark.parametrize("name", ["", "radar.html", "papers/arxiv-2609-00001.html", "briefs/2026-09-08.html"])
def test_pages_do_not_shift_as_their_scripts_start(browser, base_url, name):
    """On a phone's screen (Lighthouse's: 412 × 823) the controls the scripts reveal have their place from
    the first paint: the layout shifts add up to far below the 0.1 that counts as poor."""
    context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75)
    page = context.new_page()
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(base_url + name)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    shifts = page.evaluate("window.__shifts")
    context.close()
    assert sum(shifts) < 0.02, shifts


def test_no_request_leaves_127_0_0_1(requests_seen, base_url):
    # runs last in this module: every page the tests above opened is in requests_seen
    assert requests_seen
    outside = [url for url in requests_seen if urlparse(url).hostname != urlparse(base_url).hostname]
    assert not outside, outside[:10]
