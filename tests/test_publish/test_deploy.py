"""`academichub deploy`: the built site published to a real S3 API (moto's server on 127.0.0.1) day after
day — only changed objects move, removed pages are deleted, a deploy refused midway leaves a consistent
site — the bucket's website browsed in Chromium, and the GitHub Pages check of the site's size."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import pytest
from clients import VNU, html_checker
from helpers import snapshot
from s3site import CREDENTIALS, cutting, refusing, s3_server, website
from site_helpers import DAY, ROOT, SITEURL, make_site, rebuild

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write
from pipeline.models import Paper, Selection

BUCKET = "radar-site"
MANIFEST = ".academichub/manifest.json.gz"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("ACADEMICHUB_SCREENSHOTS", "/tmp/academichub-deploy-shots"))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **CREDENTIALS}
    for name in (
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_PROFILE",
        "ACADEMICHUB_DEPLOY",
        "ACADEMICHUB_S3_BUCKET",
    ):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@dataclass
class Step:
    """One deploy: the command's answer, the objects it uploaded (PUTs the server saw) and the
    local files that changed since the step before."""

    done: subprocess.CompletedProcess
    puts: list[str]
    deletes: int  # DeleteObjects requests
    changed: set[str]  # files new or with new bytes since the previous step
    removed: set[str]  # files gone since the previous step
    bucket: set[str]  # keys in the bucket afterwards
    seconds: float
    size: int  # bytes of the site deployed
    live: dict[str, bytes] = field(default_factory=dict)  # objects read from the bucket afterwards

    @property
    def report(self) -> dict[str, int]:
        line = self.done.stderr
        return {what: int(n.replace(",", "")) for n, what in re.findall(r"([\d,]+) (uploaded|deleted|unchanged)", line)}


def keys_of(client) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {item["Key"] for page in pages for item in page.get("Contents", ())}


def body(client, key: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def add_paper(content: Path) -> None:
    """A new paper on the radar day 2026-09-08 (that day's page, feeds, topics and search change)."""
    paper = Paper(
        id="arxiv:2609.00003",
        title="Magic State Distillation on a Surface Code Patch",
        source="arxiv-quant-ph",
        source_label="arXiv (QUANT-PH)",
        version=1,
        abstract="We distil magic states on a distance-5 patch.",
        categories=("quant-ph",),
        published=DAY,
        updated=DAY,
        url="https://arxiv.org/abs/2609.00003",
        pdf="https://arxiv.org/pdf/2609.00003v1",
        arxiv_id="2609.00003",
        topics=(Selection("quantum-information", 2, keywords=("quantum error correction",), categories=("quant-ph",)),),
    )
    atomic_write(content / entry_path(paper), render_entry(paper))


@pytest.fixture(scope="module")
def s3():
    with s3_server(BUCKET) as server:
        yield server


@pytest.fixture(scope="module")
def history(s3, tmp_path_factory):
    """Deploys of one site as it changes: first, again unchanged, a new paper on a day, a paper
    deleted, a day's daily brief changed with the upload of pagefind/bundles.json refused, then that
    deploy again."""
    url, client, log = s3
    site = make_site(tmp_path_factory.mktemp("deploy"))
    steps: dict[str, Step] = {}
    files = snapshot(site.output)

    def deploy(name: str, endpoint: str = url) -> None:
        nonlocal files
        now = snapshot(site.output)
        changed = {key for key, data in now.items() if files.get(key) != data}
        start, started = len(log.requests), time.perf_counter()
        done = cli(
            "deploy",
            "--target",
            "s3",
            "--bucket",
            BUCKET,
            "--endpoint-url",
            endpoint,
            "--output",
            str(site.output),
            "--state",
            str(site.root / "state"),
            cwd=site.root,
        )
        steps[name] = Step(
            done,
            log.since(start, "PUT"),
            len(log.since(start, "POST")),
            changed,
            set(files) - set(now),
            keys_of(client),
            time.perf_counter() - started,
            sum(len(data) for data in now.values()),
        )
        files = now

    files = {}
    deploy("first")
    deploy("again")
    add_paper(site.root / "content")
    rebuild(site)
    deploy("day")
    next(site.root.glob("content/papers/**/arxiv-2609-00002.md")).unlink()
    rebuild(site)
    deploy("delete")
    brief = site.root / "content" / "briefs" / "2026-09-08.md"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("量子纠错与语言模型的交汇", "量子纠错的新阈值"), encoding="utf-8"
    )
    rebuild(site)
    live = files
    with refusing(url, {"pagefind/bundles.json"}, BUCKET) as proxy:
        deploy("refused", proxy)
    steps["refused"].live["pagefind/bundles.json"] = body(client, "pagefind/bundles.json")
    files = live  # the refused deploy did not finish: compare the next one with what was live before it
    deploy("recovered")
    return site, steps, client


