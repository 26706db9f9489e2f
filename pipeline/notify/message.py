"""The day's message, before any channel's format: the daily brief's headline and themes, the top
cards with their TL;DR, and links to the site — read with the brief stage's own readers, numbered
as the site numbers the day's cards, cut to what one channel carries (its topics, languages, cards).

Everything in it is plain text as the feeds and the model wrote it; each channel escapes it for
its own format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..archive.entry import Entry, read_entries
from ..brief.daily import extractive_daily, read_digest, updated_on
from ..brief.numbering import Numbering, cited_first, home_order, in_english
from ..config import Rule
from ..config.notify import ChannelSettings
from ..layout import Layout

# the words a message adds around the day's text, per language
WORDS = {
    "en": {
        "brief": "Daily brief",
        "papers": "papers",
        "themes": "Themes",
        "cards": "Top papers",
        "read": "Read",
        "more": "more on the site",
        "updated": "updated",
        "site": "The day on the site",
        "unsubscribe": "Feeds and unsubscribing",
        "why": "You receive this because you subscribed to the daily brief of {name}.",
    },
    "zh": {
        "brief": "每日简报",
        "papers": "篇论文",
        "themes": "主题",
        "cards": "精选论文",
        "read": "阅读",
        "more": "篇见网站",
        "updated": "篇更新",
        "site": "在网站上查看当天",
        "unsubscribe": "订阅源与退订",
        "why": "你收到这封邮件，是因为你订阅了 {name} 每日简报。",
    },
}
# the English words of a count of one (a count of 1 is "1 paper")
SINGULAR = {"papers": "paper"}


@dataclass(frozen=True)
class Day:
    """A radar day as the brief stage wrote it: its daily brief and its cards in the site's order."""

    day: date
    brief: dict
    numbering: Numbering
    updates: tuple[Entry, ...]
    rules: dict[str, Rule]


@dataclass(frozen=True)
class Theme:
    title: str
    text: str
    labels: tuple[str, ...]  # the card numbers it cites ("01", "04")


@dataclass(frozen=True)
class Section:
    """The daily brief in one language."""

    lang: str
    headline: str
    themes: tuple[Theme, ...]


@dataclass(frozen=True)
class CardText:
    label: str  # "01", as on the site and in the brief
    title: str
    url: str  # the paper's page on the site
    topic: dict[str, str]  # the topic's name per language
    tldr: dict[str, str]  # per language; a language without a TL;DR is absent


@dataclass(frozen=True)
class Message:
    """What one channel sends for one day."""

    day: date
    channel: str
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    cards: tuple[CardText, ...]
    papers: int  # the day's papers on this channel's topics (the cards are the first of them)
    updates: int  # papers already on the radar updated that day
    site: str
    brief_url: str
    day_url: str
    feeds_url: str
    name: str = "AcademicHub"  # the site's name (SITENAME), which every message is signed with

    @property
    def more(self) -> int:
        return self.papers - len(self.cards)

    def words(self, key: str, sep: str = " · ") -> str:
        """The message's own words in its languages: "每日简报 · Daily brief"."""
        return sep.join(WORDS[lang][key].format(name=self.name) for lang in self.languages)

    def count(self, n: int, key: str) -> str:
        """``n`` with the word ``key`` in each language: "3 篇论文 · 3 papers", "1 篇论文 · 1 paper"."""
        return " · ".join(
            f"{n} {SINGULAR.get(key, WORDS[lang][key]) if lang == 'en' and n == 1 else WORDS[lang][key]}"
            for lang in self.languages
        )

    @property
    def subject(self) -> str:
        return f"{self.name} {self.words('brief')} {self.day.isoformat()}: {self.count(self.papers, 'papers')}"

    @property
    def heading(self) -> str:
        """The line a message starts with: "Quantum Radar · Daily brief · 2026-04-27"."""
        return f"{self.name} · {self.words('brief')} · {self.day.isoformat()}"


@dataclass(frozen=True)
class Outgoing:
    """A channel's message in that channel's format: what it sends (a JSON body, an e-mail) and
    what ``notify --dry-run`` shows of it."""

    payload: object
    preview: str


def read_day(layout: Layout, day: date, rules: dict[str, Rule]) -> Day | None:
    """The day's daily brief and cards; None when no daily brief was written for it."""
    brief = read_digest(layout.daily_brief(day))
    if brief is None:
        return None
    entries = read_entries(layout.content)
    todays = sorted((e for e in entries if e.day == day), key=home_order)
    updates = tuple(updated_on(entries, day))
    if brief.get("grounded") is False:  # an unverified model brief is not pushed: the day's overview is
        languages = tuple(k for k in brief if isinstance(brief[k], dict))
        brief = extractive_daily(Numbering(todays), rules, languages, updated=len(updates))
    # the numbers the brief file and the site give the cards: the cited papers first
    return Day(day, brief, cited_first(brief, Numbering(todays)), updates, rules)


def _topic_names(rules: dict[str, Rule], topic: str) -> dict[str, str]:
    rule = rules.get(topic)
    if rule is None:
        return {"en": topic, "zh": topic}
    return {"en": rule.name.en, "zh": rule.name.zh or rule.name.en}


def _carried(entry: Entry, topics: set[str]) -> bool:
    return not topics or bool({t.rule for t in entry.paper.topics} & topics)


def compose(day: Day, channel: ChannelSettings, site: str, name: str = "AcademicHub") -> Message | None:
    """The message of ``day`` for ``channel``; None when the day has nothing on its topics."""
    site = site.rstrip("/")
    topics = set(channel.topics)
    cards = [c for c in day.numbering.cards if _carried(c.entry, topics)]
    updates = [e for e in day.updates if _carried(e, topics)]
    if not cards and not updates:
        return None
    labels = {c.entry.paper.id: c.label for c in cards}
    written = tuple(lang for lang in ("zh", "en") if isinstance(day.brief.get(lang), dict))
    languages = channel.languages or written or ("en",)
    sections = []
    for lang in languages:
        text = day.brief.get(lang) if isinstance(day.brief.get(lang), dict) else in_english(day.brief)
        themes = []
        for item in (text or {}).get("themes", []) if channel.themes else ():
            cited = tuple(labels[p] for p in item.get("papers", ()) if p in labels)
            if cited or not topics:
                themes.append(Theme(str(item.get("title", "")), str(item.get("text", "")), cited))
        sections.append(Section(lang, str((text or {}).get("headline", "")), tuple(themes)))
    shown = []
    for card in cards[: channel.cards]:
        brief = card.entry.brief or {}
        if brief.get("grounded") is False:  # an unverified brief is not pushed
            brief = {}
        tldr = {
            lang: str(brief[lang]["tldr"])
            for lang in languages
            if isinstance(brief.get(lang), dict) and brief[lang].get("tldr")
        }
        if not tldr and (english := in_english(brief)) and english.get("tldr"):
            tldr = {languages[-1]: str(english["tldr"])}
        slug = card.entry.meta.get("Slug") or card.entry.path.stem
        shown.append(
            CardText(
                card.label,
                card.entry.paper.title,
                f"{site}/papers/{slug}.html",
                _topic_names(day.rules, card.entry.topic),
                tldr,
            )
        )
    when = day.day
    return Message(
        day=when,
        channel=channel.id,
        languages=languages,
        sections=tuple(sections),
        cards=tuple(shown),
        papers=len(cards),
        updates=len(updates),
        site=site,
        name=name,
        brief_url=f"{site}/briefs/{when.isoformat()}.html",
        day_url=f"{site}/archive/{when:%Y/%m/%d}.html",
        feeds_url=f"{site}/topics.html",
    )
