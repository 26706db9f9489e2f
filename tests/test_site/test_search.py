"""The search stage: pages split into bundles by date, each indexed by the real Pagefind binary only
when what Pagefind reads from its pages changed, and a build that stops half-way never breaks search."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.errors import SearchError
from pipeline.site import search
from pipeline.site.search import Page, find_pages, index_site, plan_buckets, read_page

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} · AcademicHub</title>
<link rel="stylesheet" href="../theme/css/site.css"></head>
<body><header class="site-header" data-pagefind-ignore="all"><a href="../index.html">AcademicHub</a>
<nav><ul><li><a href="../search.html">搜索</a></li></ul></nav></header>
<main id="main"><article class="paper" data-pagefind-body data-authors="{author}">
<header><time datetime="{day}T04:00:00+00:00">{day}</time><h1 class="math">{title}</h1>
<p class="authors">{authors}</p><p class="links" data-pagefind-ignore="all"><a href="https://arxiv.org/abs/1">PDF</a></p></header>
<section><h2 id="abstract-heading"><span class="zh" lang="zh-CN">摘要</span><span class="en" lang="en">Abstract</span></h2>
<div class="abstract">{abstract}</div><!-- brief --></section>
<section class="cite" data-pagefind-ignore="all"><pre>@misc{{{slug}}}</pre></section>
</article><aside class="side" data-pagefind-ignore="all"><h2>Related</h2><ul>{related}</ul></aside></main>
<footer data-pagefind-ignore="all">AcademicHub</footer></body></html>
"""


def page_html(
    slug: str,
    day: str,
    *,
    title: str | None = None,
    abstract: str = "",
    author: str = "Ada Quantum",
    linked: bool = True,
    related: str = "",
) -> str:
    authors = f'<a href="../authors/ada.html">{author}</a>' if linked else author
    return PAGE.format(
        slug=slug,
        day=day,
        title=title or f"Paper {slug}",
        author=author,
        authors=authors,
        abstract=abstract or f"We study {slug} with lattice surgery.",
        related=related,
    )


def write_page(output: Path, slug: str, day: str, **kwargs) -> Path:
    path = output / "papers" / f"{slug}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_html(slug, day, **kwargs), encoding="utf-8")
    return path


def pages_on(days: dict[str, int]) -> list[Page]:
    return [
        Page(f"papers/{day}-{i:03d}.html", date.fromisoformat(day), f"digest-{day}-{i}")
        for day, count in days.items()
        for i in range(count)
    ]


def manifest(output: Path) -> dict:
    return json.loads((output / "pagefind" / "bundles.json").read_text(encoding="utf-8"))


def bundle_folders(output: Path) -> dict[str, float]:
    """Bundle folders under pagefind/ and when their entry file was written."""
    root = output / "pagefind"
    return {p.name: (p / "pagefind-entry.json").stat().st_mtime_ns for p in root.iterdir() if p.is_dir()}


# ---------------------------------------------------------------- what Pagefind reads


def digest(html: str) -> str:
    return read_page(html)[2]


def test_a_page_is_dated_and_digested_from_its_indexed_body():
    has_body, day, value = read_page(page_html("a", "2026-01-05"))
    assert has_body and day == date(2026, 1, 5) and len(value) == 40
    assert read_page("<html><body><h1>A list page</h1></body></html>")[:2] == (False, None)


@pytest.mark.parametrize(
    "change",
    [
        dict(related='<li><a href="../papers/b.html">A newer related paper</a></li>'),  # the sidebar
        dict(linked=False),  # an author name that is no longer a link (inline markup Pagefind reads as plain text)
    ],
)
def test_what_pagefind_does_not_read_leaves_the_digest_alone(change):
    assert digest(page_html("a", "2026-01-05", **change)) == digest(page_html("a", "2026-01-05"))
    changed = page_html("a", "2026-01-05").replace('class="abstract"', 'class="abstract wide"')
    assert digest(changed) == digest(page_html("a", "2026-01-05"))  # classes
    changed = page_html("a", "2026-01-05").replace("</h1>\n<p", "</h1>\n\n   <p")
    assert digest(changed) == digest(page_html("a", "2026-01-05"))  # whitespace


