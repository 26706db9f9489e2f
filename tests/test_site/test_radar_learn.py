"""The radar that learns, in the real Chromium: 👍 / 👎 and "not interested" on cards and paper pages,
the ranking trained in the browser (checked against scikit-learn on the same quantised vectors), the
hashed-words fallback, hiding seen papers across batches, importing BibTeX / RIS / ids, exporting
BibTeX / RIS, the share link, the radar file, and forgetting everything."""

from __future__ import annotations

import base64
import json
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from browser import AXE, CHROMIUM, NO_CHROMIUM, serving
from playwright.sync_api import expect
from site_helpers import built_site, embedded_site, recent_papers

from pipeline.models import PaperView

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)

HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> Attention {is} all & more"


@pytest.fixture(scope="module")
def vectors_url():
    with serving(embedded_site().output) as url:
        yield url


@pytest.fixture(scope="module")
def words_url():
    with serving(built_site().output) as url:
        yield url


class Seen:
    """The requests of one browser context (paths below the site's root) and the page's errors."""

    def __init__(self, context, base: str):
        self.base, self.paths, self.errors = base, [], []
        context.on("request", self._request)

    def _request(self, request):
        assert urlparse(request.url).hostname == "127.0.0.1", request.url
        self.paths.append(request.url.removeprefix(self.base))

    def vectors(self) -> list[str]:
        return [p for p in self.paths if p.startswith("data/vectors/")]

    def watch(self, page):
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        return page


@contextmanager
def opened(browser, base: str):
    """(page, requests, base URL) in a fresh browser profile; no page error or console error allowed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    seen = Seen(context, base)
    page = seen.watch(context.new_page())
    yield page, seen, base
    context.close()
    assert not seen.errors, seen.errors


@pytest.fixture
def site(browser, vectors_url):
    """The site built with the semantic extra's vectors."""
    with opened(browser, vectors_url) as opened_site:
        yield opened_site


@pytest.fixture
def words(browser, words_url):
    """The site built without vectors."""
    with opened(browser, words_url) as opened_site:
        yield opened_site


def stored(page) -> dict:
    return json.loads(page.evaluate("localStorage.getItem('ah-learn') || '{}'"))


def next_batch(page):
    """换一批, and wait until the next batch is shown."""
    status = page.locator("#batch-status").inner_text()
    page.get_by_role("button", name="换一批").click()
    expect(page.locator("#batch-status")).not_to_have_text(status)


def home_ready(page):
    """Wait for the home page's script to have shown its first batch."""
    expect(page.locator("#batch-status")).not_to_be_empty()


def ready(page):
    """Wait for the radar page's script to have drawn the page once."""
    expect(page.locator("#learn-summary")).not_to_be_empty()


def for_you(page) -> list[str]:
    page.locator("#foryou-results .card").first.wait_for()
    return [c.get_attribute("data-id") for c in page.locator("#foryou-results .card").all()]


