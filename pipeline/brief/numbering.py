"""A day's (or week's) cards in home-page order, and the resolution of a model's references to them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..archive.entry import Entry, card_order
from .report import BriefReport


@dataclass(frozen=True)
class Card:
    label: str  # "01"
    entry: Entry


class Numbering:
    """The cards of a day (or week) in home-page order, and the resolution of a model's references to them."""

    def __init__(self, entries: list[Entry]):
        self.cards = [Card(f"{i:02d}", e) for i, e in enumerate(entries, 1)]
        self.by_id = {c.entry.paper.id: c for c in self.cards}
        self._by_key = {c.entry.paper.id.lower(): c for c in self.cards}

    def resolve(self, ref: str) -> Card | None:
        """A card for a reference such as "07", "[7]", "#7", "arXiv:2604.22038v2" or "2604.22038"; None if unknown."""
        text = ref.strip().strip("[]().#").strip()
        if re.fullmatch(r"\d{1,4}\.?", text):
            number = int(text.rstrip("."))
            return self.cards[number - 1] if 1 <= number <= len(self.cards) else None
        key = text.lower()
        key = re.sub(r"^(https?://arxiv\.org/(abs|pdf)/)", "arxiv:", key)
        if re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?", key):
            key = "arxiv:" + key
        key = re.sub(r"^(arxiv:\S+?)v\d+$", r"\1", key)
        if key.startswith("10."):
            key = "doi:" + key
        return self._by_key.get(key)


_CARD_REFS = re.compile(r"\s*[\[(（【]\s*#?\d{1,3}(?![\d.])(?:\s*[,，、;]\s*#?\d{1,3}(?![\d.]))*\s*[\])）】]")


def resolved(answer: dict, numbering: Numbering, languages: tuple[str, ...], report: BriefReport) -> dict:
    """A cached or fresh answer with every language's references resolved (the dropped ones counted)."""
    brief = {k: v for k, v in answer.items() if not isinstance(v, dict)}
    for lang in languages:
        brief[lang], dropped = resolve_digest(answer[lang], numbering)
        report.dropped_refs += dropped
    return brief


def unnumbered(text: str) -> str:
    """Text without card numbers the model put into it: the cards are renumbered, the links carry them."""
    return _CARD_REFS.sub("", text)


def resolve_digest(text: dict, numbering: Numbering) -> tuple[dict, int]:
    """Answer (with card refs) → stored brief (with paper ids); claims citing only unknown papers are dropped."""
    dropped = 0

    def ids(refs: list[str]) -> list[str]:
        nonlocal dropped
        out = []
        for ref in refs:
            card = numbering.resolve(ref)
            if card is None:
                dropped += 1
            elif card.entry.paper.id not in out:
                out.append(card.entry.paper.id)
        return out

    result = {"headline": unnumbered(text["headline"])}
    for name in ("themes", "connections", "changes"):
        if name not in text:
            continue
        items = []
        for item in text[name]:
            cited = ids(item["papers"])
            if cited or (name == "changes" and not item["papers"]):
                items.append({**item, "text": unnumbered(item["text"]), "papers": cited})
        result[name] = items
    picks = []
    for pick in text["read_first"]:
        card = numbering.resolve(pick["paper"])
        if card is None:
            dropped += 1
        elif all(p["paper"] != card.entry.paper.id for p in picks):
            picks.append({"paper": card.entry.paper.id, "why": unnumbered(pick["why"])})
    result["read_first"] = picks
    return result, dropped


def in_english(brief: dict) -> dict | None:
    """A brief's English text, else its first language's; None when it has none."""
    return next((brief[k] for k in ("en", *brief) if isinstance(brief.get(k), dict)), None)


def cited_ids(brief: dict) -> list[str]:
    """Every paper id a brief cites, in the order it first cites them."""
    out: list[str] = []
    for lang in (k for k in brief if isinstance(brief[k], dict)):
        for name in ("themes", "connections", "changes"):
            for item in brief[lang].get(name, []):
                out += [p for p in item["papers"] if p not in out]
        out += [p["paper"] for p in brief[lang].get("read_first", []) if p["paper"] not in out]
    return out


def cited(brief: dict, numbering: Numbering) -> list[str]:
    """Every cited paper id, in card order."""
    found = set(cited_ids(brief))
    return [c.entry.paper.id for c in numbering.cards if c.entry.paper.id in found]


def home_order(entry: Entry) -> tuple:
    """The site's order of a day's cards (``card_order``)."""
    return card_order((t.score for t in entry.paper.topics), entry.meta.get("Slug", entry.rel))


def cited_first(brief: dict, numbering: Numbering) -> Numbering:
    """The final card numbers: the cited papers first, as the home page puts them, then the others."""
    ids = set(cited(brief, numbering))
    cards = [c.entry for c in numbering.cards]
    return Numbering([e for e in cards if e.paper.id in ids] + [e for e in cards if e.paper.id not in ids])
