"""Entries are read with Python-Markdown's metadata extension only (MARKDOWN in pelicanconf.py).

An entry's body is HTML blocks (the abstract, the brief section, a daily brief's digest), so the
extensions Pelican adds by default ("extra", "codehilite") change nothing in what is read — they
only made reading an entry slower. Checked on the demo's real entries with their extractive briefs
and daily brief, the crafted hostile and math entries, and an abstract full of Markdown syntax.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG, read_settings
from site_helpers import ROOT, write_crafted

from pipeline.archive.entry import entry_path, render_entry
from pipeline.brief import load_config, resolve_settings, run_brief
from pipeline.config import load_rules
from pipeline.fetch.job import run_fetch
from pipeline.files import atomic_write
from pipeline.layout import Layout
from pipeline.models import Author, Paper, Selection
from pipeline.project.demo import DEMO_DAY, demo_sources, serve_samples

MARKDOWN_SYNTAX = (
    "*Emphasis*, __strong__, `code`, [a link](https://example.org) and ![an image](x.png); "
    "| a | b | table | --- |; a footnote[^1]; ~~~ fence ~~~; <https://auto.link>; Term : definition; "
    "H~2~O, x^2^, 1. not a list, # not a heading, > not a quote, $a_1 * b_2$ and \\(x\\)."
)


def _entries(root):
    layout = Layout(root / "content", root / "state")
    rules = ROOT / "rules"
    with serve_samples() as base:
        run_fetch(demo_sources(base), load_rules(rules), layout, DEMO_DAY)
    run_brief(layout, resolve_settings(load_config(None), extractive=True), rules_dir=rules, day=DEMO_DAY)
    write_crafted(layout.content)
    day = datetime(2026, 9, 9, tzinfo=UTC)
    paper = Paper(
        id="arxiv:2609.00099",
        title="Markdown *inside* a [title](x)",
        source="arxiv-cs-ai",
        source_label="arXiv (CS.AI)",
        version=1,
        authors=(Author("Ada *Star*"), Author("B_o_b")),
        abstract=MARKDOWN_SYNTAX,
        categories=("cs.AI",),
        published=day,
        updated=day,
        url="https://arxiv.org/abs/2609.00099",
        topics=(Selection("llm-agents", 2, keywords=("agent*",)),),
    )
    atomic_write(layout.content / entry_path(paper), render_entry(paper))
    return sorted(layout.content.rglob("*.md"))


def _settings(content: Path, **override) -> dict:
    """The project's Pelican settings, reading ``content`` (a fresh checkout has no content/ yet)."""
    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content), **override})


def _reader(content: Path, markdown: dict) -> MarkdownReader:
    return MarkdownReader(_settings(content, MARKDOWN=copy.deepcopy(markdown)))


def test_project_markdown_reads_entries_as_the_default_extensions_do(tmp_path):
    entries = _entries(tmp_path)
    bodies = [path.read_text(encoding="utf-8") for path in entries]
    assert any("<!-- brief -->" in body for body in bodies), "the demo's entries carry extractive briefs"
    assert any("Brief_kind: daily" in body for body in bodies), "and a daily brief"
    assert any("not a heading" in body for body in bodies)
    project = _reader(tmp_path, _settings(tmp_path)["MARKDOWN"])
    default = _reader(tmp_path, DEFAULT_CONFIG["MARKDOWN"])
    assert "markdown.extensions.extra" not in project.settings["MARKDOWN"]["extensions"]
    for path in entries:
        content, metadata = project.read(str(path))
        expected_content, expected_metadata = default.read(str(path))
        assert content == expected_content, path
        assert {k: str(v) for k, v in metadata.items()} == {k: str(v) for k, v in expected_metadata.items()}, path
