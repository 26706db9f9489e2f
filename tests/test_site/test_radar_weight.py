"""What the radar page and the home page's "换一批" download, on a radar of 30 days of 200 papers a day
(6,000 papers, each with a vector), served gzip-compressed as a static host serves it, counted by the
browser's own resource timing: at most 300 KB for the radar page before any rating, 600 KB with ratings,
and 100 KB for each "换一批", whatever the archive's size."""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import CHROMIUM, NO_CHROMIUM, serving_gzip
from playwright.sync_api import expect
from site_helpers import ROOT

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)

DAYS, DAILY = 30, 200
KB = 1024

# the bytes the page downloaded: its own document and every resource, as they came over the wire (gzip)
DOWNLOADED = """() => {
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  return entries.map((e) => [new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize]);
}"""


@pytest.fixture(scope="module")
def radar_url():
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_site import build_with_vectors

    with tempfile.TemporaryDirectory(prefix="academichub-weight-") as root:
        output = build_with_vectors(Path(root), DAYS * DAILY, DAYS, datetime(2026, 9, 1, tzinfo=UTC))
        with serving_gzip(output) as url:
            yield url, output


@pytest.fixture
def page(browser, radar_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.on("request", lambda request: _local(request.url))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def _local(url: str) -> None:
    assert urlparse(url).hostname == "127.0.0.1", url


def downloaded(page) -> tuple[int, list]:
    entries = page.evaluate(DOWNLOADED)
    compressed = [e for e in entries if e[1]]
    # every file came gzip-compressed: the sizes are what a reader downloads
    assert all(e[1] < e[2] for e in compressed if e[2] > 1000), compressed
    return sum(e[1] for e in entries), entries


def newest_papers(output: Path) -> list[dict]:
    index = json.loads((output / "data" / "index.json").read_text(encoding="utf-8"))
    newest = index["parts"][0]["day"]
    return [
        p
        for part in index["parts"]
        if part["day"] == newest
        for p in json.loads((output / part["file"]).read_text(encoding="utf-8"))
    ]


def test_the_radar_page_with_follows_and_no_rating_downloads_at_most_300_kb(page, radar_url):
    base, output = radar_url
    page.goto(base + "index.html")
    page.evaluate("localStorage.setItem('ah-radar', JSON.stringify({keyword: ['quantum', 'qubit*'], author: []}))")
    page.goto(base + "radar.html")
    page.locator("#foryou-results .card").first.wait_for()
    page.wait_for_load_state("networkidle")
    total, entries = downloaded(page)
    assert total <= 300 * KB, (total, entries)
    # the newest day's papers are listed and ranked; the rest of the 30 days is one click away
    assert page.locator("#foryou-results .card").count() == 20
    newest = {p["id"] for p in newest_papers(output)}
    assert {c.get_attribute("data-id") for c in page.locator("#foryou-results .card").all()} <= newest
    expect(page.locator("#radar-days-note")).to_contain_text(f"1 of the {DAYS} recent radar days ({DAILY} papers)")
    vectors = [e for e in entries if "/data/vectors/" in e[0] and e[0].endswith(".i8")]
    assert len(vectors) == 2  # the newest day's, and the day before's (the ranking's background)
    page.locator("#radar-earlier").click()
    expect(page.locator("#radar-days-note")).to_contain_text(
        f"2 of the {DAYS} recent radar days ({2 * DAILY} papers)", timeout=120_000
    )


def test_the_radar_page_with_ratings_downloads_at_most_600_kb(page, radar_url):
    base, output = radar_url
    papers = newest_papers(output)[:30]
    page.goto(base + "index.html")
    page.evaluate(
        """(papers) => localStorage.setItem('ah-learn', JSON.stringify({ratings: Object.fromEntries(
        papers.map((p, i) => [p.id, {r: i % 3 ? -1 : 1, t: p.title, u: p.url, at: 1}]))}))""",
        papers,
    )
    page.goto(base + "radar.html")
    page.locator("#foryou-results .card").first.wait_for()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#learn-summary")).to_contain_text("10 rated 👍 · 20 rated 👎")
    total, entries = downloaded(page)
    assert total <= 600 * KB, (total, entries)


def test_another_batch_downloads_at_most_100_kb(page, radar_url):
    base, _ = radar_url
    page.goto(base + "index.html")
    page.wait_for_load_state("networkidle")
    before, _ = downloaded(page)
    button = page.locator("#another-batch")
    status = page.locator("#batch-status")
    expect(status).to_contain_text("Batch 1 of")
    for batch in range(2, 10):  # past the served cards (three batches) and through two card parts
        button.click()
        expect(status).to_contain_text(f"Batch {batch} of {DAYS * DAILY // 10} · {DAYS * DAILY} papers")
        page.wait_for_load_state("networkidle")
        after, entries = downloaded(page)
        assert after - before <= 100 * KB, (batch, after - before, entries)
        before = after
    assert not [e for e in entries if "/data/vectors/" in e[0]]