def test_first_deploy_uploads_every_file_with_its_type_and_caching(history):
    site, steps, client = history
    first = steps["first"]
    assert first.done.returncode == 0, first.done.stderr
    files = snapshot(site.output)  # the files are checked against the last build below
    assert first.report["uploaded"] == len(first.changed) == len(first.puts) - 1  # and the manifest
    assert set(first.puts) == first.changed | {MANIFEST}
    assert first.report["deleted"] == 0 and first.deletes == 0
    expected = {
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "feeds/all.atom.xml": ("application/atom+xml; charset=utf-8", "public, max-age=300"),
        "feeds/all.rss.xml": ("application/rss+xml; charset=utf-8", "public, max-age=300"),
        "feed.json": ("application/feed+json; charset=utf-8", "public, max-age=300"),
        "sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=300"),
        "data/index.json": ("application/json; charset=utf-8", "public, max-age=300"),
        "pagefind/bundles.json": ("application/json; charset=utf-8", "public, max-age=300"),
        "theme/css/site.css": ("text/css; charset=utf-8", "public, max-age=3600"),
        "theme/js/app.js": ("text/javascript; charset=utf-8", "public, max-age=3600"),
        "theme/katex/fonts/KaTeX_Main-Regular.woff2": ("font/woff2", "public, max-age=3600"),
    }
    bundle = next(k for k in files if re.fullmatch(r"pagefind/[^/]+\.[0-9a-f]{16}/pagefind\.js", k)).rsplit("/", 1)[0]
    for name in ("pagefind.js", "pagefind-entry.json", "wasm.unknown.pagefind"):
        kind = {"js": "text/javascript; charset=utf-8", "json": "application/json; charset=utf-8"}
        expected[f"{bundle}/{name}"] = (
            kind.get(name.rsplit(".", 1)[1], "application/octet-stream"),
            "public, max-age=31536000, immutable",
        )
    for key, (content_type, caching) in expected.items():
        head = client.head_object(Bucket=BUCKET, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, caching), key
        assert head["Metadata"]["sha256"] == hashlib.sha256(body(client, key)).hexdigest()


def test_a_deploy_of_the_same_site_moves_nothing(history):
    _, steps, _ = history
    again = steps["again"]
    assert again.done.returncode == 0, again.done.stderr
    assert again.puts == [] and again.deletes == 0
    assert again.report == {"uploaded": 0, "deleted": 0, "unchanged": len(steps["first"].changed)}


def test_a_changed_day_uploads_only_the_changed_files_and_deletes_the_old_search_bundle(history):
    _, steps, _ = history
    day = steps["day"]
    assert day.done.returncode == 0, day.done.stderr
    assert "papers/arxiv-2609-00003.html" in day.changed
    # exactly the files whose bytes changed, once each, and the manifest (before and after the uploads)
    assert sorted(key for key in day.puts if key != MANIFEST) == sorted(day.changed)
    assert 1 <= day.puts.count(MANIFEST) <= 2
    assert day.report["uploaded"] == len(day.changed) and day.report["deleted"] == len(day.removed)
    assert 0 < len(day.changed) < len(steps["first"].changed) / 2
    # the day's search bundle got a new fingerprint: the new folder was uploaded, the old one deleted
    assert any(key.startswith("pagefind/2026-09-w2.") for key in day.changed)
    # (and the day's card file, named by its bytes, was replaced: data/cards/)
    assert any(key.startswith("pagefind/2026-09-w2.") for key in day.removed)
    assert all(key.startswith(("pagefind/2026-09-w2.", "data/cards/")) for key in day.removed), day.removed
    assert not day.removed & day.bucket and day.deletes == 1


def test_a_deleted_paper_is_deleted_from_the_bucket(history):
    _, steps, _ = history
    deleted = steps["delete"]
    assert deleted.done.returncode == 0, deleted.done.stderr
    assert "papers/arxiv-2609-00002.html" in deleted.removed
    assert "papers/arxiv-2609-00002.html" in steps["day"].bucket
    assert not deleted.removed & deleted.bucket
    assert deleted.report["deleted"] == len(deleted.removed)
    assert sorted(key for key in deleted.puts if key != MANIFEST) == sorted(deleted.changed)


