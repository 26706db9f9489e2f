"""What the pages say about where a summary comes from, rendered from the theme's own macros."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from jinja2 import Environment, FileSystemLoader

THEME = Path(__file__).resolve().parents[2] / "theme" / "templates"


def _tldr(status: str) -> str:
    env = Environment(loader=FileSystemLoader(str(THEME)))
    env.filters["author_url"] = str  # the site's filter; a summary does not link authors
    macros = env.get_template("_macros.html").make_module({"topics": {}})
    brief = {"zh": {"tldr": "一句话"}, "en": {"tldr": "One sentence."}}
    return str(macros.tldr(SimpleNamespace(brief=brief, paper={"brief_status": status})))


def test_an_extractive_summary_is_said_to_be_quoted_from_the_abstract():
    quoted = _tldr("extractive")
    assert "From the abstract" in quoted and "摘自摘要" in quoted and "TL;DR" not in quoted
    assert "TL;DR" in _tldr("done") and "From the abstract" not in _tldr("done")

