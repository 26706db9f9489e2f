"""The real `academichub fetch` against captured feeds served from 127.0.0.1."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import HERE, RULES, entry, fetch, last_run, read_entry, snapshot, write_sources


def test_every_source_kind_field_by_field(feed_server, run_cli, tmp_path):
    s = feed_server
    s.add("/rss/cs.AI", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
    s.add(
        "/api/query",
        page_param="start",
        pages={
            "0": (HERE / "fixtures/feeds/arxiv_api/api-query-cat-csLG-OR-csAI-max20-2026-04-30.xml").read_bytes(),
            "20": (HERE / "fixtures/feeds/arxiv_api/api-idlist-empty-result-2026-04-12.xml").read_bytes(),
        },
    )
    s.add("/affil/query", "arxiv_api/api-idlist-astro-ph-0601001-affiliations-2026-05-11.xml")
    s.add(
        "/oai",
        page_param="resumptionToken",
        pages={
            "": (HERE / "fixtures/feeds/arxiv_oai/listrecords-cs-page1.xml").read_bytes(),
            "6960524|1001": (HERE / "fixtures/feeds/arxiv_oai/listrecords-cs-page2.xml").read_bytes(),
        },
    )
    s.add("/nature.rss", "nature/nature-rss1-rdf-current-2024-07-18-truncated.xml")
    s.add("/crossref/works", "crossref/works-query-ecology-rows2-2026-06-16.json")
    s.add("/bio/details/*", "biorxiv/biorxiv-api-details-cancer-biology-2026-09-07-truncated.json")
    write_sources(
        tmp_path,
        [
            {"id": "arxiv-ai", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "url": s.base + "/rss/cs.AI"},
            {
                "id": "arxiv-query",
                "kind": "arxiv_api",
                "label": "arXiv ({CATEGORY})",
                "query": "cat:cs.LG OR cat:cs.AI",
                "base_url": s.base + "/api/query",
                "page_size": 20,
                "max_results": 100,
            },
            {
                "id": "arxiv-affil",
                "kind": "arxiv_api",
                "label": "arXiv",
                "query": "id:astro-ph/0601001",
                "base_url": s.base + "/affil/query",
            },
            {
                "id": "arxiv-oai",
                "kind": "arxiv_oai",
                "label": "arXiv OAI",
                "set": "physics",
                "base_url": s.base + "/oai",
                "days": 3,
            },
            {"id": "nature", "kind": "rss", "label": "Nature", "url": s.base + "/nature.rss"},
            {
                "id": "ecology",
                "kind": "crossref",
                "label": "Crossref",
                "issn": ["0012-9658"],
                "mailto": "tests@example.org",
                "base_url": s.base + "/crossref",
            },
            {
                "id": "biorxiv",
                "kind": "biorxiv",
                "label": "bioRxiv",
                "category": "cancer_biology",
                "base_url": s.base + "/bio",
            },
        ],
    )
    result = fetch(run_cli, tmp_path)
    assert result.returncode == 0, result.stderr

    # arxiv_rss: prefix stripped, authors split, categories primary first, announce date
    e = entry(tmp_path, "2026/04/27/arxiv-2604-21935.md")
    assert e["title"] == "Math Takes Two: A test for emergent mathematical reasoning in communication"
    assert e["authors"] == "Michael Cooper; Samuel Cooper"
    assert e["date"] == "2026-04-27T04:00:00+00:00"
    assert e["category"] == "ai" and e["topics"] == "ai"
    assert e["source_label"] == "arXiv (CS.AI)"
    assert e["abs_url"] == "https://arxiv.org/abs/2604.21935"
    assert e["pdf"] == "https://arxiv.org/pdf/2604.21935v1"
    assert e["paper_id"] == "arxiv:2604.21935" and e["version"] == "1"
    assert e["record"]["categories"] == ["cs.AI", "cs.LG"]
    assert e["record"]["announce_type"] == "new"
    assert e["record"]["abstract"].startswith("Although language models demonstrate remarkable proficiency")
    assert "Announce Type" not in e["body"] and "arXiv:2604" not in e["summary"]
    assert e["why"] == "ai: category cs.AI, cs.LG"

    # arxiv_api: comment, code link, DOI, journal_ref, primary category first; the second page was requested
    e = entry(tmp_path, "2026/04/29/arxiv-2604-26951.md")
    assert e["record"]["categories"][0] == "cs.CL"
    assert e["record"]["comment"] == "15 pages, 3 figures. Code: https://github.com/PKU-YuanGroup/TIDE"
    assert e["record"]["code_links"] == ["https://github.com/PKU-YuanGroup/TIDE"]
    assert e["date"] == "2026-04-29T17:59:01+00:00"
    e = next(read_entry(p) for p in (tmp_path / "content/papers").rglob("arxiv-2604-26888.md"))
    assert e["doi"] == "10.1007/978-3-031-85252-7_10"
    assert e["record"]["journal_ref"].startswith("In: Bäck, T. et al. (eds.), Computational Intelligence")
    assert [r["query"]["start"] for r in s.requests_to("/api/query")] == ["0", "20"]
    query = s.requests_to("/api/query")[0]["query"]
    assert query["search_query"] == "(cat:cs.LG OR cat:cs.AI) AND submittedDate:[202604270000 TO 202604272359]"

    # arxiv_api with affiliations, old-style id
    e = entry(tmp_path, "2006/01/02/arxiv-astro-ph-0601001.md")
    assert e["record"]["authors"][0] == {"name": "Andrew Gould", "affiliations": ["Ohio State"]}
    assert e["category"] == "astro"

    # arxiv_oai: resumption token followed, deleted record skipped, affiliations and DOI read
    assert [r["query"].get("resumptionToken") for r in s.requests_to("/oai")] == [None, "6960524|1001"]
    assert s.requests_to("/oai")[0]["query"] == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "physics",
        "from": "2026-04-25",
        "until": "2026-04-27",
    }
    e = entry(tmp_path, "2012/01/23/arxiv-1201-4869.md")
    assert e["title"] == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
    assert e["doi"] == "10.1142/s021797921244002x"
    assert e["record"]["categories"] == ["cond-mat.mes-hall", "cond-mat.other"]
    assert not list((tmp_path / "content/papers").rglob("arxiv-astro-ph-0601002.md"))

    # rss (Nature, RSS 1.0): DOI from prism, subscript markup removed, "Published online" line removed
    e = entry(tmp_path, "2024/07/18/doi-10-1038-s41586-024-07811-4-" + e_hash("doi:10.1038/s41586-024-07811-4") + ".md")
    assert e["title"] == "Catalysis of an SN2 pathway by geometric preorganization"
    assert e["authors"].startswith("Gabriel J. Lovinger; Marcus H. Sak")
    assert e["abs_url"] == "https://www.nature.com/articles/s41586-024-07811-4"
    assert e["record"]["abstract"] == ""  # Nature's research items carry only the title
    assert e["record"]["venue"] == "Nature"
    news = next(read_entry(p) for p in (tmp_path / "content/papers").rglob("doi-10-1038-d41586-024-02352-2-*.md"))
    assert (
        news["record"]["abstract"]
        == "Inhibiting a protein associated with chronic inflammation improves lung health in mice with COVID-19."
    )
    assert not list((tmp_path / "content/papers").rglob("doi-10-1038-d41586-024-02321-9-*.md"))  # excluded: census

    # crossref: filter and mailto sent, JATS stripped, given+family names
    q = s.requests_to("/crossref/works")[0]["query"]
    assert q["filter"] == "issn:0012-9658,from-index-date:2026-04-27,until-index-date:2026-04-27"
    assert q["mailto"] == "tests@example.org" and q["cursor"] == "*"
    e = next(read_entry(p) for p in (tmp_path / "content/papers").rglob("doi-10-1093-obo-9780199830060-0023-*.md"))
    assert e["title"] == "Chemical Ecology" and e["authors"] == "André Kessler"
    assert e["record"]["abstract"].startswith("“Ours is a world of sights and sounds.")
    assert "<" not in e["record"]["abstract"]

    # biorxiv: version, category filter passed on, links to the versioned page
    assert s.requests_to("/bio/details/biorxiv/2026-04-27/2026-04-27/0/json")[0]["query"] == {
        "category": "cancer_biology"
    }
    e = next(read_entry(p) for p in (tmp_path / "content/papers").rglob("doi-10-64898-2026-04-19-716936-*.md"))
    assert e["version"] == "2"
    assert e["abs_url"] == "https://www.biorxiv.org/content/10.64898/2026.04.19.716936v2"
    assert e["authors"] == "M. Dehghan Manshadi; P. Setoodeh; H. Zare"
    assert e["record"]["categories"] == ["cancer biology"]

    # every request carried the User-Agent with the contact
    assert all(
        "AcademicHub/" in r["headers"]["User-Agent"] and "tests@example.org" in r["headers"]["User-Agent"]
        for r in s.log
    )

    health = last_run(tmp_path)
    assert health["arxiv-ai"]["status"] == "ok" and health["arxiv-ai"]["new"] == 3
    assert health["nature"]["rejected"] > 0


def e_hash(paper_id: str) -> str:
    from pipeline.archive.entry import slug_for

    return slug_for(paper_id).rsplit("-", 1)[1]


def test_cross_lists_duplicates_replacements_and_rerun(feed_server, run_cli, tmp_path):
    s = feed_server
    s.add("/rss/quant-ph", "arxiv_rss/rss-quant-ph-2025-04-28-truncated.xml", etag=True)
    s.add("/rss/quant-ph-mirror", "arxiv_rss/rss-quant-ph-2025-04-28-truncated.xml")
    write_sources(
        tmp_path,
        [
            {"id": "qp", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "url": s.base + "/rss/quant-ph"},
            # the same feed twice (as when two configured category feeds overlap): every paper once
            {"id": "qp-again", "kind": "arxiv_rss", "label": "arXiv", "url": s.base + "/rss/quant-ph-mirror"},
        ],
    )
    first = fetch(run_cli, tmp_path, "2025-04-28")
    assert first.returncode == 0, first.stderr
    health = last_run(tmp_path)
    assert health["qp"]["new"] == 14  # 10 new + 4 cross
    assert health["qp-again"]["new"] == 0 and health["qp-again"]["duplicate"] == 23
    assert health["qp"]["skipped"] == 9  # replacements of papers not in the archive are not new papers
    files = sorted((tmp_path / "content/papers").rglob("*.md"))
    assert len(files) == 14
    cross = (
        entry(tmp_path, "2025/04/28/arxiv-2504-18165.md")
        if (tmp_path / "content/papers/2025/04/28/arxiv-2504-18165.md").exists()
        else None
    )
    crosses = [read_entry(f) for f in files if read_entry(f)["record"]["announce_type"] == "cross"]
    assert len(crosses) == 4 and all(c["record"]["categories"][0] != "quant-ph" for c in crosses)
    assert cross is None or cross["record"]["announce_type"] == "cross"

    # second run, same day: a 304 per feed, not one byte changed
    before = snapshot(tmp_path / "content")
    index_before = snapshot(tmp_path / "state/papers")
    again = fetch(run_cli, tmp_path, "2025-04-28")
    assert again.returncode == 0, again.stderr
    assert snapshot(tmp_path / "content") == before
    assert snapshot(tmp_path / "state/papers") == index_before
    assert last_run(tmp_path)["qp"]["status"] == "not-modified"
    assert s.requests_to("/rss/quant-ph")[-1]["headers"].get("If-None-Match")

    # --force ignores the validators and still changes nothing
    forced = fetch(run_cli, tmp_path, "2025-04-28", "--force")
    assert forced.returncode == 0 and snapshot(tmp_path / "content") == before
    assert last_run(tmp_path)["qp"]["duplicate"] == 14

    # a replacement of an archived paper updates its entry: new version, new modified date, same file
    old = next(f for f in files if read_entry(f)["record"]["announce_type"] == "new")
    record = read_entry(old)["record"]
    arxiv_id = record["arxiv_id"]
    feed = (HERE / "fixtures/feeds/arxiv_rss/rss-quant-ph-2025-04-28-truncated.xml").read_text(encoding="utf-8")
    start = feed.index(f'<guid isPermaLink="false">oai:arXiv.org:{arxiv_id}v1</guid>')
    item_start = feed.rindex("<item>", 0, start)
    item_end = feed.index("</item>", start) + len("</item>")
    item = feed[item_start:item_end]
    replaced = (
        item.replace(f"{arxiv_id}v1", f"{arxiv_id}v2")
        .replace("Announce Type: new", "Announce Type: replace")
        .replace("<arxiv:announce_type>new</arxiv:announce_type>", "<arxiv:announce_type>replace</arxiv:announce_type>")
        .replace("Mon, 28 Apr 2025", "Tue, 29 Apr 2025")
    )
    channel = feed[: feed.index("<item>")] + replaced + "\n</channel>\n</rss>\n"
    s.add("/rss/quant-ph", body=channel.replace("Mon, 28 Apr 2025", "Tue, 29 Apr 2025").encode())
    third = fetch(run_cli, tmp_path, "2025-04-29")
    assert third.returncode == 0, third.stderr
    assert last_run(tmp_path)["qp"]["updated"] == 1 and last_run(tmp_path)["qp"]["new"] == 0
    updated = read_entry(old)
    assert updated["version"] == "2" and updated["pdf"].endswith("v2")
    assert updated["date"] == "2025-04-28T04:00:00+00:00"
    assert updated["modified"] == "2025-04-29T04:00:00+00:00"
    assert len(list((tmp_path / "content/papers").rglob("*.md"))) == 14


def test_preprint_and_journal_version_become_one_entry(feed_server, run_cli, tmp_path):
    """An arXiv paper whose arXiv record names its journal DOI, then that DOI from Crossref."""
    s = feed_server
    s.add("/api", "arxiv_api/api-query-all-testing-max10-2026-04-12.xml")
    works = json.loads((HERE / "fixtures/feeds/crossref/works-doi-10.1038_srep16696-2026-06-16.json").read_text())
    works["message"]["DOI"] = "10.1145/3395363.3397376"  # the journal DOI arXiv lists for 2005.14124
    s.add(
        "/crossref/works",
        body=json.dumps(
            {"status": "ok", "message-type": "work-list", "message": {"items": [works["message"]], "next-cursor": "x"}}
        ).encode(),
        content_type="application/json",
    )
    write_sources(
        tmp_path,
        [
            {
                "id": "arxiv",
                "kind": "arxiv_api",
                "label": "arXiv",
                "query": "testing",
                "base_url": s.base + "/api",
                "page_size": 10,
                "max_results": 10,
            },
            {
                "id": "journal",
                "kind": "crossref",
                "label": "Journal",
                "issn": ["1"],
                "base_url": s.base + "/crossref",
                "max_results": 1,
            },
        ],
    )
    result = fetch(run_cli, tmp_path)
    assert result.returncode == 0, result.stderr
    assert last_run(tmp_path)["journal"]["duplicate"] == 1
    matches = [read_entry(p) for p in (tmp_path / "content/papers").rglob("*.md") if "3395363.3397376" in p.read_text()]
    assert len(matches) == 1 and matches[0]["paper_id"] == "arxiv:2005.14124"


@pytest.mark.parametrize("fault", ["500", "timeout", "garbage", "error-feed", "connection-refused"])
def test_a_broken_source_is_reported_and_the_others_written(feed_server, run_cli, tmp_path, fault):
    s = feed_server
    s.add("/good", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
    bad = {
        "500": dict(body=b"oops", status=500),
        "timeout": dict(fixture="arxiv_rss/rss-cs.CL-2026-04-27-3items.xml", delay=1.5),
        "garbage": dict(body=b"\x00\x89PNG not a feed {]"),
        "error-feed": dict(fixture="arxiv_rss/rss-error-bad-archive-2024-11-28.xml"),
        "connection-refused": None,
    }[fault]
    if bad is not None:
        s.add("/bad", **bad)
    bad_url = s.base + "/bad" if bad is not None else "http://127.0.0.1:9/bad"
    write_sources(
        tmp_path,
        [
            {"id": "bad", "kind": "arxiv_rss", "label": "arXiv", "url": bad_url},
            {"id": "good", "kind": "arxiv_rss", "label": "arXiv", "url": s.base + "/good"},
        ],
        read_timeout=0.5,
        retries=1,
    )
    result = fetch(run_cli, tmp_path)
    assert result.returncode == 0, result.stderr
    health = last_run(tmp_path)
    assert health["bad"]["status"] == "failed" and health["bad"]["errors"]
    assert health["good"]["status"] == "ok" and health["good"]["new"] == 3
    assert "failed" in result.stderr
    expected = {
        "500": "HTTP 500",
        "timeout": "timed out",
        "garbage": "not an RSS feed",
        "error-feed": "Bad archive 'astroph'",
        "connection-refused": "connection failed",
    }[fault]
    assert expected in health["bad"]["errors"][0]
    if fault == "500":
        assert len(s.requests_to("/bad")) == 2  # one retry


def test_nothing_fetched_at_all_exits_non_zero(run_cli, tmp_path):
    write_sources(tmp_path, [{"id": "down", "kind": "rss", "label": "J", "url": "http://127.0.0.1:9/feed"}], retries=0)
    result = fetch(run_cli, tmp_path)
    assert result.returncode == 1
    assert last_run(tmp_path)["down"]["status"] == "failed"


def test_retry_after_is_honoured(feed_server, run_cli, tmp_path):
    s = feed_server
    s.add("/feed", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml", fail_first=1, fail_status=429, retry_after="1")
    write_sources(tmp_path, [{"id": "a", "kind": "arxiv_rss", "label": "arXiv", "url": s.base + "/feed"}])
    result = fetch(run_cli, tmp_path)
    assert result.returncode == 0, result.stderr
    first, second = s.requests_to("/feed")
    assert second["at"] - first["at"] >= 0.95
    assert last_run(tmp_path)["a"]["new"] == 3


def test_arxiv_requests_are_spaced(feed_server, run_cli, tmp_path):
    s = feed_server
    s.add(
        "/api",
        page_param="start",
        pages={
            "0": (HERE / "fixtures/feeds/arxiv_api/api-query-cat-csLG-OR-csAI-max20-2026-04-30.xml").read_bytes(),
            "20": (HERE / "fixtures/feeds/arxiv_api/api-idlist-empty-result-2026-04-12.xml").read_bytes(),
        },
    )
    write_sources(
        tmp_path,
        [
            {
                "id": "a",
                "kind": "arxiv_api",
                "label": "arXiv",
                "query": "cat:cs.AI",
                "base_url": s.base + "/api",
                "page_size": 20,
            }
        ],
        arxiv_interval=0.6,
    )
    # a polite source is throttled even on a non-arXiv host: the API kinds always talk to arXiv
    assert fetch(run_cli, tmp_path).returncode == 0
    first, second = s.requests_to("/api")
    assert second["at"] - first["at"] >= 0.55


def test_empty_feed_is_a_no_announcement_day_not_a_failure(feed_server, run_cli, tmp_path):
    s = feed_server
    s.add("/empty", "arxiv_rss/rss-empty-test-archive-2024-11-28.xml")
    s.add("/broken", "arxiv_rss/rss-error-bad-archive-2024-11-28.xml")
    write_sources(
        tmp_path,
        [
            {"id": "holiday", "kind": "arxiv_rss", "label": "arXiv", "url": s.base + "/empty"},
            {"id": "broken", "kind": "arxiv_rss", "label": "arXiv", "url": s.base + "/broken"},
        ],
    )
    result = fetch(run_cli, tmp_path, "2024-11-28")
    health = last_run(tmp_path)
    assert health["holiday"]["status"] == "empty" and "no announcement" in health["holiday"]["note"]
    assert health["holiday"]["errors"] == []
    assert health["broken"]["status"] == "failed"
    assert result.returncode == 0  # the empty feed was fetched fine


def test_markup_from_a_feed_is_stored_as_text(feed_server, run_cli, tmp_path):
    feed = (HERE / "fixtures/feeds/arxiv_rss/rss-cs.AI-2026-04-27-3items.xml").read_text(encoding="utf-8")
    hostile = (
        feed.replace("Math Takes Two: A test", "Math &lt;script&gt;alert(1)&lt;/script&gt; Takes Two: A test", 1)
        .replace("Michael Cooper, Samuel Cooper", "Michael &lt;img src=x onerror=alert(1)&gt; Cooper, Samuel Cooper", 1)
        .replace(
            "Although language models",
            "&lt;b onclick=x&gt;Although&lt;/b&gt; &lt;a href=javascript:alert(1)&gt;language models",
            1,
        )
    )
    feed_server.add("/feed", body=hostile.encode())
    write_sources(tmp_path, [{"id": "a", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/feed"}])
    assert fetch(run_cli, tmp_path).returncode == 0
    path = tmp_path / "content/papers/2026/04/27/arxiv-2604-21935.md"
    e = read_entry(path)
    # titles and names are text: kept literally (the site escapes them); the abstract is sanitised by
    # feedparser, then stored as escaped text; no live markup reaches the body or the summary
    assert (
        e["title"]
        == "Math <script>alert(1)</script> Takes Two: A test for emergent mathematical reasoning in communication"
    )
    assert e["authors"] == "Michael <img src=x onerror=alert(1)> Cooper; Samuel Cooper"
    assert re.search(r"<(?!/?div)", e["body"]) is None
    assert "<" not in e["summary"]
    assert e["record"]["abstract"].startswith("Although language models")


def test_rule_typo_is_reported_with_file_and_line(run_cli, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "life.yml").write_text(
        "id: life\nname: {en: Life}\ndescription: {en: Biology}\ninclude:\n  keywords: cancer, tumour\n  authrs: [X]\n",
        encoding="utf-8",
    )
    result = run_cli("rules", "check", "--rules", str(rules), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{rules / 'life.yml'}:5: include.keywords: expected a list of strings" in result.stderr
    assert f"{rules / 'life.yml'}:6: include.authrs: unknown key 'authrs' (did you mean 'authors'?)" in result.stderr
    ok = run_cli("rules", "check", "--rules", str(RULES), cwd=tmp_path)
    assert ok.returncode == 0 and "4 rule files are valid" in ok.stderr


def test_state_is_rebuilt_from_content(feed_server, run_cli, tmp_path):
    feed_server.add("/feed", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
    write_sources(tmp_path, [{"id": "a", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/feed"}])
    assert fetch(run_cli, tmp_path).returncode == 0
    index = snapshot(tmp_path / "state/papers")
    before = snapshot(tmp_path / "content")
    shutil.rmtree(tmp_path / "state")
    assert fetch(run_cli, tmp_path).returncode == 0
    assert snapshot(tmp_path / "content") == before
    assert snapshot(tmp_path / "state/papers") == index
    assert last_run(tmp_path)["a"]["duplicate"] == 3


def test_demo_writes_entries_from_the_bundled_samples(run_cli, tmp_path):
    root = Path(__file__).resolve().parents[2]
    result = run_cli("demo", "--out", str(tmp_path / "demo"), "--rules", str(root / "rules"), cwd=root)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo/output/index.html").is_file()
    assert list((tmp_path / "demo/content/briefs").glob("2026-04-27.md"))
    entries = list((tmp_path / "demo/content/papers").rglob("*.md"))
    assert len(entries) >= 20
    kinds = {read_entry(p)["source"] for p in entries}
    assert {"arxiv-cs-ai", "arxiv-ml-query", "nature", "biorxiv-cancer"} <= kinds
    # Crossref's sample records (2012, 2022) are not the demo day's news
    assert "crossref-ecology: old: 2 × published before 2026-03-13" in result.stderr
    # the day's brief holds every paper of the day, whatever its source
    head = (tmp_path / "demo/content/briefs/2026-04-27.md").read_text(encoding="utf-8").split("\n\n", 1)[0]
    papers = next(line for line in head.splitlines() if line.startswith("Papers: "))[len("Papers: ") :].split("; ")
    assert sorted(papers) == sorted(read_entry(p)["paper_id"] for p in entries)


def test_a_bug_past_the_sources_still_leaves_a_run_record(feed_server, tmp_path, monkeypatch):
    """The run record is what `health` alerts on: a run that stops on an unexpected error keeps one."""
    from datetime import date

    from pipeline.config import load_rules
    from pipeline.fetch import job
    from pipeline.fetch.sources import load_sources
    from pipeline.layout import Layout

    feed_server.add("/a", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
    write_sources(tmp_path, [{"id": "a", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/a"}])

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in curation")

    monkeypatch.setattr(job, "curate", broken)
    layout = Layout(tmp_path / "content", tmp_path / "state")
    with pytest.raises(RuntimeError):
        job.run_fetch(load_sources(tmp_path / "sources.yml"), load_rules(RULES), layout, date(2026, 4, 27))
    [record] = [json.loads(line) for line in layout.runs_file.read_text(encoding="utf-8").splitlines()]
    assert record["ok"] is False and record["sources"][0]["status"] == "ok"
    assert re.fullmatch(
        r"unexpected RuntimeError at pipeline/fetch/job\.py:\d+ in _write_day: a bug in curation", record["failure"]
    ), record["failure"]


def test_a_kind_that_fails_or_that_no_module_declares_fails_its_source_only(feed_server, tmp_path, monkeypatch):
    """Everything a source's kind is asked for (its fetcher, its age limit) is asked inside that
    source's error handling: a broken kind, or one no module declares, is that source's failure."""
    from datetime import date

    from pipeline.archive import runlog
    from pipeline.config import HttpSettings, SourceSettings
    from pipeline.fetch import job
    from pipeline.fetch.http import Client
    from pipeline.fetch.sources import SourcesFile, crossref, source_settings

    feed_server.add("/a", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
    feed_server.add("/crossref/works", "crossref/works-query-ecology-rows2-2026-06-16.json")

    def incomplete(self):
        raise KeyError("crossref")  # what a kind missing from a table of ages once raised outside the try

    monkeypatch.setattr(crossref.CrossrefSource, "default_age", incomplete)
    config = SourcesFile.model_construct(
        http=HttpSettings(arxiv_interval=0),
        sources=[
            SourceSettings(id="nowhere", kind="atom", label="Atom"),
            source_settings(
                id="journal", kind="crossref", label="J", issn=["1"], base_url=feed_server.base + "/crossref"
            ),
            source_settings(id="a", kind="arxiv_rss", label="arXiv", url=feed_server.base + "/a", max_age_days=None),
        ],
    )
    papers, reports = job.read_sources(config, Client(config.http), date(2026, 4, 27))
    by_id = {r.source: r for r in reports}
    for report in reports:
        runlog.classify(report, date(2026, 4, 27))
    assert by_id["nowhere"].status == "failed"
    assert by_id["nowhere"].errors == [
        "no source kind 'atom' (kinds: arxiv_rss, arxiv_api, arxiv_oai, rss, crossref, biorxiv, openalex)"
    ]
    assert by_id["journal"].status == "failed"
    assert re.fullmatch(
        r"unexpected KeyError at pipeline/config/sources\.py:\d+ in age_limit: 'crossref'", by_id["journal"].errors[0]
    ), by_id["journal"].errors
    assert by_id["a"].status == "ok" and len(papers) == 3
