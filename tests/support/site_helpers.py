"""A realistic site for the website tests: the bundled demo feeds, plus entries written with the
pipeline's own writer that carry a brief, hostile text and math, plus a daily brief.

The site is built once per test session (a real Pelican + Pagefind build into a temp folder).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sample_site import sample_sources

from pipeline.archive.entry import entry_path, render_entry
from pipeline.config import load_rules
from pipeline.fetch.job import run_fetch
from pipeline.fetch.sources import SourcesFile
from pipeline.files import atomic_write
from pipeline.layout import Layout
from pipeline.models import Author, Paper, Selection
from pipeline.project.demo import DEMO_DAY, serve_samples

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime(2026, 9, 8, tzinfo=UTC)

HOSTILE_TITLE = '<script>alert("title")</script> Attention <b>is</b> all & more'
HOSTILE_ABSTRACT = "We show <img src=x onerror=alert(1)> that $E = mc^2$ holds when a < b && c > d."
HOSTILE_AUTHOR = '<script>alert("author")</script> Mallory'
BRIEF_ZH_WORD = "拓扑量子纠错"
SEARCH_BUCKET_PAGES = 12


def _brief(tldr_zh: str, tldr_en: str) -> dict:
    return {
        "model": "test-model",
        "prompt_version": "p1",
        "zh": {
            "tldr": tldr_zh,
            "problem": "如何在噪声下保护量子信息。",
            "method": "提出一种" + BRIEF_ZH_WORD + "方案。",
            "results": "逻辑错误率下降一个数量级。",
            "why_it_matters": "使容错量子计算更近一步。",
            "keywords": ["量子纠错", "表面码"],
        },
        "en": {
            "tldr": tldr_en,
            "problem": "Protecting quantum information from noise.",
            "method": "A topological code.",
            "results": "Ten times lower logical error rate.",
            "why_it_matters": "Brings fault tolerance closer.",
            "keywords": ["error correction", "surface code"],
        },
    }


def crafted_papers() -> list[tuple[Paper, dict | None]]:
    surface = Paper(
        id="arxiv:2609.00001",
        title="Surface Codes Below Threshold with $d=7$ Lattices",
        source="arxiv-quant-ph",
        source_label="arXiv (QUANT-PH)",
        version=1,
        authors=(Author("Ada Quantum", ("Institute of Qubits",)), Author("Subir Sachdev")),
        abstract="We demonstrate logical qubits whose error rate falls as $\\epsilon_L \\propto (p/p_{th})^{(d+1)/2}$.",
        categories=("quant-ph",),
        published=DAY,
        updated=DAY,
        url="https://arxiv.org/abs/2609.00001",
        pdf="https://arxiv.org/pdf/2609.00001v1",
        arxiv_id="2609.00001",
        code_links=("https://github.com/example/surface",),
        topics=(
            Selection("quantum-information", 3, keywords=("quantum error correction",), categories=("quant-ph",)),
            Selection("followed-authors", 1, authors=("Subir Sachdev",)),
        ),
    )
    hostile = Paper(
        id="arxiv:2609.00002",
        title=HOSTILE_TITLE,
        source="arxiv-cs-ai",
        source_label="arXiv (CS.AI)",
        version=2,
        authors=(Author(HOSTILE_AUTHOR), Author("Ada Quantum")),
        abstract=HOSTILE_ABSTRACT,
        categories=("cs.AI",),
        published=DAY,
        updated=DAY,
        url="https://arxiv.org/abs/2609.00002",
        pdf="https://arxiv.org/pdf/2609.00002v2",
        arxiv_id="2609.00002",
        topics=(Selection("language-models", 2, keywords=("language model*",), categories=("cs.AI",)),),
    )
    brief = _brief("<script>alert('brief')</script>首个低于阈值的表面码实验。", "First surface code below threshold.")
    return [(surface, brief), (hostile, None)]


def write_crafted(content: Path) -> None:
    for paper, brief in crafted_papers():
        text = render_entry(paper, brief_status="done" if brief else "pending")
        if brief:
            head, body = text.split("\n\n", 1)
            text = head + "\nBrief: " + json.dumps(brief, ensure_ascii=False) + "\n\n" + body
        atomic_write(content / entry_path(paper), text)
    daily = {
        "model": "test-model",
        "prompt_version": "d1",
        "zh": {
            "headline": "量子纠错与语言模型的交汇",
            "themes": [{"title": "容错", "text": "表面码首次低于阈值。", "papers": ["arxiv:2609.00001"]}],
            "connections": [{"text": "两篇论文都关注可靠性。", "papers": ["arxiv:2609.00001", "arxiv:2609.00002"]}],
            "read_first": [{"paper": "arxiv:2609.00001", "why": "实验里程碑。"}],
        },
        "en": {
            "headline": "Where error correction meets language models",
            "themes": [
                {
                    "title": "Fault tolerance",
                    "text": "Surface codes go below threshold.",
                    "papers": ["arxiv:2609.00001"],
                }
            ],
            "connections": [
                {
                    "text": "Both papers are about reliability <script>alert('daily')</script>.",
                    "papers": ["arxiv:2609.00001", "arxiv:2609.00002"],
                }
            ],
            "read_first": [{"paper": "arxiv:2609.00001", "why": "A milestone."}],
        },
    }
    atomic_write(
        content / "briefs" / "2026-09-08.md",
        "\n".join(
            [
                "Title: 每日简报 2026-09-08",
                "Date: 2026-09-08T06:00:00+00:00",
                "Category: daily-brief",
                "Slug: brief-2026-09-08",
                "Summary: 量子纠错与语言模型的交汇",
                "Brief_kind: daily",
                "Papers: arxiv:2609.00001; arxiv:2609.00002",
                "Brief: " + json.dumps(daily, ensure_ascii=False),
                "",
                '<div class="digest"><p>量子纠错与语言模型的交汇</p></div>',
                "",
            ]
        ),
    )


@dataclass(frozen=True)
class Site:
    root: Path  # holds content/ and state/
    output: Path


SITEURL = "https://radar.example.org/hub"

_built: Site | None = None


def recent_papers(output: Path) -> list[dict]:
    """The recent papers' card records as the pages read them: the parts data/index.json lists, in order."""
    index = json.loads((output / "data" / "index.json").read_text(encoding="utf-8"))
    return [p for part in index["parts"] for p in json.loads((output / part["file"]).read_text(encoding="utf-8"))]


