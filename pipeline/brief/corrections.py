"""Reviewed corrections (``corrections/*.yml``) laid over briefs after every run of the stage, so
that a correction survives re-briefing; each corrected brief records what was done and why."""

from __future__ import annotations

from ..archive.entry import Entry
from ..config.corrections import Correction
from .entries import write_entry
from .report import BriefReport


def corrected(brief: dict, correction: Correction) -> dict:
    """``brief`` with the correction's fields replaced or left out, and the correction recorded."""
    out = {key: dict(value) if isinstance(value, dict) else value for key, value in brief.items()}
    for name, text in correction.replace.items():
        lang, _, field = name.partition(".")
        if isinstance(out.get(lang), dict):
            out[lang][field] = text
    for name in correction.hide:
        lang, _, field = name.partition(".")
        if isinstance(out.get(lang), dict):
            out[lang].pop(field, None)
    out["correction"] = {
        "action": correction.action,
        "reason": correction.reason,
        "reviewed_by": correction.reviewed_by,
    }
    return out


def pinned(entry: Entry, corrections: dict[str, Correction]) -> bool:
    """A paper whose brief is pinned: never written again while it has one."""
    correction = corrections.get(entry.paper.id)
    return correction is not None and correction.action == "pin" and entry.brief is not None


def apply_corrections(entries: list[Entry], corrections: dict[str, Correction], report: BriefReport) -> list[Entry]:
    """Every entry with a brief and a correction, rewritten with it (an entry already corrected is
    left as it is); a correction of a paper that is not in the archive is reported."""
    known = {entry.paper.id for entry in entries}
    report.notes += [
        f"{c.path}: {c.target} is not in the archive; the correction was not applied"
        for c in corrections.values()
        if c.kind == "paper" and c.target not in known
    ]
    out = []
    for entry in entries:
        correction = corrections.get(entry.paper.id)
        if correction is not None and entry.brief is not None:
            entry = write_entry(entry, entry.status, corrected(entry.brief, correction), report)
        out.append(entry)
    return out