def test_a_deploy_refused_midway_leaves_the_live_site_consistent_and_the_next_one_finishes(history):
    site, steps, client = history
    refused, recovered = steps["refused"], steps["recovered"]
    assert refused.done.returncode == 1
    assert "s3://radar-site/pagefind/bundles.json" in refused.done.stderr and "AccessDenied" in refused.done.stderr
    assert "127.0.0.1" in refused.done.stderr
    # the brief changed its day's search bundle: the new folder went up first, and the old one is still
    # there, because the live bundles.json (the refused page) still points to it
    new_bundle = {key for key in refused.changed if key.startswith("pagefind/2026-09-w2.")}
    old_bundle = {key for key in recovered.removed if key.startswith("pagefind/2026-09-w2.")}
    assert new_bundle and old_bundle and new_bundle <= refused.bucket and old_bundle <= refused.bucket
    assert refused.deletes == 0
    live = json.loads(refused.live["pagefind/bundles.json"])
    for bundle in live["bundles"]:
        assert f"pagefind/{bundle['path']}pagefind-entry.json" in refused.bucket
    assert set(refused.puts) - {"pagefind/bundles.json"} <= refused.changed | {MANIFEST}
    # the next deploy uploads what did not go up (the refused file and the pages not reached) and deletes last
    assert recovered.done.returncode == 0, recovered.done.stderr
    assert "pagefind/bundles.json" in recovered.puts
    assert not old_bundle & recovered.bucket and new_bundle <= recovered.bucket
    assert set(recovered.puts) <= refused.changed | {MANIFEST}
    # the manifest lists the site as built, every object with the hash of its bytes
    files = snapshot(site.output)
    manifest = json.loads(gzip.decompress(body(client, MANIFEST)))["files"]
    assert set(manifest) == set(files) == recovered.bucket - {MANIFEST}
    assert all(manifest[key][0] == hashlib.sha256(data).hexdigest() for key, data in files.items())


def test_the_status_page_shows_the_published_size_and_the_months_left(history, tmp_path):
    site, steps, _ = history
    # the build after the deploys reads the last deploy's record (state/deploys.jsonl)
    records = [json.loads(line) for line in (site.root / "state" / "deploys.jsonl").read_text().splitlines()]
    # the refused deploy recorded nothing
    assert [r["target"] for r in records] == ["s3"] * 5 and records[1]["uploaded"] == 0
    published = records[3]  # the last deploy before the last build
    size = steps["delete"].size
    assert published["bytes"] == size
    runs = [json.loads(line) for line in (site.root / "state" / "runs.jsonl").read_text().splitlines()]
    per_day = sum(run["totals"]["new"] for run in runs) / len({run["date"] for run in runs})
    months = (1e9 - size) / (size / published["papers"] * per_day) / (365.25 / 12)
    page = (site.output / "status.html").read_text(encoding="utf-8")
    assert f"{size / 1e6:,.1f} MB in {published['files']:,} files" in page
    assert f"at {per_day:.1f} new papers a day" in page.lower()
    assert f"in about {months:.1f} months" in page
    if shutil.which("java") and VNU.exists():  # the page with its size section is valid HTML
        (tmp_path / "status.html").write_text(page, encoding="utf-8")
        assert html_checker(tmp_path) == []


