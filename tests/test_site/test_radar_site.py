"""A three-day site from six mixed sources, through the real CLI and Chromium, read as a reader and a
feed subscriber read it: topic pages, feeds and API files list every paper their rule selected, the
home page separates the radar days and numbers each day's cards as its brief does, feeds never date
anything after the run day, and a command with nothing to do says so."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from browser import CHROMIUM, NO_CHROMIUM, serving
from clients import NEWSBOAT, newsboat_read
from feedserver import FeedServer
from radar_days import D1, D2, D3, ROOT, brief_ids, entries_by_id, run_three_days, runner
from site_helpers import recent_papers

RULES = ROOT / "rules"  # the project's rules: several of them select the same papers
SITEURL = "https://radar.example.org"


@pytest.fixture(scope="module")
def radar(tmp_path_factory):
    """Three daily runs (extractive briefs), the current week's brief, and the site built from them."""
    tmp = tmp_path_factory.mktemp("radar-site")
    run_cli = runner(tmp)
    with FeedServer() as server:
        run_three_days(run_cli, tmp, server, rules=RULES)
    # each day's brief again, from the entries as the later days left them (a new version may add a topic);
    # the week of D3 is under way: its brief is dated by its Sunday, after the run day
    for day, *weekly in ((D1,), (D2,), (D3, "--weekly")):
        done = run_cli("brief", "--extractive", *weekly, "--date", day, "--rules", str(RULES), cwd=tmp, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    done = run_cli(
        "build",
        "--content",
        "content",
        "--output",
        "output",
        "--rules",
        str(RULES),
        "--state",
        "state",
        "--settings",
        str(ROOT / "pelicanconf.py"),
        "--siteurl",
        SITEURL,
        "--no-search",
        cwd=tmp,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {"tmp": tmp, "out": tmp / "output", "run": run_cli, "entries": entries_by_id(tmp)}


def _selected(entries: dict) -> dict[str, set[str]]:
    """Every topic with the ids of the papers whose ``Topics`` name it."""
    topics: dict[str, set[str]] = {}
    for pid, e in entries.items():
        for rule in {t["rule"] for t in e["record"]["topics"]}:
            topics.setdefault(rule, set()).add(pid)
    return topics


def _pages(out: Path, folder: str, topic: str, suffix: str) -> list[Path]:
    return [out / folder / f"{topic}{suffix}"] + sorted((out / folder).glob(f"{topic}-[0-9]*{suffix}"))


def test_every_topic_page_feed_and_api_file_lists_every_paper_its_rule_selected(radar):
    out, entries = radar["out"], radar["entries"]
    by_slug = {e["slug"]: pid for pid, e in entries.items()}
    selected = _selected(entries)
    assert any(len({t["rule"] for t in e["record"]["topics"]}) > 1 for e in entries.values())  # overlapping rules
    index = json.loads((out / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    listed = {t["id"]: t["papers"] for t in index["topics"]}
    topics_page = html.unescape((out / "topics.html").read_text(encoding="utf-8"))
    for topic, ids in selected.items():
        # the page (every page of it), newest radar day first
        rows = []
        for page in _pages(out, "topics", topic, ".html"):
            text = page.read_text(encoding="utf-8")
            rows += re.findall(r'<h3 class="card-title"[^>]*><a class="math" href="\.\./papers/([^"]+)\.html"', text)
        assert {by_slug[s] for s in rows} == ids and len(rows) == len(ids), topic
        days = [entries[by_slug[s]]["received"] for s in rows]
        assert days == sorted(days, reverse=True), topic
        # each row whose main topic is another names it
        for page in _pages(out, "topics", topic, ".html"):
            for row in page.read_text(encoding="utf-8").split('<li class="row">')[1:]:
                slug = re.search(r'href="\.\./papers/([^"]+)\.html"', row).group(1)
                main = entries[by_slug[slug]]["category"]
                assert ('class="main-topic"' in row) == (main != topic), (topic, slug)
                assert main == topic or f'href="../topics/{main}.html"' in row, (topic, slug)
        first = (out / "topics" / f"{topic}.html").read_text(encoding="utf-8")
        # the chart counts the same papers
        chart = re.search(r"<desc id=\"trend-desc\">(\d+) papers?", first)
        assert chart and int(chart.group(1)) == len(ids), topic
        # both feeds
        for kind in ("atom", "rss"):
            feed = feedparser.parse((out / "feeds" / "topics" / f"{topic}.{kind}.xml").read_bytes())
            slugs = {e.link.rsplit("/", 1)[-1].removesuffix(".html") for e in feed.entries}
            assert {by_slug[s] for s in slugs} == ids, (topic, kind)
        # the API: every page, and the index's count
        api, total = [], set()
        for page in _pages(out, "api/v1/topics", topic, ".json"):
            data = json.loads(page.read_text(encoding="utf-8"))
            api += [p["id"] for p in data["papers"]]
            total.add(data["total"])
        assert set(api) == ids and len(api) == len(ids) and total == {len(ids)}, topic
        assert listed[topic] == len(ids), topic
    assert not re.search(r"\b1 papers", topics_page)


def test_each_days_brief_names_every_paper_of_each_theme(radar):
    """The extractive daily brief's theme of a topic counts every paper of the day its rule selected."""
    tmp, entries = radar["tmp"], radar["entries"]
    for day in (D1, D2, D3):
        brief = (tmp / "content" / "briefs" / f"{day}.md").read_text(encoding="utf-8")
        data = json.loads(next(line for line in brief.splitlines() if line.startswith("Brief: "))[7:])
        todays = {pid: e for pid, e in entries.items() if e["received"] == day}
        selected = _selected(todays)
        for theme in data["en"]["themes"]:
            topic = next(t for t, ids in selected.items() if set(theme["papers"]) == ids)
            n = len(selected[topic])
            assert theme["text"].endswith(f"{n} paper" if n == 1 else f"{n} papers"), theme


@pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)
def test_the_home_page_separates_the_radar_days_and_numbers_cards_as_their_brief(radar, browser):
    out, tmp = radar["out"], radar["tmp"]
    papers = {day: brief_ids(tmp, day)["Papers"] for day in (D1, D2, D3)}
    with serving(out) as base:
        page = browser.new_page()
        page.goto(base + "index.html")
        lead = page.locator("#latest-heading time").get_attribute("datetime")
        assert lead == D3

        # the server's cards, all of them (as without the script): each under its day's heading
        def order():
            return page.evaluate("""() => [...document.querySelectorAll('#pool > li')].map((li) =>
                li.classList.contains('day-head')
                ? {head: li.dataset.day, text: li.textContent.trim(), hidden: li.hidden}
                : {day: li.dataset.day, id: li.querySelector('.card').dataset.id,
                   num: li.querySelector('.num').textContent, hidden: li.hidden})""")

        def check(items):
            current = lead
            for item in items:
                if "head" in item:
                    current = item["head"]
                    assert current != lead and current in item["text"]
                    continue
                assert item["day"] == current, item
                assert item["num"] == f"{papers[current].index(item['id']) + 1:02d}.", item

        items = order()
        check(items)
        assert [i["head"] for i in items if "head" in i] == [D2, D1][: len([i for i in items if "head" in i])]
        # "换一批" pages through the same order; a batch shows the headings of the days of its cards only
        total = sum(len(ids) for ids in papers.values())
        shown, batches = [], 0
        while True:
            visible = [i for i in order() if not i["hidden"]]
            cards = [i for i in visible if "head" not in i]
            heads = {i["head"] for i in visible if "head" in i}
            assert heads == {c["day"] for c in cards} - {lead}, visible
            shown += [c["id"] for c in cards]
            batches += 1
            status = page.locator("#batch-status").text_content()
            if len(shown) >= total or batches > 10:
                break
            page.click("#another-batch")
            page.wait_for_function(
                "n => document.getElementById('batch-status').textContent.includes(`Batch ${n} of`)", arg=batches + 1
            )
        assert re.search(rf"Batch {batches} of {batches} · {total} papers$", status), status
        assert shown == papers[D3] + papers[D2] + papers[D1]
        check(order())  # the cards the script added from data/index.json follow the same rule
        page.screenshot(path=str(tmp / "home.png"), full_page=True)
        page.close()


def test_feeds_never_date_anything_after_the_run_day(radar):
    out = radar["out"]
    end = datetime.fromisoformat(f"{D3}T23:59:59+00:00")
    weekly = list((radar["tmp"] / "content" / "briefs" / "weekly").glob("*.md"))
    assert any("Date: 2026-05-03" in p.read_text(encoding="utf-8") for p in weekly)  # its Sunday, after D3
    for path in [*out.glob("feeds/**/*.xml")]:
        feed = feedparser.parse(path.read_bytes())
        for entry in feed.entries:
            for key in ("published_parsed", "updated_parsed"):
                if entry.get(key):
                    when = datetime(*entry[key][:6], tzinfo=UTC)
                    assert when <= end, (path.name, entry.get("title"), when)
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert max(datetime.fromisoformat(i["date_published"]) for i in items) <= end


def test_llms_txt_is_plain_markdown(radar):
    text = (radar["out"] / "llms.txt").read_text(encoding="utf-8")
    assert "Ecology & Climate" in text and "&amp;" not in text
    assert not re.search(r"\b1 papers", text)


@pytest.mark.skipif(not NEWSBOAT, reason="needs newsboat (apt package)")
def test_newsboat_reads_every_paper_each_topic_selected(radar):
    out, entries = radar["out"], radar["entries"]
    for topic, ids in _selected(entries).items():
        for kind in ("atom", "rss"):  # one feed at a time: newsboat stores an item once, in the first feed read
            _titles, guids = newsboat_read(out, [f"feeds/topics/{topic}.{kind}.xml"])
            slugs = {g.rsplit("/", 1)[-1].removesuffix(".html") for g in guids}
            assert slugs == {entries[pid]["slug"] for pid in ids}, (topic, kind)


@pytest.mark.parametrize("command", ["brief", "embed"])
def test_a_command_with_no_entries_says_so_in_one_line(tmp_path, run_cli, command):
    done = run_cli(command, cwd=tmp_path, env={"OPENAI_API_KEY": ""})
    assert done.returncode == 0, done.stderr
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{command}: nothing to do: no entries in content/papers"), lines
    assert "--content" in lines[0]
    assert not (tmp_path / "content").exists()


def test_brief_finds_the_demos_entries_in_the_folder_the_demo_ran_in(radar, tmp_path, run_cli):
    """The Quick start: `academichub demo`, then `academichub brief` in the same folder."""
    from pipeline.project.scaffold import SiteChoices, pelican_settings

    for name in ("content", "state"):
        shutil.copytree(radar["tmp"] / name, tmp_path / "demo" / name)
    # the site settings the demo writes beside its content
    (tmp_path / "demo" / "pelicanconf.py").write_text(
        pelican_settings(SiteChoices(name="AcademicHub demo")), encoding="utf-8"
    )
    done = run_cli("brief", "--extractive", "--no-daily", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "the demo's entries in demo/content" in said and "--content" in said
    assert not (tmp_path / "content").exists()
    # and the command it names rebuilds the demo's site, from this folder (no pelicanconf.py here)
    command = re.search(r"academichub (build --content \S+ --output \S+)", said).group(1).split()
    done = run_cli(*command, "--no-search", cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "demo" / "output" / "index.html").is_file()


def test_keyword_pages_fold_case_and_plurals_and_name_no_topic(radar):
    out, entries = radar["out"], radar["entries"]
    rules = {t["rule"] for e in entries.values() for t in e["record"]["topics"]}
    pages = {
        p.stem: html.unescape(re.search(r"<h1>#(.*?)</h1>", p.read_text(encoding="utf-8")).group(1))
        for p in (out / "tags").glob("*.html")
        if not re.search(r"-\d+$", p.stem)
    }
    folded = [
        tuple(
            w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in re.findall(r"\w+", name.lower())
        )
        for name in pages.values()
    ]
    assert pages and len(folded) == len(set(folded)), sorted(pages.values())
    assert not set(pages.values()) & rules  # a page named "language models" is a keyword; "language-models" a topic
    # the words a paper offers to follow or mute are keywords and authors, never a topic's id
    home = (out / "index.html").read_text(encoding="utf-8")
    offered = {w for tags in re.findall(r'data-tags="([^"]*)"', home) for w in html.unescape(tags).split("|") if w}
    assert offered and not offered & rules
    assert not {t for p in recent_papers(out) for t in p["tags"]} & rules


def test_a_paper_page_without_a_model_brief_shows_each_text_once(radar):
    out, entries = radar["out"], radar["entries"]
    quoted = [e for e in entries.values() if e["brief_status"] == "extractive"]
    assert quoted
    for e in quoted:
        page = html.unescape((out / "papers" / f"{e['slug']}.html").read_text(encoding="utf-8"))
        body = page[page.index('<article class="paper"') : page.index('id="why-heading"')]
        lead = json.loads(e["brief"])["en"]["tldr"][:60]  # the abstract's opening, quoted as the TL;DR
        assert body.count(lead) == 1, e["slug"]  # in the abstract, not again as a TL;DR
        assert "brief-box" not in body
