"""Broken Unicode in every source kind, through the real `academichub fetch` and `academichub build`.

Scraped metadata carries lone surrogates (``"\\ud83d"`` in JSON), noncharacters (U+FFFE, U+FFFF) and
control characters.  Each kind serves a record holding them beside a clean one; the run must write
both (the text cleaned once, where records enter), keep its run record and candidates, and the site
built from them must have only well-formed XML: every feed, sitemap and OPML file parsed with lxml.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from helpers import RULES, fetch, last_run, read_entry, write_sources
from lxml import etree

from adversarial.test_fault_matrix import DAY, KINDS, ROOT, TITLE

# what no stored text may hold: lone surrogates, noncharacters, controls but tab and newline
UNUSABLE = re.compile("[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\x00-\x08\x0b-\x1f\x7f-\x9f]")
JSON_BROKEN = "\ud83d \ufffe \uffff \x01 \x85 \u0065\u0301"  # ends with e + a combining accent (NFC: é)
XML_BROKEN = "&#xD83D; \ufffe &#xFFFF; &#x1; \x02 \u0065\u0301"  # a reference to a surrogate, raw U+FFFE, controls
FIELDS = {  # the kind's text fields the broken text goes into ({} marks where; {t} the title)
    "crossref": {"title": ["{t} {}"], "abstract": "<jats:p>Abstract {}</jats:p>", "author.0.family": "Lovelace {}"},
    "biorxiv": {"title": "{t} {}", "abstract": "Abstract {}", "authors": "Lovelace{}, A.; Hopper, G."},
    "arxiv_api": {"title": "{t} {}", "summary": "Abstract {}", "name": "Ada Lovelace{}"},
    "arxiv_oai": {"title": "{t} {}", "abstract": "Abstract {}", "keyname": "Lovelace{}"},
    "arxiv_rss": {
        "title": "{t} {}",
        "description": "arXiv:{id}v1 Announce Type: new Abstract: Abstract {}",
        "creator": "Ada Lovelace{}, Grace Hopper",
    },
    "rss": {"title": "{t} {}", "description": "Abstract {}", "creator": "Ada Lovelace{}"},
    "openalex": {
        "title": "{t} {}",
        "abstract_inverted_index": {"Abstract": [0], "{}": [1]},
        "authorships.0.author.display_name": "Ada Lovelace{}",
    },
}


def broken_record(template, n: int, broken: str):
    """A field's value with the broken text in place of {} (a list of them for a list, keys for a dict)."""
    if isinstance(template, list):
        return [broken_record(t, n, broken) for t in template]
    if isinstance(template, dict):  # an inverted index: the words are its keys
        return {broken_record(word, n, broken): places for word, places in template.items()}
    return template.replace("{t}", TITLE.format(n=n)).replace("{id}", f"2604.{30000 + n}").replace("{}", broken)


def _cli(*args: str):
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )


