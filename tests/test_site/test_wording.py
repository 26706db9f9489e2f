"""What the pages say about where a summary comes from, rendered from the theme's own macros."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import Environment, FileSystemLoader
from site_helpers import built_site

from pipeline.models import PaperView
from pipeline.site.plugin import add_filters
from pipeline.site.views import text_lang

THEME = Path(__file__).resolve().parents[2] / "theme" / "templates"


def _tldr(status: str) -> str:
    env = Environment(loader=FileSystemLoader(str(THEME)))
    pelican = SimpleNamespace(settings={"AUTHOR_URL": "authors/{slug}.html"})
    add_filters(pelican)  # the site's own filters, as the theme gets them
    env.filters.update(pelican.settings["JINJA_FILTERS"])
    env.filters["author_url"] = str  # a summary does not link authors
    macros = env.get_template("_macros.html").make_module({"topics": {}})
    brief = {"zh": {"tldr": "一句话"}, "en": {"tldr": "One sentence."}}
    return str(macros.tldr(SimpleNamespace(brief=brief, paper=PaperView(brief_status=status))))


def test_an_extractive_summary_is_said_to_be_quoted_from_the_abstract():
    quoted = _tldr("extractive")
    assert "From the abstract" in quoted and "摘自摘要" in quoted and "TL;DR" not in quoted
    assert "TL;DR" in _tldr("done") and "From the abstract" not in _tldr("done")


def test_each_tldr_is_tagged_with_its_own_language():
    assert '<span class="zh" lang="zh-CN">一句话</span><span class="en" lang="en">One sentence.</span>' in _tldr("done")


# (text, its tag): Han characters at least a third of the letters make it Chinese
LANGUAGE_CASES = [
    ("Attention Is All You Need", "en"),
    ("基于扩散模型的蛋白质结构生成", "zh-CN"),
    ("提出一种基于扩散模型的蛋白质结构生成方法，在 CASP15 上优于 AlphaFold2。", "zh-CN"),  # 22 Han of 35 letters
    ("用 Transformer 做 retrieval", "en"),  # 2 Han of 20 letters
    ("大模型 LLM", "zh-CN"),  # 3 Han of 6 letters
    ("中 abcdef", "en"),  # 1 Han of 7 letters
    ("中文 abcd", "zh-CN"),  # 2 of 6: exactly a third
    ("Zoë Müller, Ångström-scale 3D imaging", "en"),  # accented Latin letters are letters, not Han
    ("𠀀𠀁 ab", "zh-CN"),  # ideographs beyond the Basic Multilingual Plane (extension B)
    ("日本語のテキストです", "en"),  # 3 Han of 10 letters: kana are letters, not Han
    ("2024 · 12/04 — (!)", "en"),  # no letters at all
    ("", "en"),
    (None, "en"),
]


@pytest.mark.parametrize(("text", "lang"), LANGUAGE_CASES)
def test_text_lang_tags_text_by_the_share_of_han_among_its_letters(text, lang):
    assert text_lang(text) == lang


@pytest.mark.skipif(not shutil.which("node"), reason="needs node")
def test_the_browser_tags_text_by_the_same_rule():
    """theme/js/util.js textLang, as cards.js uses it on the cards it clones, agrees with text_lang (the
    Han ranges it counts are the module the build writes from views.HAN)."""
    util = built_site().output / "theme" / "js" / "util.js"
    texts = [text for text, _ in LANGUAGE_CASES]
    script = (
        f"import({json.dumps(util.as_uri())}).then((m) => "
        f"console.log(JSON.stringify({json.dumps(texts)}.map(m.textLang))))"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [lang for _, lang in LANGUAGE_CASES]