def make_site(root: Path) -> Site:
    """The demo site with the crafted entries, fetched and built in ``root``."""
    # the demo's fetch (bundled real feeds on 127.0.0.1); briefs only where crafted below
    with serve_samples() as base:
        run_fetch(
            SourcesFile.model_validate(sample_sources(base)),
            load_rules(ROOT / "rules"),
            Layout(root / "content", root / "state"),
            DEMO_DAY,
        )
    write_crafted(root / "content")
    # the project's settings, with search bundles so small that the index is split (as a large archive's is)
    (root / "testconf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPAGEFIND_BUCKET_PAGES = {SEARCH_BUCKET_PAGES}\n",
        encoding="utf-8",
    )
    site = Site(root, root / "output")
    rebuild(site)
    return site


def rebuild(site: Site):
    """Build the site again from its content/ and state/ (the output folder is kept, as the daily job keeps it)."""
    from pipeline.site import build

    return build(
        site.root / "content",
        site.output,
        settings_file=site.root / "testconf.py",
        rules=ROOT / "rules",
        state=site.root / "state",
        siteurl=SITEURL,
    )


def site_copy(root: Path) -> Site:
    """The sample site's content/, state/ and settings copied into ``root``, to change and build there."""
    import shutil

    source = built_site()
    for name in ("content", "state"):
        shutil.copytree(source.root / name, root / name)
    (root / "testconf.py").write_text((source.root / "testconf.py").read_text(encoding="utf-8"), encoding="utf-8")
    return Site(root, root / "output")


def with_weekly_brief(site: Site) -> Site:
    """``site`` with the weekly brief of the sample's week (2026-W37), written by the real
    `academichub brief --weekly` (extractive), and built."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "brief",
            "--extractive",
            "--weekly",
            "--date",
            "2026-09-08",
            "--rules",
            str(ROOT / "rules"),
        ],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert done.returncode == 0 and "briefs/weekly/2026-W37.md" in done.stderr, done.stdout + done.stderr
    rebuild(site)
    return site


def built_site() -> Site:
    """The demo site with the crafted entries, built once per session."""
    global _built
    if _built is None:
        _built = make_site(Path(tempfile.mkdtemp(prefix="academichub-site-")))
    return _built


_embedded: Site | None = None


def embedded_site() -> Site:
    """The same site with the semantic extra's vectors (the real local model), built once per session."""
    global _embedded
    if _embedded is None:
        import shutil

        from pipeline.semantic.embedders import LocalEmbedder
        from pipeline.semantic.stage import embed_archive

        plain = built_site()
        root = Path(tempfile.mkdtemp(prefix="academichub-site-vectors-"))
        for name in ("content", "state"):
            shutil.copytree(plain.root / name, root / name)
        shutil.copy(plain.root / "testconf.py", root / "testconf.py")
        model = LocalEmbedder()
        model.load()
        embed_archive(root / "content", root / "state", model)
        _embedded = Site(root, root / "output")
        rebuild(_embedded)
    return _embedded