def test_broken_unicode_in_every_source_kind(feed_server, run_cli, tmp_path, case):
    sources, broken_ids = [], {}
    for number, (name, kind) in enumerate(KINDS.items()):
        clean_n, broken_n = 10 * number + 1, 10 * number + 2  # distinct papers across kinds
        broken = JSON_BROKEN if kind.json else XML_BROKEN
        override = {field: broken_record(template, broken_n, broken) for field, template in FIELDS[name].items()}
        body = kind.page([kind.record(clean_n, {}), kind.record(broken_n, override)], 2, "")
        base = f"{feed_server.base}/{name}"
        feed_server.add(
            kind.path.replace("/attack", f"/{name}"),
            body=body,
            content_type="application/json" if kind.json else "application/xml",
        )
        sources.append({"id": name.replace("_", "-"), "label": name, **kind.source(base)})
        broken_ids[name.replace("_", "-")] = kind.paper_id(broken_n)
    write_sources(tmp_path, sources)

    result = fetch(run_cli, tmp_path, DAY)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output
    health = last_run(tmp_path)
    for source in broken_ids:
        assert health[source]["status"] == "ok" and health[source]["new"] == 2, (source, health[source])
    written = {e["paper_id"]: e for e in map(read_entry, (tmp_path / "content/papers").rglob("*.md"))}
    assert set(broken_ids.values()) <= set(written)
    for source, paper_id in broken_ids.items():
        entry = written[paper_id]
        text = json.dumps(entry["record"], ensure_ascii=False)
        assert not UNUSABLE.search(entry["title"] + text), (source, entry["title"])
        assert "\ufffd" in entry["title"] and "é" in entry["title"], (source, entry["title"])
        assert "\ufffd" in entry["record"]["abstract"], (source, entry["record"]["abstract"])
    candidates = (tmp_path / "state/candidates" / f"{DAY}.jsonl").read_text(encoding="utf-8")
    assert not UNUSABLE.search(candidates)

    built = _cli(
        "build",
        "--content",
        str(tmp_path / "content"),
        "--output",
        str(tmp_path / "output"),
        "--rules",
        str(RULES),
        "--state",
        str(tmp_path / "state"),
    )
    assert built.returncode == 0, built.stderr
    documents = [p for p in (tmp_path / "output").rglob("*") if p.suffix in (".xml", ".opml")]
    assert any(p.name == "all.atom.xml" for p in documents) and any(p.name == "sitemap.xml" for p in documents)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)  # strict: recover=False
    for document in documents:
        etree.parse(str(document), parser)  # raises XMLSyntaxError on a document that is not well-formed
    for api in (tmp_path / "output/api").rglob("*.json"):
        json.loads(api.read_text(encoding="utf-8"))
    case(
        "text",
        "lone surrogates, U+FFFE/U+FFFF, C0/C1 controls and decomposed accents in a record of every "
        "source kind (JSON: \\ud83d; XML: &#xD83D;, raw U+FFFE)",
        "every record written with U+FFFD in place, NFC; run record kept; every XML output well-formed",
        f"{len(broken_ids)} kinds: 2 written each; {len(documents)} XML files parsed by lxml",
    )


def test_xml_writers_refuse_what_xml_forbids():
    from feedgenerator import Atom1Feed  # noqa: F401 (the writers' base)

    from pipeline.site.feeds import AtomFeed, RssFeed
    from pipeline.text import xml_text

    hostile = "A \x00\x01 title \ud83d with \ufffe and \uffff"
    for feed_class in (AtomFeed, RssFeed):
        feed = feed_class(title=hostile, link="https://example.org/", description=hostile, language="en")
        feed.add_item(
            title=hostile, link="https://example.org/p", description=hostile, authors=[hostile], categories=[hostile]
        )
        document = feed.writeString("utf-8")
        root = etree.fromstring(document.encode("utf-8"))
        assert "A  title  with  and " in etree.tostring(root, encoding="unicode")
    element = etree.fromstring(f'<a b="{xml_text(hostile)}">{xml_text(hostile)}</a>'.encode())
    assert element.text == element.get("b") == "A  title  with  and "


def test_a_record_that_reaches_a_write_uncleaned_costs_that_record_only(tmp_path):
    """Text is cleaned where records enter; a write that still meets a lone surrogate names the file and
    fails that paper alone, never the run."""
    from datetime import UTC, date, datetime

    from pipeline.archive.index import Index, write_papers
    from pipeline.models import Paper

    when = datetime(2026, 4, 27, tzinfo=UTC)
    papers = [
        Paper(
            id=f"doi:10.5555/{n}",
            title=title,
            source="journal",
            source_label="Journal",
            published=when,
            doi=f"10.5555/{n}",
        )
        for n, title in enumerate(["Broken \ud83d title", "A good title"])
    ]
    index = Index.load(tmp_path / "content", tmp_path / "state/papers.json")
    broken, good = write_papers(papers, index, date(2026, 4, 27))
    assert broken.kind == "failed" and "not valid Unicode (surrogates not allowed" in broken.why
    assert good.kind == "new" and list(index.entries) == ["doi:10.5555/1"]
