"""The daily cross-domain analysis brief and the weekly brief.

A daily brief (``content/briefs/YYYY-MM-DD.md``) reads the day's papers, numbered
as cards like the home page ("01.", "02." …), and says what the themes of the
day are, which ideas cross between fields and what to read first.  The model
cites papers by card number; every reference is resolved against the papers
that really exist that day, repaired when it can be (``arXiv:2604.22038v2``,
``[7]``) and dropped when it cannot, with the claim that depended on it.

A large day is summarised per topic first, in chunks that fit the model's
context window, and the topic digests are then combined (map → reduce).
A weekly brief (``content/briefs/weekly/YYYY-Www.md``) compares a week's daily
briefs with the week before.  Without an API key both are extractive: counts,
topic overlaps and curation scores taken from the entries, labelled as such.
"""

from __future__ import annotations

import asyncio
import logging
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, create_model

from . import health, prompts
from .brief import (EXTRACTIVE, BriefConfig, BriefReport, Cache, Entry, Settings, neutralise, strict_object, string_field, capped_text,
                    cache_root, escape, estimate_tokens, request_key, sentences, stamp)
from .config import Rule
from .job import Layout
from .llm import Client, LLMError, Usage
from .write import atomic_write

log = logging.getLogger(__name__)

Ref = capped_text(80)


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: capped_text(160)
    text: capped_text(800)
    papers: Annotated[list[Ref], Field(max_length=40)]


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: capped_text(800)
    papers: Annotated[list[Ref], Field(max_length=40)]