@pytest.mark.parametrize(
    "change",
    [
        dict(abstract="A different abstract."),
        dict(title="A corrected title"),
        dict(author="Ada Quantum-Lee"),
    ],
)
def test_what_pagefind_reads_changes_the_digest(change):
    assert digest(page_html("a", "2026-01-05", **change)) != digest(page_html("a", "2026-01-05"))


def test_pagefind_attributes_outside_the_body_count_and_ignored_parts_do_not():
    base = page_html("a", "2026-01-05")
    meta = base.replace("</head>", '<meta data-pagefind-meta="image[content]" content="/a.png"></head>')
    assert digest(meta) != digest(base)
    assert digest(meta.replace("/a.png", "/b.png")) != digest(meta)
    # a section ignored entirely, even with Pagefind's attributes inside
    ignored = base.replace(
        '<footer data-pagefind-ignore="all">',
        '<footer data-pagefind-ignore="all"><span data-pagefind-filter="x">1</span>',
    )
    assert digest(ignored) == digest(base)
    # ids become anchors (sub-results), so they count
    assert digest(base.replace('id="abstract-heading"', 'id="abstract"')) != digest(base)


def test_markup_that_does_not_close_is_digested_whole():
    broken = page_html("a", "2026-01-05").replace("</aside>", "")  # the left-out sidebar runs to the end
    assert digest(broken) != digest(page_html("a", "2026-01-05"))
    assert digest(broken.replace("AcademicHub</footer>", "Other</footer>")) != digest(broken)


# ---------------------------------------------------------------- buckets


def keys(buckets) -> list[tuple[str, int]]:
    return [(b.key, len(b.pages)) for b in buckets]


def test_months_are_grouped_greedily_from_the_oldest_and_the_newest_month_is_split_by_week():
    pages = pages_on(
        {
            "2026-01-10": 30,
            "2026-02-10": 40,
            "2026-03-10": 20,
            "2026-04-10": 50,
            "2026-05-10": 10,
            "2026-05-12": 5,
            "2026-05-15": 6,
            "2026-05-31": 1,
        }
    )
    assert keys(plan_buckets(pages, 100)) == [
        ("2026-01~2026-03", 90),
        ("2026-04", 50),
        ("2026-05-w2", 15),
        ("2026-05-w3", 6),
        ("2026-05-w5", 1),
    ]
    assert keys(plan_buckets(pages, 50))[:5] == [
        ("2026-01", 30),
        ("2026-02", 40),
        ("2026-03", 20),
        ("2026-04", 50),
        ("2026-05-w2", 15),
    ]
    assert [(b.first, b.last) for b in plan_buckets(pages, 100)][0] == (date(2026, 1, 10), date(2026, 3, 10))


def test_a_month_too_large_is_split_by_day_and_a_day_into_runs():
    pages = pages_on(
        {
            "2026-01-30": 5,
            "2026-02-01": 4,
            "2026-02-02": 4,
            "2026-02-03": 11,
            "2026-03-01": 2,
            "2026-03-08": 3,
            "2026-03-09": 10,
        }
    )
    buckets = plan_buckets(pages, 8)
    assert keys(buckets) == [
        ("2026-01", 5),
        ("2026-02-01~2026-02-02", 8),
        ("2026-02-03.1", 8),
        ("2026-02-03.2", 3),
        ("2026-03-w1", 2),  # a week too large is split the same way
        ("2026-03-08", 3),
        ("2026-03-09.1", 8),
        ("2026-03-09.2", 2),
    ]
    assert all(len(b.pages) <= 8 for b in buckets)
    assert sorted(p.path for b in buckets for p in b.pages) == sorted(p.path for p in pages)


def test_a_new_day_changes_only_the_newest_bucket():
    days = {(date(2026, 1, 5) + timedelta(days=n)).isoformat(): 9 for n in range(80)}
    before = plan_buckets(pages_on(days), 300)
    days["2026-03-26"] = 12
    after = plan_buckets(pages_on(days), 300)
    assert before[:-1] == after[:-1] and len(before) >= 3
    assert before[-1] != after[-1] and len(after[-1].pages) <= 7 * 9 + 12