def test_pages_check_passes_a_small_site_and_records_its_size(history, tmp_path):
    site, _, _ = history
    done = cli("deploy", "--output", str(site.output), "--state", str(tmp_path / "state"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "within GitHub Pages' limits" in done.stderr
    record = json.loads((tmp_path / "state" / "deploys.jsonl").read_text())
    assert record["target"] == "pages" and record["files"] == len(snapshot(site.output))


def test_pages_check_warns_near_the_limit_and_fails_above_it_naming_the_options(tmp_path):
    site = tmp_path / "output"
    (site / "papers").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>radar</title>")
    for i in range(3):
        (site / "papers" / f"p{i}.html").write_text("<!doctype html><title>paper</title>")
    big = site / "pagefind" / "big.pf_fragment"
    big.parent.mkdir()
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(850_000_000)
    done = cli("deploy", "--target", "pages", "--output", str(site), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "85% of GitHub Pages' limit" in done.stderr and "S3-compatible bucket" in done.stderr
    with big.open("r+b") as handle:
        handle.truncate(1_100_000_000)
    done = cli("deploy", "--target", "pages", "--output", str(site), cwd=tmp_path)
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert "1.10 GB in 5 files, more than GitHub Pages' limit of 1.00 GB" in message
    for option in (
        "ACADEMICHUB_DEPLOY",
        "--target s3",
        "ARCHIVE_CURRENT_PAPERS",
        "AUTHOR_PAGE_MIN_PAPERS",
        "one site per year",
    ):
        assert option in message
    # only the deploy that passed is recorded
    assert len((tmp_path / "state" / "deploys.jsonl").read_text().splitlines()) == 1


def test_deploy_names_what_is_missing(tmp_path):
    done = cli("deploy", "--target", "s3", "--output", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 1 and "needs a bucket" in done.stderr
    done = cli("deploy", "--target", "s3", "--bucket", BUCKET, "--output", str(tmp_path / "nothing"), cwd=tmp_path)
    assert done.returncode == 1 and "no built site here" in done.stderr


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_bucket_website_in_chromium(history, s3):
    from playwright.sync_api import expect, sync_playwright

    _, _, client = history
    SHOTS.mkdir(parents=True, exist_ok=True)
    with website(client, BUCKET) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(base)
        expect(page.locator("#pool .card").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "home.png"))
        page.goto(base + "papers/arxiv-2609-00003.html")
        expect(page.locator("h1")).to_contain_text("Magic State Distillation")
        page.screenshot(path=str(SHOTS / "paper.png"))
        page.goto(base + "search.html?q=Magic")
        result = page.locator(".search-result-link").first
        result.wait_for(timeout=10000)
        assert "Magic State Distillation" in " ".join(page.locator(".search-result-link").all_inner_texts())
        page.screenshot(path=str(SHOTS / "search.png"))
        result.click()
        expect(page.locator("h1")).to_contain_text("Magic State Distillation")
        page.goto(base + "status.html")
        expect(page.locator(".site-size")).to_contain_text("Last published")
        page.screenshot(path=str(SHOTS / "status.png"), full_page=True)
        assert not errors and not failed, (errors, failed)
        feed = page.request.get(base + "feeds/all.atom.xml")
        assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"
        parsed = feedparser.parse(feed.body())
        assert not parsed.bozo and any("Magic State" in e.title for e in parsed.entries)
        gone = page.request.get(base + "papers/arxiv-2609-00002.html")
        assert gone.status == 404 and "404" in gone.text()
        browser.close()


def test_content_addressed_files_are_cached_for_good_and_their_index_briefly():
    from pipeline.publish.plan import cache_control, content_type

    assert cache_control("data/vectors/2026-04-27-0123456789.i8") == "public, max-age=31536000, immutable"
    assert content_type("data/vectors/2026-04-27-0123456789.i8") == "application/octet-stream"
    assert cache_control("data/vectors/manifest.json") == "public, max-age=300"
    assert cache_control("data/vectors/2026-04-27.i8") != "public, max-age=31536000, immutable"  # no hash: no promise


SITE_ENTRIES = (
    "index.html",
    "feed.json",
    "feeds.opml",
    "sitemap.xml",
    "robots.txt",
    "llms.txt",
    "api/v1/index.json",
    "data/index.json",
)


class LiveSite:
    """What a bucket serves, read through the S3 API: its keys, and each object's body (kept by ETag, so
    that reading the bucket again after a deploy reads only the objects that changed)."""

    def __init__(self, client, bucket: str):
        self.client, self.bucket, self.bodies = client, bucket, {}

    def keys(self) -> dict[str, str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {item["Key"]: item["ETag"] for page in pages for item in page.get("Contents", ())}

    def body(self, key: str, etag: str) -> bytes:
        if (key, etag) not in self.bodies:
            self.bodies[key, etag] = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return self.bodies[key, etag]

    def dead_links(self) -> list[str]:
        """Every link of a page a reader can reach — from the home page, a feed, the sitemap, the API's
        index — that leads to no object of the bucket: ``page -> key``."""
        from urllib.parse import unquote, urlsplit

        import lxml.etree
        import lxml.html
        from api_helpers import links_in

        keys = self.keys()
        prefix = SITEURL + "/"

        def targets(key: str, data: bytes) -> set[str]:
            found: list[str] = []
            if key.endswith(".html"):
                tree = lxml.html.fromstring(data)
                for template in list(tree.iter("template")):  # the card the scripts fill in (cards.js): no link yet
                    template.drop_tree()
                found = [
                    v
                    for e in tree.iter()
                    if isinstance(e.tag, str)
                    for a, v in e.attrib.items()
                    if a in ("href", "src")
                ]
            elif key.endswith((".xml", ".opml")):
                tree = lxml.etree.fromstring(data)
                found = [
                    v
                    for e in tree.iter()
                    if isinstance(e.tag, str)
                    for a, v in e.attrib.items()
                    if a in ("href", "xmlUrl", "htmlUrl")
                ]
                found += [
                    e.text
                    for e in tree.iter()
                    if isinstance(e.tag, str) and lxml.etree.QName(e).localname in ("link", "loc") and e.text
                ]
            elif key.endswith(".json"):
                value = json.loads(data)
                found = links_in(value) + [v for k, v in _strings(value) if k == "url" or v.startswith(prefix)]
            elif key.endswith(".txt"):
                found = re.findall(r"https?://[^\s)>\]]+", data.decode())
            resolved = set()
            for link in found:
                if link.startswith(prefix):
                    path = link[len(prefix) :]
                elif urlsplit(link).scheme or link.startswith(("#", "//")):
                    continue
                else:
                    path = posixpath.normpath(
                        posixpath.join(
                            posixpath.dirname(key)
                            if not key.startswith("api/") and not key.startswith("data/")
                            else "",
                            link,
                        )
                    )
                path = unquote(urlsplit(path).path)
                resolved.add(path + "index.html" if path in ("", ".") or path.endswith("/") else path)
            return {("index.html" if p == ".index.html" else p) for p in resolved}

        seen, queue, dead = set(), [k for k in keys if k in SITE_ENTRIES or k.startswith("feeds/")], []
        while queue:
            key = queue.pop()
            if key in seen or key not in keys:
                continue
            seen.add(key)
            if not key.endswith((".html", ".xml", ".opml", ".json", ".txt")):
                continue
            for target in sorted(targets(key, self.body(key, keys[key]))):
                if target not in keys:
                    dead.append(f"{key} -> {target}")
                else:
                    queue.append(target)
        return sorted(set(dead))


def _strings(value, key: str = ""):
    """Every (key, string) of a JSON value."""
    if isinstance(value, dict):
        for k, item in value.items():
            yield from _strings(item, k)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def test_a_deploy_killed_at_any_write_leaves_no_dead_link_a_reader_can_reach(tmp_path, monkeypatch):
    """A day's deploy (a new paper, a paper taken down) killed after each of its writes in turn — every
    stage: files, new pages, the pages that link to them, the manifest, deletions — against the real S3
    server: every link of every page a reader can reach resolves, and the next deploy finishes."""
    from pipeline.publish.s3 import S3Target

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = "radar-cut"
    site = make_site(tmp_path / "site")
    before = tmp_path / "before"
    shutil.copytree(site.output, before)
    add_paper(site.root / "content")
    next(site.root.glob("content/papers/**/arxiv-2609-00002.md")).unlink()
    rebuild(site)
    after = site.output

    def target(endpoint: str) -> S3Target:
        return S3Target(bucket, endpoint_url=endpoint, region=CREDENTIALS["AWS_REGION"], workers=1)

    with s3_server(bucket) as (url, client, log):
        _cut_at_every_write(before, after, target, LiveSite(client, bucket), url, log, bucket)


def _cut_at_every_write(before: Path, after: Path, target, live: LiveSite, url: str, log, bucket: str) -> None:
    """Deploy ``after`` over ``before`` whole, then cut after each of its writes in turn (see the test)."""
    from pipeline.errors import DeployError
    from pipeline.publish.s3 import deploy

    deploy(before, target(url))
    assert live.dead_links() == []
    start = len(log.requests)
    whole = deploy(after, target(url))
    writes = [(m, k) for m, k in log.requests[start:] if m in ("PUT", "POST")]
    assert live.dead_links() == []
    assert whole.uploaded > 20 and whole.deleted > 0
    # the order: new pages before the pages that link to them, the manifest, then the deletions
    puts = [k for m, k in writes if m == "PUT" and k != MANIFEST]
    assert puts.index("papers/arxiv-2609-00003.html") < puts.index("index.html")
    assert writes[-1][0] == "POST"
    for cut in range(len(writes)):
        deploy(before, target(url))  # the live site before the day
        assert set(live.keys()) - {MANIFEST} == set(snapshot(before))
        with cutting(url, bucket, cut) as proxy, pytest.raises(DeployError):
            deploy(after, target(proxy))
        assert live.dead_links() == [], f"killed after {cut} writes ({writes[cut - 1] if cut else 'none'})"
    finished = deploy(after, target(url))  # the next deploy finishes what the last one left
    assert set(live.keys()) - {MANIFEST} == set(snapshot(after)) and finished.uploaded <= whole.uploaded
    assert live.dead_links() == []
