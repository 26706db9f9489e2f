"""An entry as the templates see it: the paper (its Record, with fallbacks from the metadata), its
brief, its events and its two days; and the topics named by the rule files."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from pelican.contents import Article
from pelican.utils import set_date_tzinfo

from ..archive.entry import card_order
from ..config import load_rules
from ..models import Author, PaperView, Selection

log = logging.getLogger(__name__)


BRIEF_CATEGORIES = {"daily-brief": "daily", "weekly-brief": "weekly"}


# Authors named in full by every output but a paper's own page and API file (the AUTHORS_LISTED setting):
# a collaboration paper has thousands, and each list page, feed and citation naming them all grew the
# site by megabytes a paper.
AUTHORS_LISTED = 20


def authors_listed(settings: dict) -> int:
    return int(settings.get("AUTHORS_LISTED") or AUTHORS_LISTED)


def listed_authors(authors, settings: dict) -> tuple[list, str]:
    """The authors an output names (at most AUTHORS_LISTED), and what stands for the others: "et al. —
    3,000 authors", or "" when they are all named."""
    limit = authors_listed(settings)
    if len(authors) <= limit:
        return list(authors), ""
    return list(authors[:limit]), f"et al. — {len(authors):,} authors"


# Names of categories that are not rules.
BUILTIN_TOPICS = {
    "daily-brief": (
        "每日简报",
        "Daily briefs",
        "每天一篇由大语言模型撰写的交叉领域文献分析简报。",
        "A daily cross-domain analysis of the selected papers, written by a language model.",
    ),
    "weekly-brief": (
        "每周简报",
        "Weekly briefs",
        "每周的交叉领域文献分析简报。",
        "A weekly cross-domain analysis brief.",
    ),
    "uncategorised": ("未分类", "Uncategorised", "未匹配任何规则的论文。", "Papers no rule matched."),
}


@dataclass(frozen=True)
class Topic:
    """A topic (a curation rule, or a built-in category such as the daily briefs)."""

    id: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    path: str = ""  # the rule file, for the "edit this rule" link


def load_topics(rules_dir: Path) -> dict[str, Topic]:
    """Topic names and descriptions from ``rules/*.yml`` (a broken rule file stops the build)."""
    topics = {key: Topic(key, *names) for key, names in BUILTIN_TOPICS.items()}
    if not rules_dir.is_dir():
        log.warning("%s: no rules folder; topics are shown by their ids", rules_dir)
        return topics
    for rule in load_rules(rules_dir):
        topics[rule.id] = Topic(
            rule.id,
            rule.name.zh or rule.name.en,
            rule.name.en,
            rule.description.zh or rule.description.en,
            rule.description.en,
            Path(rule.path).name,
        )
    return topics


def topic_for(topics: dict[str, Topic], topic_id: str) -> Topic:
    return topics.get(topic_id) or Topic(topic_id, topic_id, topic_id, "", "")


def json_meta(instance: Article, key: str) -> dict | None:
    """A JSON metadata line, or None (a malformed line is reported, never fatal)."""
    text = instance.metadata.get(key)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        log.warning("%s: %s: not valid JSON (%s); ignored", instance.source_path, key.capitalize(), exc)
        return None
    return value if isinstance(value, dict) else None


# Han ideographs: the CJK Unified Ideographs with their extensions (A, and B onwards in the
# supplementary planes) and the compatibility ideographs. The theme's scripts read them from the
# module the build writes (scripts.py).
HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _is_han(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in HAN)


def text_lang(text) -> str:
    """The language tag of a block of text on the site: "zh-CN" when Han characters are at least a
    third of its letters, else "en" (titles, abstracts and English briefs inside a Chinese page).
    Text with no letters at all is "en"; digits, spaces and punctuation are not letters."""
    letters = han = 0
    for char in str(text or ""):
        if char.isalpha():
            letters += 1
            han += _is_han(char)
    return "zh-CN" if han and 3 * han >= letters else "en"


def split_list(text) -> list[str]:
    return [part.strip() for part in str(text or "").split(";") if part.strip()]


def paper_view(instance: Article) -> PaperView:
    """The paper as the templates see it: the Record, with fallbacks from the metadata."""
    meta = instance.metadata
    fallback = PaperView(
        id=str(meta.get("paper_id") or instance.slug),
        title=str(instance.title),
        authors=tuple(Author(str(a)) for a in getattr(instance, "authors", [])),
        topics=tuple(Selection(rule=t, score=0) for t in split_list(meta.get("topics"))),
        url=str(meta.get("abs_url") or ""),
        pdf=str(meta.get("pdf") or ""),
        doi=str(meta.get("doi") or ""),
        version=str(meta.get("version") or ""),
        source_label=str(meta.get("source_label") or meta.get("source") or ""),
        brief_status=str(meta.get("brief_status") or "pending"),
        received=str(meta.get("received") or ""),
    )
    return PaperView.from_record(json_meta(instance, "record"), fallback)