def test_when_a_month_ends_its_weeks_are_grouped_with_the_months_before():
    days = {(date(2026, 1, 1) + timedelta(days=n)).isoformat(): 9 for n in range(80)}  # to 21 March
    before = plan_buckets(pages_on(days), 300)
    assert keys(before)[-3:] == [("2026-03-w1", 63), ("2026-03-w2", 63), ("2026-03-w3", 63)]
    days["2026-04-01"] = 5
    after = plan_buckets(pages_on(days), 300)
    assert keys(after) == [("2026-01", 279), ("2026-02", 252), ("2026-03", 189), ("2026-04-w1", 5)]
    assert after[:2] == before[:2]


def test_the_bucket_size_must_be_a_number_of_pages(tmp_path):
    with pytest.raises(SearchError, match="PAGEFIND_BUCKET_PAGES"):
        plan_buckets(pages_on({"2026-01-01": 2}), 0)
    with pytest.raises(SearchError, match="PAGEFIND_BUCKET_PAGES"):
        index_site(tmp_path, "many")


# ---------------------------------------------------------------- indexing with Pagefind


@pytest.fixture
def site(tmp_path) -> Path:
    """Six papers over three months (two, one, three), so a bucket of three pages holds one month or two."""
    output = tmp_path / "output"
    for slug, day in [
        ("jan-a", "2026-01-05"),
        ("jan-b", "2026-01-20"),
        ("feb-a", "2026-02-03"),
        ("mar-a", "2026-03-02"),
        ("mar-b", "2026-03-02"),
        ("mar-c", "2026-03-05"),
    ]:
        write_page(output, slug, day, abstract=f"Entanglement distillation report {slug}.")
    return output


