"""The static JSON API of the built sample site: every file validates against its published schema,
every link resolves, and the API says what the HTML pages show, paper by paper."""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
from datetime import UTC
from pathlib import Path

import pytest
from api_helpers import PaperPage, api_files, kind_of, links_in, schema_errors, validators
from site_helpers import HOSTILE_TITLE, built_site, rebuild, site_copy, with_weekly_brief

from pipeline.site.api import API_ROOT, KINDS, SCHEMAS
from pipeline.site.views import AUTHORS_LISTED, text_lang


@pytest.fixture(scope="module")
def files(out) -> dict[str, dict]:
    return api_files(out)


def page(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def paper_hrefs(text: str) -> list[str]:
    """The papers a list page lists, in order, as paths from the site root."""
    return [
        re.sub(r"^(\.\./)+|^\./", "", h)
        for h in re.findall(r'class="card-title" lang="[^"]+"><a class="math" href="([^"]+)"', text)
    ]


def test_every_api_file_validates_against_its_published_schema(out, files):
    kinds = {kind_of(rel.removeprefix(API_ROOT + "/")) for rel in files}
    assert kinds == set(KINDS)
    assert schema_errors(out) == []
    # the published schemas are the package's
    for kind in KINDS:
        assert (out / API_ROOT / "schemas" / f"{kind}.schema.json").read_bytes() == (
            SCHEMAS / f"{kind}.schema.json"
        ).read_bytes()
        assert (
            json.loads((SCHEMAS / f"{kind}.schema.json").read_text())["$schema"]
            == "https://json-schema.org/draft/2020-12/schema"
        )


def test_the_schemas_are_strict(files):
    checks = validators()
    day = next(v for k, v in files.items() if "/days/" in k and v["papers"])
    assert checks["day"].is_valid(day)
    for change in (
        lambda d: d["papers"][0].pop("title"),
        lambda d: d["papers"][0].update(extra=1),
        lambda d: d["papers"][0]["links"].update(html="https://elsewhere.example/x.html"),
        lambda d: d.update(api_version=2),
        lambda d: d["papers"][0]["authors"].append("Ada"),
    ):
        broken = copy.deepcopy(day)
        change(broken)
        assert not checks["day"].is_valid(broken)


def test_every_link_resolves(out, files):
    for rel, data in files.items():
        for link in links_in(data):
            assert (out / link).is_file(), f"{rel} links to {link}"


def test_index_names_every_day_topic_and_brief(out, files):
    index = files[f"{API_ROOT}/index.json"]
    assert index["site"] == "https://radar.example.org/hub/" and index["papers"] == 33
    assert [d["day"] for d in index["days"]] == ["2026-09-08", "2026-04-27"]
    assert {f"{API_ROOT}/days/{d['day']}.json" for d in index["days"]} == {k for k in files if "/days/" in k}
    assert {t["api"] for t in index["topics"]} == {k for k in files if re.search(r"/topics/[^/]+(?<!-\d)\.json$", k)}
    assert index["latest"] == {
        "day": f"{API_ROOT}/days/2026-09-08.json",
        "daily_brief": f"{API_ROOT}/briefs/daily/2026-09-08.json",
        "weekly_brief": None,
    }
    assert sum(d["papers"] for d in index["days"]) == index["papers"] == len([k for k in files if "/papers/" in k])


def test_days_agree_with_their_pages_and_with_the_paper_pages(out, files):
    seen = 0
    for rel, day in files.items():
        if "/days/" not in rel:
            continue
        listed = paper_hrefs(page(out, day["links"]["html"]))
        assert listed == [p["links"]["html"] for p in day["papers"]] + [u["links"]["html"] for u in day["updates"]]
        for paper in day["papers"]:
            seen += 1
            text = page(out, paper["links"]["html"])
            lang, title = re.search(r'<h1 class="math" lang="([^"]+)">(.*?)</h1>', text, re.S).groups()
            assert html.unescape(title) == paper["title"] and lang == text_lang(paper["title"])
            authors = re.search(r'<article class="paper" data-pagefind-body data-authors="([^"]*)"', text).group(1)
            assert html.unescape(authors) == "|".join(a["name"] for a in paper["authors"])
            assert re.findall(r'data-topic="([^"]+)" href', text) == [t["id"] for t in paper["topics"]]
            assert f'<time datetime="{paper["published"]}' in text
            for link in ("abstract", "pdf"):
                if paper["links"][link]:
                    assert f'href="{html.escape(paper["links"][link])}"' in text
            for word in (w for t in paper["topics"] for w in t["why"]["keywords"]):
                assert f"<mark>{html.escape(word)}" in text or html.escape(word) in text
            if paper["brief"] and paper["brief"]["status"] == "model":
                shown = re.findall(r'<p class="tldr"><span class="tldr-label"[^>]*>TL;DR</span> (.*?)</p>', text)
                assert list(map(html.unescape, shown)) == [paper["brief"][lang]["tldr"] for lang in ("zh", "en")]
            else:
                assert "brief-box" not in text
            # the paper's own file holds the same record, with every author (a day's names the first ones)
            own = dict(files[paper["links"]["api"]]["paper"])
            assert own.pop("authors")[:AUTHORS_LISTED] == paper["authors"]
            assert own == {k: v for k, v in paper.items() if k != "authors"}
            assert own["authors_total"] >= len(paper["authors"])
    assert seen == 33


BRIEF_LABELS = {
    "zh": {"problem": "问题", "method": "方法", "results": "结果", "why_it_matters": "意义"},
    "en": {"problem": "Problem", "method": "Method", "results": "Results", "why_it_matters": "Why it matters"},
}


def test_every_paper_file_says_what_its_page_shows(out, files):
    """Paper by paper, every file under api/v1/papers/ against the HTML page it links to, read as a
    browser reads it: title, authors and affiliations, source, dates, identifiers and links, topics,
    abstract, and the brief field by field in both languages."""
    papers = {rel: data["paper"] for rel, data in files.items() if "/papers/" in rel}
    assert len(papers) == files[f"{API_ROOT}/index.json"]["papers"]
    with_doi = with_brief = updated = 0
    for rel, paper in papers.items():
        assert paper["links"]["api"] == rel
        shown = PaperPage(page(out, paper["links"]["html"]))
        where = paper["links"]["html"]
        assert shown.text("h1") == [paper["title"]] == shown.meta["citation_title"], where
        assert shown.meta.get("citation_author", []) == [a["name"] for a in paper["authors"]], where
        # the JSON-LD names the first AUTHORS_LISTED of them (the page and this file every one)
        listed = paper["authors"][:AUTHORS_LISTED]
        assert [a["name"] for a in shown.ld["author"]] == [a["name"] for a in listed], where
        assert [a.get("affiliation", []) for a in shown.ld["author"]] == [a["affiliations"] for a in listed]
        assert paper["authors_total"] == len(paper["authors"]), where
        assert shown.text("badge")[0] == paper["source"], where
        # dates: published and, when the paper was updated, its last update
        assert shown.ld["datePublished"] == paper["published"], where
        assert shown.meta["citation_publication_date"] == [paper["published"].replace("-", "/")], where
        assert shown.ld.get("dateModified") == paper["updated"], where
        updated += paper["updated"] is not None
        # identifiers and links
        ids = {i["propertyID"]: i["value"] for i in shown.ld["identifier"]}
        doi = paper["doi"] or None  # "" when it has none
        assert ids.get("DOI") == doi and shown.meta.get("citation_doi", [None]) == [doi], where
        assert ids.get("arXiv") == (paper["arxiv_id"] or None), where
        links = paper["links"]
        assert shown.buttons == [u for u in (links["abstract"], links["pdf"], links["doi"]) if u] + links["code"], where
        if paper["doi"]:
            with_doi += 1
            assert links["doi"] == f"https://doi.org/{paper['doi']}"
        # topics, abstract
        assert shown.topics == [t["id"] for t in paper["topics"]], where
        assert shown.text("abstract") == [" ".join(paper["abstract"].split()) or "—"], where
        # the brief, field by field
        brief = paper["brief"]
        if brief is None:
            assert not any(k.startswith(("zh:", "en:")) for k in shown.texts), where
            continue
        with_brief += 1
        for lang in ("zh", "en"):
            part = brief[lang]
            assert shown.text(f"{lang}:tldr") == ([" ".join(part["tldr"].split())] if part["tldr"] else []), where
            for key, label in BRIEF_LABELS[lang].items():
                assert shown.text(f"{lang}:{label}") == ([" ".join(part[key].split())] if part[key] else []), (
                    where,
                    lang,
                    key,
                )
            assert shown.text(f"{lang}:chip") == part["keywords"], where
    assert with_doi and with_brief and updated  # each kind of check met a paper it applies to


def test_topic_pages_list_what_the_html_pages_list(out, files):
    pages = {rel: data for rel, data in files.items() if "/topics/" in rel}
    assert pages
    for rel, data in pages.items():
        assert paper_hrefs(page(out, data["links"]["html"])) == [p["links"]["html"] for p in data["papers"]]
        assert data["topic"]["id"] in {t for p in data["papers"] for t in p["topics"]}
    # following "older" from page 1 reads every paper once, newest first
    for topic in files[f"{API_ROOT}/index.json"]["topics"]:
        link, read = topic["api"], []
        while link:
            read += files[link]["papers"]
            link = files[link]["links"]["older"]
        assert len(read) == len({p["id"] for p in read}) == topic["papers"]
        assert [p["day"] for p in read] == sorted((p["day"] for p in read), reverse=True)


def test_daily_brief_is_structured_and_names_its_papers(files):
    brief = files[f"{API_ROOT}/briefs/daily/2026-09-08.json"]
    assert brief["kind"] == "daily" and brief["date"] == "2026-09-08"
    assert [(p["number"], p["id"]) for p in brief["papers"]] == [(1, "arxiv:2609.00001"), (2, "arxiv:2609.00002")]
    assert brief["papers"][1]["title"] == HOSTILE_TITLE  # text as data: the API never holds markup-escaped text
    assert brief["en"]["headline"] == "Where error correction meets language models"
    assert brief["en"]["themes"] == [
        {"title": "Fault tolerance", "text": "Surface codes go below threshold.", "papers": ["arxiv:2609.00001"]}
    ]
    assert brief["zh"]["connections"][0]["papers"] == ["arxiv:2609.00001", "arxiv:2609.00002"]
    assert brief["en"]["read_first"] == [{"paper": "arxiv:2609.00001", "why": "A milestone."}]
    assert brief["links"]["html"] == "briefs/2026-09-08.html"
    assert files[brief["links"]["day"]]["links"]["brief"] == brief["links"]["api"]


def test_api_files_of_a_paper_that_is_gone_are_pruned(tmp_path):
    site = site_copy(tmp_path)
    rebuild(site)
    paper = tmp_path / "output" / API_ROOT / "papers" / "arxiv-2609-00002.json"
    assert paper.is_file()
    next((tmp_path / "content").rglob("arxiv-2609-00002.md")).unlink()
    rebuild(site)
    assert not paper.exists()
    assert schema_errors(tmp_path / "output") == []
    day = json.loads((tmp_path / "output" / API_ROOT / "days" / "2026-09-08.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in day["papers"]] == ["arxiv:2609.00001"]


def test_a_rebuild_makes_again_only_the_api_files_of_what_changed(tmp_path):
    from pipeline.site import build

    root = Path(__file__).resolve().parents[2]
    content = tmp_path / "content"
    shutil.copytree(built_site().root / "content" / "papers", content / "papers")
    output = tmp_path / "out"
    options = dict(settings_file=root / "pelicanconf.py", rules=root / "rules", state=tmp_path / "state", search=False)
    build(content, output, **options)
    api = output / API_ROOT
    paper, day = api / "papers" / "arxiv-2604-22038.json", api / "days" / "2026-04-27.json"
    kept = api / "papers" / "doi-10-64898-2026-09-03-749302-818cd3.json"
    for path in (paper, day, kept):
        path.write_text("stale", encoding="utf-8")
    build(content, output, **options)  # the same entries: the files are not made again
    assert (
        paper.read_text(encoding="utf-8")
        == day.read_text(encoding="utf-8")
        == kept.read_text(encoding="utf-8")
        == "stale"
    )
    source = next((content / "papers").rglob("arxiv-2604-22038.md"))
    source.write_text(
        source.read_text(encoding="utf-8").replace("Source-Modality", "Changed Source-Modality"), encoding="utf-8"
    )
    build(content, output, **options)
    assert "Changed Source-Modality" in json.loads(paper.read_text(encoding="utf-8"))["paper"]["title"]
    assert "Changed Source-Modality" in " ".join(
        p["title"] for p in json.loads(day.read_text(encoding="utf-8"))["papers"]
    )
    assert kept.read_text(encoding="utf-8") == "stale"


def test_topic_pages_are_paged_as_the_html_pages_and_keep_their_papers(tmp_path):
    """With two papers a page: each topic's API pages list what its HTML pages list, and a newer
    paper goes on its topic's first page (older pages keep their number and their papers)."""
    from collections import Counter
    from datetime import datetime

    from pipeline.archive.entry import entry_path, render_entry
    from pipeline.files import atomic_write
    from pipeline.models import Author, Paper, Selection
    from pipeline.site import build

    root = Path(__file__).resolve().parents[2]
    settings = tmp_path / "smallpages.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(root)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(root / 'theme')!r}\nPAGINATED_TEMPLATES = {{'category': 2, 'tag': 2}}\n",
        encoding="utf-8",
    )
    content = tmp_path / "content"
    shutil.copytree(built_site().root / "content" / "papers", content / "papers")
    options = dict(settings_file=settings, rules=root / "rules", state=tmp_path / "state", search=False)
    output = build(content, tmp_path / "out", **options).output
    files = api_files(output)
    pages = {rel: data for rel, data in files.items() if "/topics/" in rel}
    assert any(data["links"]["older"] for data in pages.values())  # paged
    for rel, data in pages.items():
        assert paper_hrefs(page(output, data["links"]["html"])) == [p["links"]["html"] for p in data["papers"]], rel
        assert len(data["papers"]) <= 3, rel  # two a page; the first page takes what does not fill a page
    topic = Counter(
        re.search(r"^Category: (.+)$", p.read_text(encoding="utf-8"), re.M).group(1)
        for p in (content / "papers").rglob("*.md")
    ).most_common(1)[0][0]
    first = f"{API_ROOT}/topics/{topic}.json"
    older = {rel: (output / rel).read_bytes() for rel in pages if rel.startswith(f"{API_ROOT}/topics/{topic}-")}
    assert older
    when = datetime(2030, 1, 1, 4, tzinfo=UTC)
    newer = Paper(
        id="arxiv:3001.00001",
        title="A newer paper",
        source="arxiv-quant-ph",
        source_label="arXiv (QUANT-PH)",
        version=1,
        authors=(Author("Ada Quantum"),),
        abstract="Newer than every other.",
        categories=("quant-ph",),
        published=when,
        updated=when,
        url="https://arxiv.org/abs/3001.00001",
        arxiv_id="3001.00001",
        received=when.date(),
        topics=(Selection(topic, 5, categories=("quant-ph",)),),
    )
    atomic_write(content / entry_path(newer), render_entry(newer))
    build(content, output, **options)
    assert schema_errors(output) == []
    after = api_files(output)
    assert after[first]["papers"][0]["id"] == "arxiv:3001.00001"
    for rel, before in older.items():  # an older page keeps its number, its papers and what is older than it
        before = json.loads(before)
        assert (after[rel]["page"], after[rel]["papers"], after[rel]["links"]["older"]) == (
            before["page"],
            before["papers"],
            before["links"]["older"],
        ), rel
    link, read = first, []
    while link:
        read += after[link]["papers"]
        link = after[link]["links"]["older"]
    assert [p["day"] for p in read] == sorted((p["day"] for p in read), reverse=True)
    assert len(read) == len({p["id"] for p in read}) == len(older) * 2 + len(files[first]["papers"]) + 1


@pytest.fixture(scope="module")
def weekly_site(tmp_path_factory):
    return with_weekly_brief(site_copy(tmp_path_factory.mktemp("weekly")))


def test_a_weekly_brief_validates_names_its_papers_and_agrees_with_its_page(weekly_site):
    out = weekly_site.output
    assert schema_errors(out) == []
    files = api_files(out)
    index = files[f"{API_ROOT}/index.json"]
    assert index["latest"]["weekly_brief"] == f"{API_ROOT}/briefs/weekly/2026-W37.json"
    brief = files[index["latest"]["weekly_brief"]]
    assert brief["kind"] == "weekly" and brief["date"] == "2026-09-13"  # the week's Sunday
    assert brief["status"] == "extractive" and brief["links"]["api"] == index["latest"]["weekly_brief"]
    numbered = [p["id"] for p in brief["papers"]]
    assert numbered and [p["number"] for p in brief["papers"]] == list(range(1, len(numbered) + 1))
    papers = {data["paper"]["id"]: data["paper"] for rel, data in files.items() if "/papers/" in rel}
    for item in brief["papers"]:  # the week's papers, each with its own file and page
        assert papers[item["id"]]["title"] == item["title"] and papers[item["id"]]["day"] >= "2026-09-07"
        assert item["links"]["html"] == papers[item["id"]]["links"]["html"]
    for lang in ("zh", "en"):
        assert brief[lang]["headline"]
        cited = {
            p
            for part in ("themes", "connections", "read_first")
            for entry in brief[lang][part]
            for p in (entry.get("papers") or [entry.get("paper")])
        }
        assert cited and cited <= set(numbered) | {c["id"] for c in brief["cited"]}, (lang, cited)
    for link in links_in(brief):
        assert (out / link).is_file(), link
    shown = html.unescape(page(out, brief["links"]["html"]))
    assert brief["en"]["headline"] in shown and brief["zh"]["headline"] in shown
    for item in brief["papers"]:
        assert item["title"] in shown


SITEURL = "https://radar.example.org/hub"


def test_llms_txt_follows_the_convention_and_its_links_resolve(out):
    text = page(out, "llms.txt")
    lines = text.splitlines()
    assert lines[0] == "# AcademicHub" and lines[2].startswith("> ")
    assert "## API" in lines and "## Latest briefs" in lines and "## Optional" in lines
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert f"{SITEURL}/api/v1/index.json" in links and f"{SITEURL}/briefs/2026-09-08.html" in links
    assert f"{SITEURL}/api/v1/briefs/daily/2026-09-08.json" in links
    for link in links:
        assert link.startswith(SITEURL + "/"), link
        assert (out / link.removeprefix(SITEURL + "/")).is_file(), link
    assert "Where error correction meets language models" in text


def test_the_topics_page_has_a_section_for_programs(out):
    text = page(out, "topics.html")
    section = text[text.index('<section id="for-programs"') :]
    section = section[: section.index("</section>")]
    hrefs = re.findall(r'href="\./([^"]+)"', section)
    assert "api/v1/index.json" in hrefs and "llms.txt" in hrefs and "api/v1/schemas/brief.schema.json" in hrefs
    for href in hrefs:
        assert (out / href).is_file(), href
    assert f"curl -s {SITEURL}/api/v1/index.json" in section
    assert 'href="./topics.html#for-programs"' in page(out, "index.html")


def documented_examples() -> tuple[str, str]:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "how-to" / "programs.md").read_text(encoding="utf-8")
    section = guide[: guide.index("\n## ")]
    shell = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    python = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    return shell, python


@pytest.fixture(scope="module")
def served(out):
    import threading

    from pipeline.site import make_server

    server = make_server(out, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_documented_examples_run_against_the_served_sample_site(served, tmp_path):
    import subprocess
    import sys

    shell, python = documented_examples()
    assert "http://127.0.0.1:8000" in shell and "http://127.0.0.1:8000/" in python
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", shell.replace("http://127.0.0.1:8000", served)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"api_version":1') == 2 and '"$id": "paper.schema.json"' in done.stdout
    assert "# AcademicHub" in done.stdout and "Quantum Information" in done.stdout
    done = subprocess.run(
        [sys.executable, "-c", python.replace("http://127.0.0.1:8000/", served + "/")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "arxiv:2609.00001 | Surface Codes Below Threshold with $d=7$ Lattices | "
        "First surface code below threshold. | Quantum Information: quantum error correction; "
        "Followed Authors: Subir Sachdev"
    )
    assert lines[1].startswith(f"arxiv:2609.00002 | {HOSTILE_TITLE} | We show <img src=x onerror=alert(1)>")
    assert len(lines) == 2