class Pick(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paper: Ref
    why: capped_text(500)


class DigestText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    headline: Annotated[capped_text(400), Field(min_length=1)]
    themes: Annotated[list[Theme], Field(max_length=6)]
    connections: Annotated[list[Link], Field(max_length=6)]
    read_first: Annotated[list[Pick], Field(max_length=5)]


class WeeklyText(DigestText):
    changes: Annotated[list[Link], Field(max_length=6)]


def digest_schema(languages: tuple[str, ...], weekly: bool = False) -> dict:
    refs = {"type": "array", "items": {"type": "string", "description": "a card number such as \"07\""}}
    theme = strict_object({"title": string_field("A short title."), "text": string_field("One or two sentences."), "papers": refs})
    link = strict_object({"text": string_field("One or two sentences."), "papers": refs})
    pick = strict_object({"paper": string_field("A card number."), "why": string_field("One sentence.")})
    one = {
        "headline": string_field("One sentence."),
        "themes": {"type": "array", "items": theme, "maxItems": 5},
        "connections": {"type": "array", "items": link, "maxItems": 4},
        "read_first": {"type": "array", "items": pick, "maxItems": 3},
    }
    if weekly:
        one["changes"] = {"type": "array", "items": link, "maxItems": 4}
    return strict_object({lang: strict_object(one) for lang in languages})


def digest_model(languages: tuple[str, ...], weekly: bool = False) -> type[BaseModel]:
    text = WeeklyText if weekly else DigestText
    return create_model("DigestAnswer", __config__=ConfigDict(extra="forbid"), **{lang: (text, ...) for lang in languages})


# ---------------------------------------------------------------- card numbers and references


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


# ---------------------------------------------------------------- material for the model


def in_english(brief: dict) -> dict | None:
    """A brief's English text, else its first language's; None when it has none."""
    return next((brief[k] for k in ("en", *brief) if isinstance(brief.get(k), dict)), None)


def summary_line(card: Card) -> str:
    entry = card.entry
    brief = entry.brief or {}
    text = in_english(brief)
    summary = text["tldr"] if text else (sentences(entry.paper.abstract) or [""])[0][:240]
    return neutralise(f"[{card.label}] ({entry.topic}) {entry.paper.title}: {summary}")


def chunk(lines: list[str], limit: int) -> list[list[str]]:
    """Consecutive groups of lines whose estimated tokens stay under ``limit``."""
    groups: list[list[str]] = [[]]
    size = 0
    for line in lines:
        cost = estimate_tokens(line)
        if groups[-1] and size + cost > limit:
            groups.append([])
            size = 0
        groups[-1].append(line)
        size += cost
    return groups


def digest_lines(text: dict) -> list[str]:
    """A topic digest (card refs kept) as plain lines for the reduce step."""
    out = [f"Headline: {text['headline']}"]
    out += [f"- Theme: {t['title']}: {t['text']} [{', '.join(t['papers'])}]" for t in text["themes"]]
    out += [f"- Link: {c['text']} [{', '.join(c['papers'])}]" for c in text["connections"]]
    out += [f"- Read first: [{p['paper']}] {p['why']}" for p in text["read_first"]]
    return [neutralise(line) for line in out]


class Asker:
    """Cached, concurrent structured calls for the digests of one run."""

    def __init__(self, settings: Settings, cache: Cache, report: BriefReport):
        self.settings = settings
        self.cache = cache
        self.report = report
        self.gate = asyncio.Semaphore(settings.config.concurrency)

    async def ask(self, client: Client, kind: str, languages: tuple[str, ...], user: str, weekly: bool = False) -> dict:
        prompt = prompts.load(kind)
        messages = [{"role": "system", "content": prompt.system(languages)}, {"role": "user", "content": user}]
        key = request_key(self.settings.endpoint, prompt, languages, messages)
        hit = self.cache.get(key, languages)
        if hit is not None:
            self.report.cached += 1
            return hit
        limit = self.settings.config.max_tokens
        needed = sum(estimate_tokens(m["content"]) for m in messages) + self.settings.config.digest_output_tokens
        if limit is not None and self.report.usage.input_tokens + self.report.usage.output_tokens + needed > limit:
            raise LLMError("the run's token budget is spent")
        usage = Usage()
        try:
            async with self.gate:
                answer = await client.structured(messages, f"{kind}_brief", digest_schema(languages, weekly),
                                                 digest_model(languages, weekly),
                                                 max_tokens=self.settings.config.digest_output_tokens, usage=usage)
        finally:
            self.report.usage.add(usage)
        value = stamp(answer.model_dump(), self.settings.endpoint, prompt)
        self.cache.put(key, value)
        return value


async def model_daily(cards: Numbering, asker: Asker, client: Client, config: BriefConfig,
                      languages: tuple[str, ...], links: list = ()) -> dict:
    """One call when the day fits the context window; otherwise per-topic digests, then one reduce call.

    ``links``: the day's measured similarities across topics (the semantic extra), given to the
    model after the day's material so that its links between fields rest on them.
    """
    lines = [summary_line(c) for c in cards.cards]
    measured = similarity_block(links, cards)
    system = estimate_tokens(prompts.load("daily").system(languages))
    room = config.context_tokens - config.digest_output_tokens - system - 50
    if sum(estimate_tokens(line) for line in lines) <= room:
        return await asker.ask(client, "daily", languages, "<day>\n" + "\n".join(lines) + "\n</day>" + measured)
    by_topic: dict[str, list[str]] = {}
    for card, line in zip(cards.cards, lines):
        by_topic.setdefault(card.entry.topic, []).append(line)
    jobs = [(topic, group) for topic, topic_lines in by_topic.items() for group in chunk(topic_lines, room)]
    digests = await asyncio.gather(*(
        asker.ask(client, "topic", ("en",), "<papers>\n" + "\n".join(group) + "\n</papers>") for _, group in jobs))
    material = []
    for (topic, group), answer in zip(jobs, digests):
        material.append(f"Topic {neutralise(topic)} ({len(group)} papers)")
        material += digest_lines(answer["en"])
    material = chunk(material, room)[0]  # the digests are short; a pathological day is cut, not overflowed
    return await asker.ask(client, "daily", languages, "<day>\n" + "\n".join(material) + "\n</day>" + measured)


# ---------------------------------------------------------------- measured similarity (the semantic extra)


def measured_links(layout: Layout, cards: Numbering) -> list:
    """The day's clusters and pairs across topics from ``state/embeddings``; empty without them.

    Also empty without the semantic extra (NumPy): the daily brief never depends on it.
    """
    try:
        from .semantic.views import day_links

        return day_links(layout.state, [(c.entry.paper.id, c.entry.topic) for c in cards.cards])
    except ImportError as exc:
        log.info("no measured similarities for the daily brief: %s", exc)
        return []


def similarity_block(links: list, cards: Numbering) -> str:
    """The links as lines the model reads after the day's material (card numbers, topics, cosine)."""
    lines = []
    for link in links:
        labels = ", ".join(cards.by_id[i].label for i in link.ids if i in cards.by_id)
        what = "mean cosine" if link.kind == "cluster" else "cosine"
        lines.append(neutralise(f"{link.kind} [{labels}] across {' / '.join(link.topics)}: {what} {link.similarity:.2f}"))
    return "\n<similarity>\n" + "\n".join(lines) + "\n</similarity>" if lines else ""


# ---------------------------------------------------------------- extractive digests


def _topic_name(rules: dict[str, Rule], topic: str, lang: str) -> str:
    rule = rules.get(topic)
    if rule is None:
        return topic
    return (rule.name.zh or rule.name.en) if lang == "zh" else rule.name.en


def extractive_daily(cards: Numbering, rules: dict[str, Rule], languages: tuple[str, ...], links: list = ()) -> dict:
    """Counts, topic overlaps, measured similarities and curation scores from the entries: facts, no generated prose."""
    by_topic: dict[str, list[str]] = {}
    for card in cards.cards:
        by_topic.setdefault(card.entry.topic, []).append(card.entry.paper.id)
    order = sorted(by_topic, key=lambda t: (-len(by_topic[t]), t))
    multi = [c for c in cards.cards if len({t.rule for t in c.entry.paper.topics}) > 1]
    ranked = sorted(cards.cards, key=lambda c: (-max((t.score for t in c.entry.paper.topics), default=0), c.label))[:3]
    out: dict = {"model": EXTRACTIVE, "prompt_version": "extractive-v1", "extractive": True}
    for lang in languages:
        zh = lang == "zh"
        names = [_topic_name(rules, t, lang) for t in order]
        n, k = len(cards.cards), len(order)
        out[lang] = {
            "headline": (f"今日 {n} 篇论文，涵盖 {k} 个主题：" + "、".join(names)) if zh
            else f"{n} paper{'s' * (n != 1)} in {k} topic{'s' * (k != 1)}: " + ", ".join(names),
            "themes": [{"title": name, "text": (f"{len(by_topic[t])} 篇论文" if zh else f"{len(by_topic[t])} papers"),
                        "papers": by_topic[t]} for t, name in zip(order, names)][:6],
            "connections": ([{
                "text": (("内容相近，跨越 " if zh else "Close in content across ")
                         + (" 与 " if zh else " and ").join(_topic_name(rules, t, lang) for t in link.topics)
                         + (f"（{'平均' if link.kind == 'cluster' else ''}相似度 {link.similarity:.2f}）" if zh
                            else f" ({'mean ' if link.kind == 'cluster' else ''}similarity {link.similarity:.2f})")),
                "papers": list(link.ids)} for link in links] + [{
                "text": ("同时入选：" if zh else "Selected by ") + (" + " if zh else " and ").join(
                    _topic_name(rules, t.rule, lang) for t in c.entry.paper.topics),
                "papers": [c.entry.paper.id]} for c in multi])[:6],
            "read_first": [{"paper": c.entry.paper.id,
                            "why": ("筛选得分最高：" if zh else "Highest curation score: ") + "; ".join(
                                t.reason() for t in c.entry.paper.topics)} for c in ranked],
        }
    return out


# ---------------------------------------------------------------- files


HEADINGS = {
    "en": {"themes": "Themes of the day", "connections": "Across fields", "read_first": "Read first",
           "changes": "What changed"},
    "zh": {"themes": "今日主题", "connections": "跨领域关联", "read_first": "优先阅读", "changes": "本周变化"},
}


def render_digest(brief: dict, numbering: Numbering, content_prefix: str = "{filename}/") -> str:
    """The brief as one HTML block of escaped text; each cited paper links to its entry with its card number."""

    def ref(paper_id: str) -> str:
        card = numbering.by_id[paper_id]
        return (f'<a class="brief-ref" href="{escape(content_prefix + card.entry.rel)}" '
                f'title="{escape(card.entry.paper.title)}">{card.label}.</a>')

    def refs(ids: list[str]) -> str:
        return f' <span class="brief-refs">{" ".join(ref(i) for i in ids)}</span>' if ids else ""

    kind = "extractive" if brief.get("extractive") else "model"
    out = [f'<div class="digest digest-{kind}" data-model="{escape(brief.get("model", ""))}" '
           f'data-prompt-version="{escape(brief.get("prompt_version", ""))}">']
    if brief.get("extractive"):
        out.append('<p class="brief-label">Extractive overview: counts, topics and curation scores taken from the '
                   'entries, not written by a language model. 摘录式概览：由条目数据汇总，并非大语言模型生成。</p>')
    for lang in [k for k in brief if isinstance(brief[k], dict)]:
        text = brief[lang]
        head = HEADINGS.get(lang, HEADINGS["en"])
        out.append(f'<section class="digest-lang" lang="{escape(lang)}">')
        out.append(f'<p class="digest-headline">{escape(text["headline"])}</p>')
        for name in ("themes", "changes", "connections"):
            if text.get(name):
                out.append(f'<h3>{escape(head[name])}</h3>')
                items = []
                for item in text[name]:
                    title = f'<strong>{escape(item["title"])}</strong> ' if item.get("title") else ""
                    items.append(f"<li>{title}{escape(item['text'])}{refs(item['papers'])}</li>")
                out.append(f'<ul class="digest-{name.replace("_", "-")}">' + "".join(items) + "</ul>")
        if text.get("read_first"):
            out.append(f'<h3>{escape(head["read_first"])}</h3>')
            out.append('<ol class="digest-read-first">' + "".join(
                f"<li>{ref(p['paper'])} {escape(numbering.by_id[p['paper']].entry.paper.title)}: {escape(p['why'])}</li>"
                for p in text["read_first"]) + "</ol>")
        out.append("</section>")
    out.append("</div>")
    return "\n".join(out) + "\n"


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
    """The site's order of a day's cards: best curation score first, then slug."""
    return (-max((t.score for t in entry.paper.topics), default=0), entry.meta.get("Slug", entry.rel))


def cited_first(brief: dict, numbering: Numbering) -> Numbering:
    """The final card numbers: the cited papers first, as the home page puts them, then the others."""
    ids = set(cited(brief, numbering))
    cards = [c.entry for c in numbering.cards]
    return Numbering([e for e in cards if e.paper.id in ids] + [e for e in cards if e.paper.id not in ids])


def digest_file(kind: str, slug: str, title: str, when: date, brief: dict, numbering: Numbering,
                updates: list[Entry] = ()) -> str:
    """A brief's entry: ``Papers`` lists every card in its numbered order, ``Updates`` the papers
    already on the radar that changed that day (a new version, a journal version found)."""
    first = in_english(brief) or {"headline": ""}
    meta = [
        ("Title", title),
        ("Date", f"{when.isoformat()}T00:00:00+00:00"),
        ("Category", f"{kind}-brief"),
        ("Slug", slug),
        ("Summary", escape(first["headline"])),
        ("Brief_kind", kind),
        ("Brief_status", EXTRACTIVE if brief.get("extractive") else "done"),
        ("Papers", "; ".join(c.entry.paper.id for c in numbering.cards)),
        ("Updates", "; ".join(e.paper.id for e in updates)),
        ("Brief", json.dumps(brief, ensure_ascii=False, sort_keys=True)),
    ]
    head = "\n".join(f"{k}: {v}".rstrip() for k, v in meta if v or k != "Updates")
    return head + "\n\n" + render_digest(brief, numbering) + render_updates(updates, when)


def render_updates(updates: list[Entry], day: date, content_prefix: str = "{filename}/") -> str:
    """The day's updates as one HTML block of escaped text: each paper with what changed."""
    if not updates:
        return ""
    items = "".join(
        f'<li><a href="{escape(content_prefix + e.rel)}">{escape(e.paper.title)}</a> · '
        f'{escape("; ".join(ev.describe() for ev in e.paper.events_on(day)))}</li>' for e in updates)
    return f'<section class="digest-updates">\n<h3>Updated · 更新</h3>\n<ul>{items}</ul>\n</section>\n'


def updated_on(entries: list[Entry], day: date) -> list[Entry]:
    """The entries that arrived before ``day`` and changed on it, in card order."""
    return sorted((e for e in entries if e.day != day and e.paper.events_on(day)), key=home_order)


def read_digest(path: Path) -> dict | None:
    try:
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        line = next(line for line in head.split("\n") if line.startswith("Brief: "))
        return json.loads(line[len("Brief: "):])
    except (OSError, ValueError, StopIteration):
        return None


# ---------------------------------------------------------------- weekly


def iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def week_days(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def week_material(layout: Layout, day: date, by_day: dict[date, list[Entry]]) -> tuple[list[Entry], list[str], list[dict]]:
    """The week's papers (radar day by day, in card order), its daily briefs as text lines, and the briefs."""
    papers: list[Entry] = []
    briefs = []
    for d in week_days(day):
        papers += sorted(by_day.get(d, ()), key=home_order)
        brief = read_digest(layout.content / "briefs" / f"{d.isoformat()}.md")
        if brief is not None:
            briefs.append((d, brief))
    numbering = Numbering(papers)
    lines = []
    for d, brief in briefs:
        text = in_english(brief)
        if text is None:
            continue

        def labels(ids: list[str]) -> str:
            return ", ".join(numbering.by_id[i].label for i in ids if i in numbering.by_id)

        lines.append(f"{d.isoformat()}: {text['headline']}")
        lines += [f"- {t.get('title', '')}: {t['text']} [{labels(t['papers'])}]" for t in text.get("themes", [])]
        lines += [f"- Link: {c['text']} [{labels(c['papers'])}]" for c in text.get("connections", [])]
    return papers, [neutralise(line) for line in lines], [b for _, b in briefs]


def extractive_weekly(this: list[Entry], before: list[Entry], rules: dict[str, Rule], languages: tuple[str, ...]) -> dict:
    counts = {t: sum(1 for e in this if e.topic == t) for t in dict.fromkeys(e.topic for e in this)}
    last = {t: sum(1 for e in before if e.topic == t) for t in dict.fromkeys(e.topic for e in before)}
    base = extractive_daily(Numbering(this), rules, languages)
    for lang in languages:
        zh = lang == "zh"
        base[lang]["headline"] = (f"本周 {len(this)} 篇论文（上周 {len(before)} 篇）" if zh
                                  else f"{len(this)} papers this week ({len(before)} the week before)")
        base[lang]["changes"] = [{
            "text": (f"{_topic_name(rules, t, lang)}：{n} 篇（上周 {last.get(t, 0)} 篇）" if zh
                     else f"{_topic_name(rules, t, lang)}: {n} papers ({last.get(t, 0)} the week before)"),
            "papers": []} for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:6]
    return base


# ---------------------------------------------------------------- the run


def write_digests(entries: list[Entry], settings: Settings, rules: dict[str, Rule], layout: Layout,
                  report: BriefReport, *, day: date | None = None, weekly: bool = False) -> None:
    """Write the daily brief of the radar day ``day`` (default: the last run's day, else the newest
    radar day) and the weekly briefs due."""
    day = day or health.last_day(layout.runs_file) or max(e.day for e in entries)
    cache = Cache(cache_root(layout), "digests")
    try:
        asyncio.run(_write_digests(entries, settings, rules, layout, report, cache, day, weekly))
    finally:
        cache.save()


async def _write_digests(entries, settings, rules, layout, report, cache, day, weekly) -> None:
    client = Client(settings.endpoint) if settings.endpoint else None
    asker = Asker(settings, cache, report)
    languages = settings.languages
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    try:
        todays = sorted((e for e in entries if e.day == day), key=home_order)
        updates = updated_on(entries, day)
        if todays:
            numbering = Numbering(todays)
            links = measured_links(layout, numbering)
            brief = None
            if client is None:
                brief = extractive_daily(numbering, rules, languages, links)
            else:
                try:
                    answer = await model_daily(numbering, asker, client, settings.config, languages, links)
                except LLMError as exc:
                    report.notes.append(f"daily brief {day}: {exc}; it will be written by a later run")
                else:
                    brief = resolved(answer, numbering, languages, report)
            if brief is not None:
                path = layout.content / "briefs" / f"{day.isoformat()}.md"
                atomic_write(path, digest_file("daily", f"brief-{day.isoformat()}",
                                               f"Daily brief {day.isoformat()} · 每日简报", day, brief,
                                               cited_first(brief, numbering), updates))
                report.digests.append(path.relative_to(layout.content).as_posix())
        weeks = [day - timedelta(days=7)] + ([day] if weekly else [])
        for when in weeks:
            await _weekly(when, layout, by_day, client, asker, settings, rules, report)
    finally:
        if client is not None:
            await client.close()


async def _weekly(when: date, layout: Layout, by_day: dict[date, list[Entry]], client: Client | None, asker: Asker,
                  settings: Settings, rules: dict[str, Rule], report: BriefReport) -> None:
    papers, lines, briefs = week_material(layout, when, by_day)
    if not briefs:
        return
    before, previous, _ = week_material(layout, when - timedelta(days=7), by_day)
    numbering = Numbering(papers)
    languages = settings.languages
    if client is None:
        brief = extractive_weekly(papers, before, rules, languages)
    else:
        user = ("<week>\n" + "\n".join(lines) + "\n</week>\n<previous>\n"
                + ("\n".join(re.sub(r" \[[\d, ]*\]$", "", line) for line in previous) or "(no brief)") + "\n</previous>")
        try:
            answer = await asker.ask(client, "weekly", languages, user, weekly=True)
        except LLMError as exc:
            report.notes.append(f"weekly brief {when}: {exc}; it will be written by a later run")
            return
        brief = resolved(answer, numbering, languages, report)
    year, week = iso_week(when)
    name = f"{year}-W{week:02d}"
    path = layout.content / "briefs" / "weekly" / f"{name}.md"
    sunday = week_days(when)[-1]
    atomic_write(path, digest_file("weekly", f"weekly-{name}", f"Weekly brief {name} · 每周简报", sunday, brief,
                                   cited_first(brief, numbering)))
    report.digests.append(path.relative_to(layout.content).as_posix())