def test_each_bucket_becomes_a_bundle_listed_newest_first(site):
    report = index_site(site, 3)
    listed = manifest(site)
    assert [(b["key"], b["pages"], b["first"], b["last"]) for b in listed["bundles"]] == [
        ("2026-03-w1", 3, "2026-03-02", "2026-03-05"),
        ("2026-01~2026-02", 3, "2026-01-05", "2026-02-03"),
    ]
    assert listed["language"] == "zh" and listed["pagefind"].count(".") == 2
    assert [b.key for b in report.indexed] == ["2026-03-w1", "2026-01~2026-02"]
    assert all(b.peak_rss > 10 * 2**20 for b in report.indexed)  # Pagefind's own peak memory, measured
    for bundle in listed["bundles"]:
        entry = json.loads((site / "pagefind" / bundle["path"] / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["zh"]["page_count"] == bundle["pages"]
    # the search page imports Pagefind's JS API from the newest bundle
    assert (site / "pagefind" / listed["bundles"][0]["path"] / "pagefind.js").is_file()
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == sorted(
        [b["path"].rstrip("/") for b in listed["bundles"]] + ["bundles.json"]
    )


def test_unchanged_buckets_are_not_indexed_again(site):
    index_site(site, 3)
    folders = bundle_folders(site)
    # the sidebar of an old page changes (a new related paper): Pagefind would read the same
    write_page(
        site,
        "jan-a",
        "2026-01-05",
        abstract="Entanglement distillation report jan-a.",
        related='<li><a href="mar-c.html">Paper mar-c</a></li>',
    )
    report = index_site(site, 3)
    assert report.indexed == () and report.removed == 0
    assert bundle_folders(site) == folders
    # its abstract changes: that bucket alone is indexed again, the other bundle stays as it is
    write_page(site, "jan-a", "2026-01-05", abstract="A corrected abstract.")
    report = index_site(site, 3)
    assert [b.key for b in report.indexed] == ["2026-01~2026-02"]
    after = bundle_folders(site)
    newest = manifest(site)["bundles"][0]["path"].rstrip("/")
    assert after[newest] == folders[newest] and len(after) == 2
    assert report.removed == 1  # the old folder of the re-indexed bucket


def test_a_new_day_indexes_the_newest_bucket_only(site):
    index_site(site, 3)
    write_page(site, "mar-d", "2026-03-10")
    report = index_site(site, 3)
    assert [b.key for b in report.bundles] == ["2026-03-w2", "2026-03-w1", "2026-01~2026-02"]
    assert [b.key for b in report.indexed] == ["2026-03-w2"]


def test_bundles_of_buckets_that_no_longer_exist_are_removed(site):
    index_site(site, 3)
    (site / "pagefind" / "stray.txt").write_text("left by something else")
    (site / "pagefind" / "pagefind-entry.json").write_text("{}")  # a single index of an older build
    for slug in ("jan-a", "jan-b", "feb-a"):
        (site / "papers" / f"{slug}.html").unlink()
    report = index_site(site, 3)
    assert [b["key"] for b in manifest(site)["bundles"]] == ["2026-03-w1"]
    assert report.indexed == () and report.removed == 3
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == sorted(
        [manifest(site)["bundles"][0]["path"].rstrip("/"), "bundles.json"]
    )


def fake_pagefind(tmp_path: Path, fail_after: int) -> Path:
    """A Pagefind that answers --version as the real one, indexes ``fail_after`` buckets for real, then
    dies half-way through writing the next bundle."""
    real = search_binary()
    counter = tmp_path / "runs"
    script = tmp_path / "pagefind-interrupted"
    script.write_text(
        f"""#!{sys.executable}
import os, pathlib, sys
args = sys.argv[1:]
counter = pathlib.Path({str(counter)!r})
runs = int(counter.read_text()) if counter.exists() else 0
if "--version" in args or runs < {fail_after}:
    if "--version" not in args:
        counter.write_text(str(runs + 1))
    os.execv({str(real)!r}, [{str(real)!r}, *args])
bundle = pathlib.Path(args[args.index("--output-path") + 1])
(bundle / "fragment").mkdir(parents=True)
(bundle / "fragment" / "zh_half.pf_fragment").write_bytes(b"half")
os.kill(os.getpid(), 9)
""",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def search_binary() -> Path:
    from pagefind.service import get_executable

    return get_executable()


@pytest.mark.parametrize("fail_after", [0, 1])
def test_an_interrupted_build_leaves_the_previous_search_whole(site, tmp_path, monkeypatch, fail_after):
    index_site(site, 3)
    before = (site / "pagefind" / "bundles.json").read_bytes()
    # both buckets change; the build dies while writing the first (or the second) bundle
    for slug, day in [("jan-a", "2026-01-05"), ("mar-a", "2026-03-02")]:
        write_page(site, slug, day, abstract="Changed after the first build.")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, fail_after)))
    with pytest.raises(SearchError, match="pagefind failed"):
        index_site(site, 3)
    assert (site / "pagefind" / "bundles.json").read_bytes() == before
    for bundle in manifest(site)["bundles"]:
        assert (site / "pagefind" / bundle["path"] / "pagefind-entry.json").is_file()
    half = [p for p in (site / "pagefind").rglob("zh_half.pf_fragment")]
    assert half and all(".work" in p.parts for p in half)  # never under a bundle's own name
    # the next build finishes the job; a bundle completed before the interruption is kept
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    report = index_site(site, 3)
    assert len(report.indexed) == 2 - fail_after
    assert not any((site / "pagefind").rglob("zh_half.pf_fragment")) and not (site / "pagefind" / ".work").exists()
    assert len(manifest(site)["bundles"]) == 2 and len(bundle_folders(site)) == 2


def test_pages_unchanged_on_disk_are_not_read_again(site, tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "search-pages.json"
    old = time.time() - 60
    for path in (site / "papers").iterdir():
        os.utime(path, (old, old))
    first = find_pages(site, cache)
    read = []
    monkeypatch.setattr(search, "read_page", lambda html: read.append(html) or read_page(html))
    assert find_pages(site, cache) == first and read == []
    write_page(site, "feb-a", "2026-02-03", abstract="Changed.")
    assert find_pages(site, cache) != first and len(read) == 1
    assert find_pages(site, tmp_path / "missing" / "cache.json") == find_pages(site, None)