def published_day_of(article: Article) -> date:
    moment = article.date
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def radar_day(instance: Article) -> date:
    """The day a paper arrived (Received), else its publication day (entries written before radar
    days were kept, and briefs)."""
    try:
        return date.fromisoformat(instance.paper.received if instance.paper else "")
    except ValueError:
        return published_day_of(instance)


def brief_view(instance: Article) -> dict | None:
    """The Brief JSON with both languages present (a missing language falls back to the other)."""
    brief = json_meta(instance, "brief")
    if not brief:
        return None
    zh, en = brief.get("zh"), brief.get("en")
    zh = zh if isinstance(zh, dict) else None
    en = en if isinstance(en, dict) else None
    if not (zh or en):
        return None
    # a language missing falls back to the other, whose text keeps its own language tag
    return {
        **provenance(brief),
        "extractive": bool(brief.get("extractive")),
        "zh": zh or en,
        "en": en or zh,
        "lang": {"zh": "zh-CN" if zh else "en", "en": "en" if en else "zh-CN"},
    }


def provenance(brief: dict) -> dict:
    """Who wrote a brief, when, from what, and whether its claims were found in its sources (None: not
    checked, as briefs written before the check was made)."""
    grounded = brief.get("grounded")
    failures = brief.get("grounding_failures")
    return {
        "model": str(brief.get("model") or ""),
        "prompt_version": str(brief.get("prompt_version") or ""),
        "written": str(brief.get("written") or ""),
        "input": str(brief.get("input") or ""),
        "grounded": grounded if isinstance(grounded, bool) else None,
        "grounding_failures": [str(f) for f in failures] if isinstance(failures, list) else [],
        "correction": correction_of(brief),
    }


def correction_of(brief: dict) -> dict | None:
    """The reviewed correction laid over a brief (``corrections/``): action, reason, reviewer."""
    correction = brief.get("correction")
    if not isinstance(correction, dict):
        return None
    return {key: str(correction.get(key) or "") for key in ("action", "reason", "reviewed_by")}


def radar_day_of(article: Article) -> date:
    """The radar day: the day a paper arrived (a brief's is its own date)."""
    return article.radar_day


def feed_dates(article: Article, through: date) -> tuple[datetime, datetime]:
    """The published and updated dates feeds give an entry: its own, but never after the end of
    ``through``, the last radar day it covers (a journal issue dated ahead of its arrival, a weekly
    brief dated by the Sunday of a week still under way)."""
    end = datetime.combine(through, time(23, 59, 59), tzinfo=UTC)

    def at(moment: datetime) -> datetime:
        return min(set_date_tzinfo(moment, "UTC"), end)

    return at(article.date), at(getattr(article, "modified", None) or article.date)


def feed_terms(article: Article) -> list[str]:
    """An entry's categories in feeds: its topics (the main one first), then its keywords."""
    topics = [t.rule for t in article.paper.topics] if article.paper else []
    return list(dict.fromkeys([str(article.category), *topics, *map(str, getattr(article, "tags", ()))]))


def card_key(article: Article) -> tuple[int, str]:
    """The article's place among its day's cards (``card_order``, as the brief numbers them)."""
    return card_order((t.score for t in article.paper.topics), article.slug)


@dataclass(frozen=True)
class _Nobody:
    """The card template's one author (the author_url filter reads a name and a slug)."""

    name: str = ""
    slug: str = ""


@dataclass(frozen=True)
class CardPrototype:
    """What the card macro renders as the card template (the card the browser fills, cards.js): empty
    text, one author, one topic whose selection has every kind of reason, and a TL;DR."""

    paper: PaperView = PaperView(
        brief_status="",
        authors=(Author(""),),
        topics=(Selection(rule="", score=0, authors=("",), keywords=("",), categories=("",), similarity=0.0),),
    )
    date: datetime = datetime(1970, 1, 1, tzinfo=UTC)
    url: str = ""
    tags: tuple = ()
    authors: tuple = (_Nobody(),)
    brief: dict = field(default_factory=lambda: {"zh": {"tldr": "-"}, "en": {"tldr": "-"}})