def index_of(site_) -> dict:
    return json.loads((site_.output / "data" / "index.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- ratings and the ranking


def test_rating_survives_reload_changes_the_ranking_and_says_why(site):
    page, seen, base = site
    page.goto(base)
    home_ready(page)
    card = page.locator('#pool .card[data-id="arxiv:2609.00001"]')
    like = card.get_by_role("button", name="喜欢", exact=True)
    like.focus()
    page.keyboard.press("Enter")  # keyboard usable
    expect(like).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator('#pool .card[data-id="arxiv:2609.00001"] [data-rate="1"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    assert stored(page)["ratings"]["arxiv:2609.00001"]["r"] == 1
    assert stored(page)["ratings"]["arxiv:2609.00001"]["t"] == "Surface Codes Below Threshold with $d=7$ Lattices"
    page.goto(base + "radar.html")
    ready(page)
    first = for_you(page)
    why = page.locator("#foryou-results .learn-why").first.inner_text()
    assert "Surface Codes Below Threshold" in why and ("像您评为 👍 的" in why or "最接近您评为 👍 的" in why)
    expect(page.locator("#foryou-note")).to_contain_text("local:all-MiniLM-L6-v2")
    # the language models paper now rated 👍, the quantum one 👎: the ranking follows
    page.goto(base + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head [data-rate='1']").click()
    page.goto(base + "radar.html")
    ready(page)
    page.locator("#foryou-results .card").first.wait_for()
    page.locator("#foryou-results .card, #ask-results .card").first.wait_for()
    page.evaluate("""() => { const s = JSON.parse(localStorage.getItem('ah-learn')); s.ratings['arxiv:2609.00001'].r = -1;
                             localStorage.setItem('ah-learn', JSON.stringify(s)); }""")
    page.reload()
    second = for_you(page)
    assert second != first
    page.reload()
    assert for_you(page) == second  # the same ratings give the same list (exploration is seeded)
    assert "you rated 👍" in page.locator("#foryou-results .learn-why").first.text_content()


def test_vectors_load_only_on_the_radar_and_only_with_ratings(site):
    page, seen, base = site
    manifest = json.loads((embedded_site().output / "data" / "vectors" / "manifest.json").read_text())
    page.goto(base)
    home_ready(page)
    page.goto(base + "radar.html")
    ready(page)
    page.wait_for_load_state("networkidle")
    assert seen.vectors() == [] and page.locator("#foryou").is_hidden()
    page.goto(base + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head [data-rate='1']").click()
    page.goto(base)
    home_ready(page)
    page.wait_for_load_state("networkidle")
    assert seen.vectors() == []
    page.goto(base + "radar.html")
    ready(page)
    for_you(page)
    assert sorted(seen.vectors()) == sorted(
        ["data/vectors/manifest.json"] + [f"data/vectors/{s['file']}" for s in manifest["shards"]]
    )
    # the shards are small: int8, a float32 scale per row
    sizes = [(embedded_site().output / "data" / "vectors" / s["file"]).stat().st_size for s in manifest["shards"]]
    assert sum(sizes) == sum(len(s["ids"]) for s in manifest["shards"]) * (manifest["dimensions"] + 4)


def read_shards(output: Path) -> tuple[list[str], np.ndarray]:
    """The published vectors as the format says (independently of the browser's decoder)."""
    manifest = json.loads((output / "data" / "vectors" / "manifest.json").read_text())
    ids, blocks = [], []
    for shard in manifest["shards"]:
        data = (output / "data" / "vectors" / shard["file"]).read_bytes()
        n, d = len(shard["ids"]), manifest["dimensions"]
        scales = np.frombuffer(data[: 4 * n], dtype="<f4")
        values = np.frombuffer(data[4 * n :], dtype=np.int8).reshape(n, d)
        ids += shard["ids"]
        blocks.append(values.astype(np.float64) * scales[:, None])
    return ids, np.vstack(blocks)


def test_the_browser_model_matches_scikit_learn_on_the_same_quantised_vectors(site):
    from sklearn.linear_model import LogisticRegression

    from pipeline.semantic.store import Store

    page, seen, base = site
    output = embedded_site().output
    ids, matrix = read_shards(output)
    # the quantised vectors are the stored ones, to within int8 precision
    stored_vectors = Store(embedded_site().root / "state").load()
    _, exact = stored_vectors.take(ids)
    cosines = np.sum(exact * matrix, axis=1) / np.linalg.norm(matrix, axis=1)
    assert cosines.min() > 0.999
    papers = recent_papers(embedded_site().output)
    quantum = [p["id"] for p in papers if any(t["rule"] == "quantum-information" for t in p["topics"])][:5]
    others = [
        p["id"]
        for p in papers
        if p["id"] not in quantum and not any(t["rule"] == "quantum-information" for t in p["topics"])
    ][:5]
    ratings = {**{i: {"r": 1} for i in quantum}, **{i: {"r": -1} for i in others}}
    page.goto(base + "radar.html")
    ready(page)
    result = page.evaluate(
        """async (ratings) => {
      const learn = await import("./theme/js/learn.js");
      const { loadIndex } = await import("./theme/js/util.js");
      const index = await loadIndex();
      const features = await learn.loadVectors(index);
      const result = learn.rank(features, ratings, features.ids);
      const set = result.trainedOn;
      return { ids: set.ids, labels: set.labels, weights: set.weights, w: [...result.model.weights], b: result.model.bias,
               ranked: result.ranked.map((r) => [r.id, r.score]), ms: result.milliseconds, iterations: result.model.iterations };
    }""",
        ratings,
    )
    row = {paper_id: i for i, paper_id in enumerate(ids)}
    x = matrix[[row[i] for i in result["ids"]]]
    reference = LogisticRegression(C=1.0, tol=1e-12, max_iter=100_000).fit(
        x, result["labels"], sample_weight=result["weights"]
    )
    assert set(result["ids"][:10]) == set(ratings)
    w = np.asarray(result["w"])
    assert np.abs(w - reference.coef_[0]).max() < 1e-4 and abs(result["b"] - reference.intercept_[0]) < 1e-4
    scores = reference.decision_function(matrix)
    expected = sorted(ids, key=lambda i: (-scores[row[i]], i))
    assert [i for i, _ in result["ranked"]] == expected
    assert np.allclose([s for _, s in result["ranked"]], [scores[row[i]] for i in expected], atol=1e-4)
    assert result["ms"] < 500


def test_without_vectors_the_ranking_uses_hashed_words_and_says_so(words):
    page, seen, base = words
    assert index_of(built_site())["vectors"] is None and not (built_site().output / "data" / "vectors").exists()
    page.goto(base + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head [data-rate='1']").click()
    page.goto(base + "radar.html")
    ready(page)
    ranked = for_you(page)
    expect(page.locator("#foryou-note")).to_contain_text("本站没有发布论文向量")
    assert "it was built without the semantic extra" in page.locator("#foryou-note").text_content()
    assert seen.vectors() == [] and "arxiv:2604.22038" not in ranked
    # the newest radar day's papers first; after them, the rated paper's closest papers share its words
    papers = {p["id"]: p for p in recent_papers(built_site().output)}
    newest = max(p["day"] for p in papers.values())
    today = [i for i in ranked if papers[i]["day"] == newest]
    assert today and ranked[: len(today)] == today
    record = papers[ranked[len(today)]]
    assert (
        "language-models" in {t["rule"] for t in record["topics"]}
        or "llm" in (record["title"] + record["abstract"]).lower()
    )


# ---------------------------------------------------------------- not interested, hide seen


def test_not_interested_hides_a_paper_and_offers_to_mute_its_author(site):
    page, seen, base = site
    page.goto(base)
    home_ready(page)
    card = page.locator('#pool .card[data-id="arxiv:2604.22038"]')
    for _ in range(4):
        if card.is_visible():
            break
        next_batch(page)
    card.get_by_role("button", name="不感兴趣").click()
    note = card.locator(".dismissed-note")
    expect(note).to_be_visible()
    expect(card.locator(".abstract")).to_be_hidden()
    note.locator('[data-mute="mute-author"][data-value="Ellie Pavlick"]').click()
    page.reload()
    home_ready(page)
    for _ in range(5):
        ids = [c.get_attribute("data-id") for c in page.locator("#pool > li:not([hidden]) .card").all()]
        assert "arxiv:2604.22038" not in ids
        authors = page.locator("#pool > li:not([hidden]) .card").evaluate_all("cs => cs.map(c => c.dataset.authors)")
        assert not any("Ellie Pavlick" in a.split("|") for a in authors)
        next_batch(page)
    page.goto(base + "radar.html")
    ready(page)
    expect(page.locator("#radar-follows")).to_contain_text("Ellie Pavlick")
    page.click("#radar-rule")  # mutes alone select nothing: no rule file
    expect(page.locator("#radar-message")).to_contain_text("the topics you follow are rules already")
    expect(page.locator("#radar-rule-box")).to_be_hidden()
    page.fill("#radar-value", "monitoring")
    page.click("#radar-add button[type=submit]")
    page.click("#radar-rule")
    assert 'exclude:\n  authors: ["Ellie Pavlick"]' in page.locator("#radar-yaml").inner_text()


def test_hide_seen_holds_across_batches(site):
    page, seen, base = site
    page.set_viewport_size({"width": 1280, "height": 6000})  # no card leaves the window: none is seen by scrolling
    page.goto(base)
    home_ready(page)
    cards = page.locator("#pool > li:not([hidden]) .card")
    first = [c.get_attribute("data-id") for c in cards.all()]
    # open one paper, rate two
    page.locator(f'#pool .card[data-id="{first[1]}"] .card-title a').click()
    page.wait_for_url("**/papers/*")
    page.goto(base)
    home_ready(page)
    page.locator(f'#pool .card[data-id="{first[3]}"] [data-rate="1"]').click()
    page.locator(f'#pool .card[data-id="{first[4]}"] [data-rate="-1"]').click()
    seen_ids = {first[1], first[3], first[4]}
    assert seen_ids <= set(stored(page)["seen"])
    page.get_by_label("隐藏看过的").check()
    expect(page.locator("#batch-status")).to_contain_text("已隐藏 3 篇")
    shown: list[str] = []
    for _ in range(6):  # every batch, and around again
        ids = [c.get_attribute("data-id") for c in page.locator("#pool > li:not([hidden]) .card").all()]
        assert not seen_ids & set(ids)
        shown += ids
        next_batch(page)
    total = len(recent_papers(embedded_site().output))
    assert set(shown) == {p["id"] for p in recent_papers(embedded_site().output)} - seen_ids and total - 3 == len(
        set(shown)
    )
    # the radar hides them too, and the toggle is one setting
    page.goto(base + "radar.html")
    ready(page)
    expect(page.locator("#radar-hide-seen")).to_be_checked()
    assert not seen_ids & set(for_you(page))
    page.reload()
    expect(page.locator("#radar-hide-seen")).to_be_checked()


# ---------------------------------------------------------------- share link, radar file, forget


def test_share_link_carries_ratings_and_follows(site, browser):
    page, seen, base = site
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    page.goto(base + "radar.html")
    ready(page)
    page.evaluate("""() => localStorage.setItem('ah-learn', JSON.stringify({ratings: {
        'arxiv:2604.22038': {r: 1, t: 'x', u: 'papers/arxiv-2604-22038.html', at: 1},
        'doi:10.64898/2026.09.03.749257': {r: -1, t: 'y', u: '', at: 2}}}))""")
    page.fill("#radar-value", "monitoring")
    page.click("#radar-add button[type=submit]")
    mine = for_you(page)
    page.click("#radar-share")
    expect(page.locator("#radar-message")).to_contain_text("分享")
    link = page.evaluate("navigator.clipboard.readText()")
    query = urlparse(link).query
    assert (
        "like=2604.22038" in query
        and "dislike=doi%3A10.64898%2F2026.09.03.749257" in query
        and "keyword=monitoring" in query
    )
    assert len(query) < 120
    other = browser.new_context()
    shared = other.new_page()
    shared.goto(link)
    expect(shared.locator("#radar-follows")).to_contain_text("这是一个分享的雷达")
    assert for_you(shared) == mine
    shared.click("#radar-save")
    assert set(json.loads(shared.evaluate("localStorage.getItem('ah-learn')"))["ratings"]) == {
        "arxiv:2604.22038",
        "doi:10.64898/2026.09.03.749257",
    }
    other.close()


def test_the_radar_saved_as_a_file_restores_in_another_browser(site, browser, tmp_path):
    page, seen, base = site
    page.goto(base + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head [data-rate='1']").click()
    page.goto(base + "radar.html")
    ready(page)
    page.fill("#radar-value", "agent*")
    page.click("#radar-add button[type=submit]")
    with page.expect_download() as download:
        page.click("#radar-save-file")
    path = tmp_path / "my-radar.json"
    download.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["format"] == "academichub-radar" and data["ratings"]["arxiv:2604.22038"]["r"] == 1
    other = browser.new_context()
    fresh = other.new_page()
    fresh.goto(base + "radar.html")
    ready(fresh)
    fresh.set_input_files("#radar-load-file", str(path))
    expect(fresh.locator("#radar-message")).to_contain_text("1 个评价")
    expect(fresh.locator("#radar-follows")).to_contain_text("agent*")
    for_you(fresh)
    other.close()


def test_forget_everything_clears_the_browser(site):
    page, seen, base = site
    page.goto(base + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head [data-rate='1']").click()
    page.locator('.side [data-follow="author"][data-value="Ellie Pavlick"]').click()
    page.goto(base + "radar.html")
    ready(page)
    for_you(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#radar-forget")
    expect(page.locator("#radar-message")).to_contain_text("已全部忘记")
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('ah-') && k !== 'ah-lang')") == []
    expect(page.locator("#foryou")).to_be_hidden()
    expect(page.locator("#radar-empty")).to_be_visible()
    page.reload()
    expect(page.locator("#foryou")).to_be_hidden()
    assert page.locator("#radar-follows .follow-chip").count() == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_the_learned_radar(browser, vectors_url, scheme):
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(vectors_url + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head [data-rate='1']").click()
    page.goto(vectors_url + "radar.html")
    ready(page)
    page.fill("#library-text", "2609.00001 10.9999/not-here")
    page.click("#library-import")
    expect(page.locator("#import-report .not-found")).to_be_visible()
    for_you(page)
    page.locator("#foryou-results .card [data-not-interested]").first.click()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    context.close()
    assert not violations, violations


def test_shards_are_int8_named_by_content_and_pruned(tmp_path):
    from datetime import date
    from types import SimpleNamespace

    from pipeline.semantic.store import Store, Vectors
    from pipeline.site.learn import dequantise, quantise, write_vectors

    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(5, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    scales, rows = quantise(matrix)
    assert rows.dtype == np.int8 and np.abs(rows).max() == 127
    assert np.abs(dequantise(scales, rows) - matrix).max() <= scales.max() / 2 + 1e-7
    state = tmp_path / "state"
    Store(state, "test:model").prepare(16)

    def article(n, day):
        return SimpleNamespace(paper=PaperView(id=f"arxiv:2609.0000{n}"), radar_day=day)

    days = {0: date(2026, 9, 8), 1: date(2026, 9, 8), 2: date(2026, 9, 7), 3: date(2026, 9, 7), 4: date(2026, 9, 7)}
    semantic = SimpleNamespace(vectors=Vectors([f"arxiv:2609.0000{n}" for n in range(5)], matrix), state=state)
    out = tmp_path / "output"
    path = write_vectors(out, [article(n, days[n]) for n in range(5)], semantic)
    manifest = json.loads((out / path).read_text())
    assert manifest["model"] == "test:model" and manifest["dimensions"] == 16
    assert [len(s["ids"]) for s in manifest["shards"]] == [2, 3]  # newest day first
    ids, quantised = read_shards(out)
    assert np.allclose(quantised, matrix[[int(i[-1]) for i in ids]], atol=0.01)
    first = {s["file"] for s in manifest["shards"]}
    # a new version of one paper: its day's shard gets a new name, the old file goes, the other stays
    semantic.vectors.matrix[0] = -matrix[0]
    manifest = json.loads((out / write_vectors(out, [article(n, days[n]) for n in range(5)], semantic)).read_text())
    now = {s["file"] for s in manifest["shards"]}
    assert len(first & now) == 1 and {p.name for p in (out / "data" / "vectors").iterdir()} == now | {
        "manifest.json",
        "archive",
    }
    # the archive's buckets: every paper in the bucket its id hashes to, its row as the browser keeps it
    assert len(manifest["archive"]) == 1
    bucket = json.loads((out / "data" / "vectors" / "archive" / manifest["archive"][0]).read_text())
    assert sorted(bucket["ids"]) == sorted(semantic.vectors.ids)
    for paper_id, text in zip(bucket["ids"], bucket["rows"]):
        raw = base64.b64decode(text)
        row = np.frombuffer(raw[4:], dtype=np.int8) * np.frombuffer(raw[:4], dtype="<f4")[0]
        assert np.allclose(row, semantic.vectors.get(paper_id), atol=0.01)
    # without vectors: no manifest and no shard
    assert write_vectors(out, [], None) is None and list((out / "data" / "vectors").iterdir()) == []


# ---------------------------------------------------------------- importing and exporting a library

LIBRARY_BIB = r"""% exported by Zotero
@string{nat = "Nature"}
@article{pavlick2026,
  title = {Shared Lexical Task Representations},
  author = {Pavlick, Ellie and Yang, Zhuonan},
  eprint = {2604.22038}, archivePrefix = {arXiv},
  year = 2026
}
@article{nature2024, title = "A {Nature} paper", journal = nat, doi = {https://doi.org/10.1038/S41586-024-07657-W}}
@misc{byurl, title = {By its address}, url = {https://arxiv.org/abs/2604.21952v2}}
@article{bytitle,
  title = {{Q}uantum {Fisher-Yates} shuffle: {U}nifying methods for generating uniform superpositions of permutations},
  author = {Binkowski, Lennart}
}
@misc{hostile, title = {<img src=x onerror="document.title='pwned'"> Attention \{is\} all \& more}, doi = {10.9999/not.here}}
@comment{jabref-meta: nothing}
"""

LIBRARY_RIS = """TY  - JOUR
TI  - <script>document.title='pwned'</script> Not in the archive
AU  - Mallory, Eve
DO  - 10.9999/also.not.here
ER  - 

TY  - JOUR
TI  - Found by its DOI
DO  - 10.1038/s41586-024-07702-8
ER  - 

TY  - GEN
TI  - Found by its arXiv page
UR  - http://arxiv.org/abs/2504.17837v1
ER  - 
"""


def test_importing_bibtex_rates_what_the_archive_holds_and_lists_the_rest_as_text(site, tmp_path):
    page, seen, base = site
    (tmp_path / "library.bib").write_text(LIBRARY_BIB, encoding="utf-8")
    page.goto(base + "radar.html")
    ready(page)
    assert not [p for p in seen.paths if p == "data/ids.json"]  # fetched only to import
    page.set_input_files("#library-file", str(tmp_path / "library.bib"))
    report = page.locator("#import-report")
    expect(report).to_contain_text("读到 5 条（BibTeX）：4 篇在本站档案里，已记为 👍；1 篇未找到")
    assert "data/ids.json" in seen.paths
    assert (
        page.locator("#import-report .not-found li").inner_text()
        == "<img src=x onerror=\"document.title='pwned'\"> Attention {is} all & more"
    )
    assert page.locator("#import-report img, #import-report script").count() == 0 and page.title() != "pwned"
    ratings = stored(page)["ratings"]
    assert {i for i, r in ratings.items() if r["r"] == 1} == {
        "arxiv:2604.22038",
        "doi:10.1038/s41586-024-07657-w",
        "arxiv:2604.21952",
        "arxiv:2504.17965",
    }
    assert ratings["arxiv:2604.22038"]["u"] == "papers/arxiv-2604-22038.html"
    assert "没有模型" in report.inner_text()
    for_you(page)
    # the same file seeds a similar_to rule, which the pipeline accepts
    page.click("#radar-rule")
    yaml_text = page.locator("#radar-yaml").inner_text()
    assert (
        '"2604.22038"' in yaml_text
        and '"10.1038/s41586-024-07657-w"' in yaml_text
        and 'bibtex: "library.bib"' in yaml_text
    )
    from pipeline.config import load_rules

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "my-radar.yml").write_text(yaml_text, encoding="utf-8")
    (rules / "library.bib").write_text(LIBRARY_BIB, encoding="utf-8")
    (rule,) = load_rules(rules)
    assert rule.id == "my-radar" and "2604.22038" in str(rule.similar_to)


def test_importing_ris_and_pasted_ids(site, tmp_path):
    page, seen, base = site
    (tmp_path / "zotero.ris").write_text(LIBRARY_RIS, encoding="utf-8")
    page.goto(base + "radar.html")
    ready(page)
    page.set_input_files("#library-file", str(tmp_path / "zotero.ris"))
    expect(page.locator("#import-report")).to_contain_text("读到 3 条（RIS）：2 篇在本站档案里")
    assert (
        page.locator("#import-report .not-found li").inner_text()
        == "<script>document.title='pwned'</script> Not in the archive"
    )
    assert page.title() != "pwned"
    assert {"doi:10.1038/s41586-024-07702-8", "arxiv:2504.17837"} <= set(stored(page)["ratings"])
    page.fill("#library-text", "arXiv:2604.26880v3, https://doi.org/10.64898/2026.09.03.749257 and 2612.99999")
    page.click("#library-import")
    expect(page.locator("#import-report")).to_contain_text("读到 3 条（ids）：2 篇在本站档案里")
    assert page.locator("#import-report .not-found li").inner_text() == "2612.99999"
    assert {"arxiv:2604.26880", "doi:10.64898/2026.09.03.749257"} <= set(stored(page)["ratings"])


def test_a_library_dropped_on_the_import_zone_is_imported(site):
    """A Zotero export dragged onto the radar's import area: the browser's drop event with the file,
    as a drag from the desktop delivers it."""
    page, seen, base = site
    page.goto(base + "radar.html")
    ready(page)
    page.evaluate(
        """(text) => {
        const data = new DataTransfer();
        data.items.add(new File([text], 'zotero.ris', {type: 'application/x-research-info-systems'}));
        const zone = document.getElementById('radar-import');
        zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: data, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
    }""",
        LIBRARY_RIS,
    )
    expect(page.locator("#import-report")).to_contain_text("读到 3 条（RIS）：2 篇在本站档案里")
    assert (
        page.locator("#import-report .not-found li").inner_text()
        == "<script>document.title='pwned'</script> Not in the archive"
    )
    assert page.title() != "pwned" and not page.locator("#radar-import.dragging").count()
    assert {"doi:10.1038/s41586-024-07702-8", "arxiv:2504.17837"} <= set(stored(page)["ratings"])


def test_export_of_liked_papers_and_of_a_list_parses_in_bibtexparser_and_rispy(site, tmp_path):
    import bibtexparser
    import rispy

    page, seen, base = site
    liked = ["arxiv:2609.00002", "arxiv:2609.00001", "doi:10.1038/s41586-024-07657-w"]  # hostile text, math, a journal
    page.goto(base + "radar.html")
    page.evaluate(
        """(ids) => localStorage.setItem('ah-learn', JSON.stringify({ratings: Object.fromEntries(ids.map((id) =>
        [id, {r: 1, t: id, u: 'papers/' + id.replace(/[:./]/g, '-') + '.html', at: 1}]))}))""",
        liked,
    )
    page.reload()
    ready(page)
    api = {
        i: json.loads(
            (
                embedded_site().output / "api" / "v1" / "papers" / f"{urlparse(p['url']).path.split('/')[-1][:-5]}.json"
            ).read_text()
        )["paper"]
        for i in liked
        for p in recent_papers(embedded_site().output)
        if p["id"] == i
    }
    with page.expect_download() as download:
        page.locator('[data-export="bibtex"][data-list="liked"]').click()
    assert download.value.suggested_filename == "my-liked-papers.bib"
    download.value.save_as(tmp_path / "liked.bib")
    library = bibtexparser.parse_string((tmp_path / "liked.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and len(library.entries) == 3 and len({e.key for e in library.entries}) == 3
    by_title = {}
    for entry in library.entries:
        title = entry["title"]
        plain = re.sub(r"\\([{}&%$#_])", r"\1", title[1:-1] if title.startswith("{") else title)
        by_title[plain] = entry
    for paper_id, paper in api.items():
        entry = by_title[paper["title"]]
        if paper["arxiv_id"]:
            assert entry["eprint"] == paper["arxiv_id"] and entry["archivePrefix"] == "arXiv"
        if paper["doi"]:
            assert entry["doi"] == paper["doi"]
        assert entry["year"] == paper["published"][:4]
    # the matched list, as RIS
    page.fill("#radar-value", "quantum")
    page.click("#radar-add button[type=submit]")
    page.locator("#radar-results .card").first.wait_for()
    matched = [c.get_attribute("data-id") for c in page.locator("#radar-results .card").all()]
    with page.expect_download() as download:
        page.locator('[data-export="ris"][data-list="matched"]').click()
    download.value.save_as(tmp_path / "list.ris")
    records = rispy.loads((tmp_path / "list.ris").read_text(encoding="utf-8"))
    titles = {p["id"]: p["title"] for p in recent_papers(embedded_site().output)}
    assert [r["title"] for r in records] == [titles[i] for i in matched] and len(records) >= 2
    assert all(r["authors"] and "," in r["authors"][0] for r in records)


def test_exploration_share_and_the_papers_the_model_is_least_sure_of(site):
    page, seen, base = site
    page.goto(base + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head [data-rate='1']").click()
    page.goto(base + "radar.html")
    ready(page)
    listed = for_you(page)
    asked = [c.get_attribute("data-id") for c in page.locator("#ask-results .card").all()]
    assert len(asked) == 3 and not set(asked) & set(listed) and "arxiv:2604.22038" not in listed + asked
    expect(page.locator("#radar-explore")).to_have_value("0")  # off by default: exploring costs precision
    assert page.locator("#foryou-results .learn-why", has_text="Exploring").count() == 0
    for share, exploring in (("0.2", 4), ("0", 0), ("0.5", 10)):
        page.select_option("#radar-explore", share)
        expect(page.locator("#foryou-results .learn-why", has_text="Exploring")).to_have_count(exploring)
    page.reload()
    expect(page.locator("#radar-explore")).to_have_value("0.5")
    # the papers asked about are those whose estimate is nearest one half
    ids = page.evaluate("""async () => {
      const learn = await import("./theme/js/learn.js");
      const { loadIndex, loadParts } = await import("./theme/js/util.js");
      const { loadLearn } = await import("./theme/js/ratings.js");
      const { loadRadar } = await import("./theme/js/radar.js");
      const index = await loadIndex();
      const papers = await loadParts(index, index.parts.length);
      const { result } = learn.recommend(await learn.loadVectors(index), papers, loadLearn(), loadRadar());
      return result.ranked.map((r) => [r.id, Math.abs(r.probability - 0.5)]);
    }""")
    nearest_half = [i for i, _ in sorted(ids, key=lambda pair: (pair[1], pair[0]))]
    shown = set(for_you(page))
    assert [c.get_attribute("data-id") for c in page.locator("#ask-results .card").all()] == [
        i for i in nearest_half if i not in shown
    ][:3]


def test_a_rated_paper_keeps_teaching_after_its_day_leaves_the_shards(site):
    page, seen, base = site
    page.goto(base)
    home_ready(page)
    page.locator('#pool .card[data-id="arxiv:2609.00001"] [data-rate="1"]').click()
    page.goto(base + "radar.html")
    for_you(page)
    kept = json.loads(page.evaluate("localStorage.getItem('ah-vectors')"))
    assert kept["model"] == "local:all-MiniLM-L6-v2" and set(kept["rows"]) == {"arxiv:2609.00001"}

    # the next month: the paper's day is no longer published
    def without_its_day(route):
        manifest = json.loads(route.fetch().text())
        manifest["shards"] = [s for s in manifest["shards"] if "arxiv:2609.00001" not in s["ids"]]
        route.fulfill(json=manifest)

    page.route("**/data/vectors/manifest.json", without_its_day)
    page.reload()
    for_you(page)
    expect(page.locator("#learn-summary")).not_to_contain_text("没有向量")
    assert "Surface Codes Below Threshold" in page.locator("#foryou-results .learn-why").first.inner_text()
    # without the kept vector, the radar says the rating no longer trains it
    page.evaluate("localStorage.removeItem('ah-vectors')")
    page.reload()
    expect(page.locator("#learn-summary")).to_contain_text("其中 1 篇在本站近期论文里没有向量")
    expect(page.locator("#foryou-note")).to_contain_text("评为 👍 至少一篇论文")


def test_not_interested_on_a_paper_page_can_be_undone(site):
    page, seen, base = site
    page.goto(base + "papers/arxiv-2604-22038.html")
    page.locator(".paper-head").get_by_role("button", name="不感兴趣").click()
    note = page.locator(".paper-head .dismissed-note")
    expect(note).to_contain_text("已隐藏")
    assert note.locator('[data-mute="mute-author"]').count() == 3
    assert stored(page)["dismissed"] == ["arxiv:2604.22038"] and stored(page)["ratings"]["arxiv:2604.22038"]["r"] == -1
    expect(note.locator("[data-undismiss]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(note).to_have_count(0)
    assert stored(page)["dismissed"] == [] and "arxiv:2604.22038" not in stored(page)["ratings"]
    expect(page.locator(".paper-head [data-not-interested]")).to_be_focused()


# ---------------------------------------------------------------- cold start, old papers, 👎, papers scrolled past


def test_a_cold_start_reader_with_a_followed_topic_sees_a_ranked_list(site):
    page, seen, base = site
    page.goto(base + "radar.html")
    ready(page)
    expect(page.locator("#foryou")).to_be_hidden()
    page.select_option("#radar-kind", "topic")
    page.fill("#radar-value", "quantum-information")
    page.locator("#radar-add button[type=submit]").click()
    listed = for_you(page)
    assert stored(page).get("ratings", {}) == {} and seen.vectors()
    topic = {
        p["id"]
        for p in recent_papers(embedded_site().output)
        if any(t["rule"] == "quantum-information" for t in p["topics"])
    }
    assert 2 <= len(topic) < len(listed) == 20 and topic <= set(listed)
    # the newest radar day's papers first; within a day, the topic's papers lead; after them, the papers the model
    # finds closest to them, not the home page's order
    days = {p["id"]: p["day"] for p in recent_papers(embedded_site().output)}
    newest = max(days.values())
    today = [i for i in listed if days[i] == newest]
    assert listed[: len(today)] == today
    for group in (listed[: len(today)], listed[len(today) :]):
        leading = [i in topic for i in group]
        assert leading == sorted(leading, reverse=True)
    ids, matrix = read_shards(embedded_site().output)
    row = {paper_id: i for i, paper_id in enumerate(ids)}
    centre = matrix[[row[i] for i in topic]].mean(axis=0)
    rest = [i for i in listed if i not in topic]
    closeness = [float(matrix[row[i]] @ centre) for i in rest]
    others = [float(matrix[row[i]] @ centre) for i in ids if i not in topic and i not in listed]
    assert np.mean(closeness) > np.mean(others)
    why = page.locator("#foryou-results .learn-why").first
    expect(why).to_contain_text("like the recent papers that match your follows")
    expect(page.locator("#foryou-note")).to_contain_text(f"{len(topic)} papers matching your follows")


def test_an_imported_library_with_old_papers_trains_the_model(site):
    from pipeline.site.learn import fnv1a

    page, seen, base = site
    old = "arxiv:2609.00001"
    manifest = json.loads((embedded_site().output / "data" / "vectors" / "manifest.json").read_text())

    def without_its_day(route):  # the paper's day has left the radar's shards: only the archive holds its vector
        data = json.loads(route.fetch().text())
        data["shards"] = [s for s in data["shards"] if old not in s["ids"]]
        route.fulfill(json=data)

    page.route("**/data/vectors/manifest.json", without_its_day)
    page.goto(base + "radar.html")
    ready(page)
    page.fill("#library-text", "arXiv:2609.00001")
    page.click("#library-import")
    expect(page.locator("#import-report")).to_contain_text("1 篇在本站档案里")
    expect(page.locator("#foryou-results .learn-why").first).to_contain_text("Surface Codes Below Threshold")
    assert old not in for_you(page)
    expect(page.locator("#learn-summary")).not_to_contain_text("没有向量")
    # one bucket of the archive was fetched: the one the id hashes to
    bucket = manifest["archive"][fnv1a(old) % len(manifest["archive"])]
    assert [p for p in seen.paths if p.startswith("data/vectors/archive/")] == [f"data/vectors/archive/{bucket}"]
    kept = json.loads(page.evaluate("localStorage.getItem('ah-vectors')"))
    assert set(kept["rows"]) == {old}
    # the kept row is the archive's vector
    ids, matrix = read_shards(embedded_site().output)
    row = np.frombuffer(base64.b64decode(kept["rows"][old]), dtype=np.uint8)
    values = np.frombuffer(row[4:].tobytes(), dtype=np.int8) * np.frombuffer(row[:4].tobytes(), dtype="<f4")[0]
    archived = matrix[ids.index(old)]
    assert float(values @ archived / np.linalg.norm(values) / np.linalg.norm(archived)) > 0.999


def test_a_dislike_moves_the_disliked_papers_neighbours_down(site):
    page, seen, base = site
    page.goto(base + "radar.html")
    ready(page)
    page.evaluate("""() => localStorage.setItem('ah-learn', JSON.stringify({ratings: {
        'arxiv:2604.22038': {r: 1, t: '', u: 'papers/arxiv-2604-22038.html', at: 1}}}))""")
    page.reload()
    before = for_you(page)
    disliked = before[2]
    ids, matrix = read_shards(embedded_site().output)
    row = {paper_id: i for i, paper_id in enumerate(ids)}
    closest = sorted((i for i in before if i != disliked), key=lambda i: -float(matrix[row[i]] @ matrix[row[disliked]]))
    near = closest[:3]
    page.locator(f'#foryou-results .card[data-id="{disliked}"] [data-rate="-1"]').click()
    expect(page.locator(f'#foryou-results .card[data-id="{disliked}"]')).to_have_count(0)
    after = for_you(page)

    def place(listing, paper):
        return listing.index(paper) if paper in listing else len(listing)

    assert sum(place(after, i) for i in near) > sum(place(before, i) for i in near)
    assert stored(page)["ratings"][disliked]["r"] == -1


def test_papers_scrolled_past_become_seen(site):
    page, seen, base = site
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(base)
    home_ready(page)
    cards = page.locator("#pool > li:not([hidden]) .card")
    shown = [c.get_attribute("data-id") for c in cards.all()]
    assert not stored(page).get("seen")
    top = cards.nth(4).bounding_box()["y"]
    for y in range(0, int(top) + 100, 100):  # a reader's scrolling: every card passes through the window
        page.evaluate(
            """async (y) => { window.scrollTo(0, y);
            await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))); }""",
            min(y, top),
        )
    page.wait_for_function(
        """(ids) => { const seen = (JSON.parse(localStorage.getItem('ah-learn') || '{}').seen) || {};
                                          return ids.every((id) => id in seen); }""",
        arg=shown[:4],
    )
    assert shown[-1] not in stored(page)["seen"]  # never on screen
    # what was scrolled past is hidden with "hide seen", on the home page and the radar
    page.get_by_label("隐藏看过的").check()
    expect(page.locator(f'#pool > li:not([hidden]) .card[data-id="{shown[0]}"]')).to_have_count(0)
