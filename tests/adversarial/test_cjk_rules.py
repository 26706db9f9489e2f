"""Rules written in Chinese select Chinese papers, and every topic the site links to has its page.

Chinese puts no spaces between words: a keyword is found inside a run of Han characters, as a
phrase (its characters in order, side by side), full-width and half-width forms alike. Through
the real `academichub fetch` and `academichub build` against a journal feed on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import pytest
from browser import ARGS, CHROMIUM, NO_CHROMIUM, serving
from clients import feed_checker
from helpers import fetch, read_entry, write_sources
from lxml import etree, html
from site_helpers import built_site

ROOT = Path(__file__).resolve().parents[2]

RULES = {
    "liangzi": "name: {en: Quantum error correction, zh: 量子纠错}\ninclude:\n  keywords: [量子纠错]\n",
    "llm-zh": "name: {en: Language models, zh: 大语言模型}\ninclude:\n  keywords: [ＬＬＭ, 智能体]\n",
    "zh-authors": 'name: {en: Followed, zh: 关注的作者}\ninclude:\n  authors: ["张 伟", "Ｙｉｎｇｑｉ Ｆａｎ"]\n',
    "gravity": "name: {en: Gravitational waves, zh: 引力波}\ninclude:\n  keywords: [引力波探测]\n",
}
# (title, authors, the rules that must select it)
PAPERS = [
    ("基于量子纠错码的容错计算新方法", ["李 明"], {"liangzi"}),
    ("大语言模型（LLM）推理能力的系统评测", ["王芳"], {"llm-zh"}),
    ("面向多智能体协作的规划框架", ["陈静"], {"llm-zh"}),
    ("量子纠缠与纠错的关系", ["赵强"], set()),  # 量子 and 纠错, but not side by side
    ("珊瑚礁生态系统的长期监测", ["张伟"], {"zh-authors"}),
    ("Reef fish under heat stress", ["Yingqi Fan"], {"zh-authors"}),
    ("A survey of agents", ["Ada Lovelace"], set()),  # 智能体 is not "agents"
]


def journal() -> bytes:
    items = "".join(
        f"<item><title>{escape(title)}</title><link>https://doi.org/10.5555/zh.{n}</link>"
        f"<description>摘要。</description>{''.join(f'<dc:creator>{escape(a)}</dc:creator>' for a in authors)}"
        f"<pubDate>Mon, 27 Apr 2026 07:30:00 +0800</pubDate></item>"
        for n, (title, authors, _) in enumerate(PAPERS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel><title>中国科学</title><link>https://journal.example/</link><description>最新论文</description>"
        f"<lastBuildDate>Mon, 27 Apr 2026 07:30:00 +0800</lastBuildDate>{items}</channel></rss>"
    ).encode()


def write_rules(folder: Path) -> Path:
    folder.mkdir()
    for rule_id, body in RULES.items():
        text = f"id: {rule_id}\n{body}description: {{en: A topic.}}\n"
        (folder / f"{rule_id}.yml").write_text(text, encoding="utf-8")
    return folder


def test_chinese_rules_select_chinese_papers_and_every_topic_page_is_built(feed_server, run_cli, tmp_path, case):
    rules = write_rules(tmp_path / "rules")
    checked = run_cli("rules", "check", "--rules", str(rules))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    feed_server.add("/journal", body=journal(), content_type="application/rss+xml")
    write_sources(tmp_path, [{"id": "zh", "kind": "rss", "label": "中国科学", "url": feed_server.base + "/journal"}])
    done = fetch(run_cli, tmp_path, "2026-04-27", rules=rules)
    assert done.returncode == 0, done.stderr
    entries = [read_entry(p) for p in (tmp_path / "content/papers").rglob("*.md")]
    selected = {e["record"]["title"]: {t["rule"] for t in e["record"]["topics"]} for e in entries}
    assert selected == {title: rules_ for title, _, rules_ in PAPERS if rules_}
    words = {e["record"]["title"]: e["record"]["topics"][0]["keywords"] for e in entries}
    assert words["基于量子纠错码的容错计算新方法"] == ["量子纠错"]
    assert words["大语言模型（LLM）推理能力的系统评测"] == ["ＬＬＭ"]

    built = run_cli(
        "build",
        "--settings",
        str(ROOT / "pelicanconf.py"),
        "--content",
        "content",
        "--output",
        "output",
        "--state",
        "state",
        "--rules",
        str(rules),
        "--no-search",
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    output = tmp_path / "output"
    linked: set[str] = set()
    for page in output.rglob("*.html"):  # every link but those of the cards' <template>, which scripts fill
        for href in html.parse(str(page)).xpath("//*[@href][not(ancestor::template)]/@href"):
            path = urlsplit(href).path
            if "topics/" in path and not urlsplit(href).scheme:
                linked.add((page.parent / unquote(path)).resolve().relative_to(output.resolve()).as_posix())
    missing = sorted(name for name in linked if not (output / name).is_file())
    assert not missing, missing
    assert {f"topics/{rule_id}.html" for rule_id in RULES} <= linked
    assert {f"feeds/topics/{rule_id}.atom.xml" for rule_id in RULES} <= linked
    gravity = (output / "topics/gravity.html").read_text(encoding="utf-8")
    assert "This topic has not selected any paper yet." in gravity
    for rule_id in RULES:
        for kind in ("atom", "rss"):
            etree.parse(str(output / f"feeds/topics/{rule_id}.{kind}.xml"))  # well-formed, empty or not
    errors, warnings = feed_checker(output, "http://127.0.0.1:8000")  # the W3C feed checker
    assert errors == [] and not [w for w in warnings if "gravity" in w], (errors, warnings)
    empty = etree.parse(str(output / "feeds/topics/gravity.atom.xml")).findtext("{http://www.w3.org/2005/Atom}updated")
    assert empty == etree.parse(str(output / "feeds/all.atom.xml")).findtext("{http://www.w3.org/2005/Atom}updated")
    liangzi = (output / "topics/liangzi.html").read_text(encoding="utf-8")
    assert "基于量子纠错码的容错计算新方法" in liangzi and "量子纠缠与纠错的关系" not in liangzi
    case(
        "rules",
        "rules with Chinese keywords (量子纠错), a full-width keyword (ＬＬＭ), authors written 张 伟 and "
        "Ｙｉｎｇｑｉ Ｆａｎ, and a rule that selects nothing, on a Chinese journal's feed",
        "keywords found inside Han runs as phrases, widths folded; every topic page and feed linked is built",
        f"{len(selected)} of {len(PAPERS)} papers selected as expected; {len(linked)} topic links, none missing",
    )


@pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)
def test_the_browser_radar_matches_chinese_keywords_and_names_as_the_rules_do(case):
    """The radar's own matching (theme/static/js/radar.js), run in Chromium on the papers of PAPERS."""
    from playwright.sync_api import sync_playwright

    radar = {
        "author": ["张 伟", "Ｙｉｎｇｑｉ Ｆａｎ"],
        "keyword": ["量子纠错", "ＬＬＭ", "智能体"],
        "mute-author": ["王·小明"],
    }
    papers = [{"title": title, "authors": authors} for title, authors, _ in PAPERS] + [
        {"title": "量子纠错", "authors": ["王小明"]}
    ]
    script = """async ([radar, papers]) => {
        const m = await import(new URL("theme/js/radar.js", location.href).href);
        const query = Object.entries(radar).flatMap(([kind, values]) => values.map((v) => [kind, v]));
        const state = m.fromQuery(new URLSearchParams(query));
        return papers.map((p) => m.muted(state, p) ? "muted" : m.reasons(state, p).map((r) => r.value).join(" | "));
    }"""
    with serving(built_site().output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(base + "radar.html")
        found = page.evaluate(script, [radar, papers])
        browser.close()
    assert found == ["量子纠错", "ＬＬＭ", "智能体", "", "张 伟", "Ｙｉｎｇｑｉ Ｆａｎ", "", "muted"]
    case(
        "radar",
        "the browser radar following 量子纠错, ＬＬＭ, 智能体, 张 伟 and Ｙｉｎｇｑｉ Ｆａｎ, "
        "muting 王·小明, on Chinese titles and names",
        "the same papers as the rules select; 王小明's paper muted",
        f"{sum(bool(f) for f in found)} of {len(found)} papers matched or muted, as the rules do",
    )
