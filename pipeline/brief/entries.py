"""A paper entry as the brief stage reads and rewrites it: its brief status, ``Brief:`` line and
brief section; nothing else in the entry changes."""

from __future__ import annotations

import html
import json
import logging
import threading

from ..archive.entry import BriefStatus, Entry, brief_stale, paper_digest, with_brief
from ..files import atomic_write
from .report import BriefReport
from .schemas import TEXT_FIELDS

log = logging.getLogger(__name__)


LABELS = {
    "en": {
        "problem": "Problem",
        "method": "Method",
        "results": "Results",
        "why_it_matters": "Why it matters",
        "keywords": "Keywords",
    },
    "zh": {"problem": "问题", "method": "方法", "results": "结果", "why_it_matters": "意义", "keywords": "关键词"},
}


UNVERIFIED = {  # what a brief was checked against: its label when the check failed
    "paper": "Unverified: this brief states numbers, names or acronyms that the abstract does not give. "
    "未经核实：本简报含有摘要中没有的数字、名称或缩写。",
    "digest": "Unverified: this brief states numbers, names or acronyms that the papers it cites do not give. "
    "未经核实：本简报含有所引论文中没有的数字、名称或缩写。",
}


def unverified(brief: dict, kind: str) -> list[str]:
    """The label and the failures of a model brief whose grounding check failed, as escaped HTML lines."""
    if brief.get("extractive") or brief.get("grounded") is not False:
        return []
    return [
        f'<p class="brief-label brief-unverified">{escape(UNVERIFIED[kind])}</p>',
        '<ul class="brief-failures">'
        + "".join(f"<li>{escape(f)}</li>" for f in brief.get("grounding_failures", []))
        + "</ul>",
    ]


EXTRACTIVE_LABEL = (
    "Extractive summary: sentences quoted from the abstract, not written by a language model. "
    "摘录式摘要：摘自原文摘要，并非大语言模型生成。"
)


def escape(text: str) -> str:
    """Text for an HTML element or attribute."""
    return html.escape(text, quote=True)


def render_section(brief: dict) -> str:
    """The brief as one HTML block of escaped text (no blank line inside, so Markdown leaves it alone)."""
    extractive = bool(brief.get("extractive"))
    kind = "extractive" if extractive else "model"
    out = [
        f'<div class="brief brief-{kind}" data-model="{escape(brief.get("model", ""))}" '
        f'data-prompt-version="{escape(brief.get("prompt_version", ""))}">'
    ]
    if extractive:
        out.append(f'<p class="brief-label">{escape(EXTRACTIVE_LABEL)}</p>')
    out += unverified(brief, "paper")
    for lang in [k for k in brief if isinstance(brief[k], dict)]:
        text = brief[lang]
        labels = LABELS.get(lang, LABELS["en"])
        out.append(f'<section class="brief-lang" lang="{escape(lang)}">')
        out.append(f'<p class="brief-tldr">{escape(text.get("tldr", ""))}</p>')
        rows = [(labels[k], text.get(k, "")) for k in TEXT_FIELDS[1:] if text.get(k)]
        if rows:
            out.append(
                '<dl class="brief-fields">'
                + "".join(f"<dt>{escape(a)}</dt><dd>{escape(b)}</dd>" for a, b in rows)
                + "</dl>"
            )
        if text.get("keywords"):
            out.append(
                f'<ul class="brief-keywords" aria-label="{escape(labels["keywords"])}">'
                + "".join(f"<li>{escape(k)}</li>" for k in text["keywords"])
                + "</ul>"
            )
        out.append("</section>")
    if not extractive:
        out.append(f'<p class="brief-credit">{escape(credit(brief))}</p>')
    out.append("</div>")
    return "\n".join(out) + "\n"


def credit(brief: dict) -> str:
    """Who wrote a model brief, when, from what, and whether its claims were found in the source."""
    source = {"abstract": "from the title and abstract", "full text": "from the full text"}.get(
        brief.get("input", ""), ""
    )
    parts = [
        brief.get("model", ""),
        brief.get("prompt_version", ""),
        brief.get("written", ""),
        source,
        {True: "checked against the abstract", False: "unverified"}.get(brief.get("grounded"), ""),
    ]
    return " · ".join(p for p in parts if p)


def needs_brief(entry: Entry, with_model: bool) -> bool:
    if entry.status in (BriefStatus.PENDING, BriefStatus.FAILED):
        return True
    # no brief for its status (an older writer dropped it: restore it), or one of an earlier version
    if brief_stale(entry.meta.get("Brief", ""), entry.paper):
        return True
    return with_model and entry.status == BriefStatus.EXTRACTIVE


def outdated(entry: Entry, model: str, prompt_version: str) -> bool:
    """A model brief written by another model or prompt version than ``model`` and ``prompt_version``."""
    brief = entry.brief
    return (
        entry.status == BriefStatus.DONE
        and brief is not None
        and not brief.get("extractive")
        and (brief.get("model"), brief.get("prompt_version")) != (model, prompt_version)
    )


_COUNTING = threading.Lock()


def write_entry(entry: Entry, status: BriefStatus, brief: dict | None, report: BriefReport) -> Entry:
    if brief is not None:
        brief = {**brief, "paper_digest": paper_digest(entry.paper)}
    text = with_brief(entry, status, brief, render_section(brief) if brief is not None else "")
    if atomic_write(entry.path, text):
        with _COUNTING:  # entries are written from worker threads
            report.written += 1
    meta = dict(entry.meta, Brief_status=status)
    if brief is not None:
        meta["Brief"] = json.dumps(brief, ensure_ascii=False, sort_keys=True)
    return Entry(entry.path, entry.rel, entry.paper, meta, text)


def mark_failed(entry: Entry, report: BriefReport) -> Entry:
    """A paper the model could not brief: ``failed`` (tried again next run); an earlier brief is kept as it was."""
    if entry.brief is not None and entry.status in (BriefStatus.DONE, BriefStatus.EXTRACTIVE):
        return entry
    return write_entry(entry, BriefStatus.FAILED, None, report)
