"""The daily cross-domain brief: the day's material for the model (per topic first when it is large),
the extractive overview, and the brief file with its numbered cards and the day's updates."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from ..archive.entry import BriefStatus, Entry
from ..config import Rule
from ..errors import LLMError
from ..layout import Layout
from ..wording import plural
from . import prompts
from .cache import Cache, request_key
from .connect import Document, connections, key_phrases
from .entries import escape, unverified
from .extractive import contribution_sentence, sentences
from .grounding import check_digest
from .llm import Client, Usage
from .numbering import Card, Numbering, home_order, in_english
from .paper import estimate_tokens, neutralise, stamp
from .report import BriefReport
from .schemas import digest_model, digest_schema
from .settings import EXTRACTIVE, BriefConfig, Settings

log = logging.getLogger(__name__)


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
                answer = await client.structured(
                    messages,
                    f"{kind}_brief",
                    digest_schema(languages, weekly),
                    digest_model(languages, weekly),
                    max_tokens=self.settings.config.digest_output_tokens,
                    usage=usage,
                )
        finally:
            self.report.usage.add(usage)
        value = stamp(answer.model_dump(), self.settings.endpoint, prompt)
        self.cache.put(key, value)
        return value


async def model_daily(
    cards: Numbering, asker: Asker, client: Client, config: BriefConfig, languages: tuple[str, ...], links: list = ()
) -> dict:
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
    digests = await asyncio.gather(
        *(asker.ask(client, "topic", ("en",), "<papers>\n" + "\n".join(group) + "\n</papers>") for _, group in jobs)
    )
    material = []
    for (topic, group), answer in zip(jobs, digests):
        material.append(f"Topic {neutralise(topic)} ({len(group)} papers)")
        material += digest_lines(answer["en"])
    material = chunk(material, room)[0]  # the digests are short; a pathological day is cut, not overflowed
    return await asker.ask(client, "daily", languages, "<day>\n" + "\n".join(material) + "\n</day>" + measured)


def measured_links(layout: Layout, cards: Numbering) -> list:
    """The day's clusters and pairs across topics from ``state/embeddings``; empty without them.

    Also empty without the semantic extra (NumPy): the daily brief never depends on it.
    """
    try:
        from ..semantic.views import day_links

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
        lines.append(
            neutralise(f"{link.kind} [{labels}] across {' / '.join(link.topics)}: {what} {link.similarity:.2f}")
        )
    return "\n<similarity>\n" + "\n".join(lines) + "\n</similarity>" if lines else ""


def day_material(numbering: Numbering) -> dict[str, str]:
    """Each of the day's papers as the daily brief may draw on it: title, abstract and English TL;DR."""
    out = {}
    for card in numbering.cards:
        text = in_english(card.entry.brief or {}) or {}
        out[card.entry.paper.id] = "\n".join((card.entry.paper.title, card.entry.paper.abstract, text.get("tldr", "")))
    return out


def grounded_digest(
    brief: dict,
    numbering: Numbering,
    config: BriefConfig,
    report: BriefReport,
    overview: Callable[[tuple[str, ...]], dict],
    context: str = "",
) -> dict:
    """A model's daily or weekly brief checked against the papers it cites (``context``: the other
    material the model read, such as last week's brief): kept with its check (labelled unverified
    when it fails), or replaced by the extractive ``overview`` (``ungrounded: extractive``)."""
    languages = tuple(k for k in brief if isinstance(brief[k], dict))
    check = check_digest(
        {lang: brief[lang] for lang in languages},
        day_material(numbering),
        topics=len({c.entry.topic for c in numbering.cards}),
        context=context,
    )
    kept = check.grounded or config.ungrounded == "label"
    report.checked(check, kept=kept)
    if not kept:
        report.notes.append(
            "a digest was replaced by the extractive overview: " + "; ".join(str(f) for f in check.failures[:3])
        )
        return overview(languages)
    return {**brief, "written": datetime.now(UTC).date().isoformat(), **check.record()}


def _topic_name(rules: dict[str, Rule], topic: str, lang: str) -> str:
    rule = rules.get(topic)
    if rule is None:
        return topic
    return (rule.name.zh or rule.name.en) if lang == "zh" else rule.name.en


def _documents(cards: Numbering) -> list[Document]:
    return [
        Document(c.entry.paper.id, c.entry.topic, f"{c.entry.paper.title}. {c.entry.paper.abstract}")
        for c in cards.cards
    ]


def extractive_daily(
    cards: Numbering, rules: dict[str, Rule], languages: tuple[str, ...], links: list = (), updated: int = 0
) -> dict:
    """Computed from the entries, no generated prose: counts, each topic's key phrases (class-based
    TF-IDF), connections across topics with their shared terms (TF-IDF cosine over title and
    abstract, the embeddings' links first when there are some), and the highest-scored papers with
    their contribution sentence quoted.  ``updated``: how many papers already on the radar changed
    that day (a day may have only those)."""
    by_topic: dict[str, list[str]] = {}
    for card in cards.cards:  # a theme per topic, with every paper its rule selected (as its page lists them)
        for topic in dict.fromkeys(t.rule for t in card.entry.paper.topics) or (card.entry.topic,):
            by_topic.setdefault(topic, []).append(card.entry.paper.id)
    order = sorted(by_topic, key=lambda t: (-len(by_topic[t]), t))
    docs = _documents(cards)
    phrases = defaultdict(tuple, key_phrases(docs))  # by main topic; a topic only others' papers are in has none
    found = connections(docs, measured=[(link.ids, link.similarity) for link in links])
    linked = {i for c in found for i in c.ids}
    multi = [
        c for c in cards.cards if len({t.rule for t in c.entry.paper.topics}) > 1 and c.entry.paper.id not in linked
    ]
    ranked = sorted(cards.cards, key=lambda c: (-max((t.score for t in c.entry.paper.topics), default=0), c.label))[:3]
    out: dict = {"model": EXTRACTIVE, "prompt_version": "extractive-v2", "extractive": True}
    for lang in languages:
        zh = lang == "zh"
        names = [_topic_name(rules, t, lang) for t in order]
        n, k = len(cards.cards), len(order)
        if n:
            headline = (
                (f"今日 {n} 篇论文，涵盖 {k} 个主题：" + "、".join(names))
                if zh
                else f"{plural(n, 'paper')} in {plural(k, 'topic')}: " + ", ".join(names)
            )
        else:
            headline = (
                f"今日没有新论文；{updated} 篇已在雷达上的论文有更新"
                if zh
                else f"No new papers; {updated} already on the radar updated"
            )
        sep = "、" if zh else ", "
        out[lang] = {
            "headline": headline,
            "themes": [
                {
                    "title": name,
                    "text": (
                        (f"关键词：{sep.join(phrases[t])} · " if zh else f"Key phrases: {sep.join(phrases[t])} · ")
                        * bool(phrases[t])
                        + (f"{len(by_topic[t])} 篇论文" if zh else plural(len(by_topic[t]), "paper"))
                    ),
                    "papers": by_topic[t],
                }
                for t, name in zip(order, names)
            ][:6],
            "connections": (
                [
                    {
                        "text": (
                            ("共同涉及：" if zh else "Both on: ")
                            + sep.join(c.terms)
                            + (
                                f"（{' 与 '.join(_topic_name(rules, t, lang) for t in c.topics)}，"
                                f"{c.measure} {'平均' * (len(c.ids) > 2)}相似度 {c.similarity:.2f}）"
                                if zh
                                else f" ({' and '.join(_topic_name(rules, t, lang) for t in c.topics)}, "
                                f"{'mean ' * (len(c.ids) > 2)}{c.measure} similarity {c.similarity:.2f})"
                            )
                        ),
                        "papers": list(c.ids),
                    }
                    for c in found
                ]
                + [
                    {
                        "text": ("同时入选：" if zh else "Selected by ")
                        + (" + " if zh else " and ").join(
                            _topic_name(rules, t.rule, lang) for t in c.entry.paper.topics
                        ),
                        "papers": [c.entry.paper.id],
                    }
                    for c in multi
                ]
            )[:6],
            "read_first": [
                {
                    "paper": c.entry.paper.id,
                    "why": f"“{contribution_sentence(c.entry.paper.abstract, c.entry.paper.title)}” — "
                    + ("筛选得分最高：" if zh else "highest curation score: ")
                    + "; ".join(t.reason() for t in c.entry.paper.topics),
                }
                for c in ranked
            ],
        }
    return out


HEADINGS = {
    "en": {
        "themes": "Themes of the day",
        "connections": "Across fields",
        "read_first": "Read first",
        "changes": "What changed",
    },
    "zh": {"themes": "今日主题", "connections": "跨领域关联", "read_first": "优先阅读", "changes": "本周变化"},
}


def render_digest(brief: dict, numbering: Numbering, content_prefix: str = "{filename}/") -> str:
    """The brief as one HTML block of escaped text; each cited paper links to its entry with its card number."""

    def ref(paper_id: str) -> str:
        card = numbering.by_id[paper_id]
        return (
            f'<a class="brief-ref" href="{escape(content_prefix + card.entry.rel)}" '
            f'title="{escape(card.entry.paper.title)}">{card.label}.</a>'
        )

    def refs(ids: list[str]) -> str:
        return f' <span class="brief-refs">{" ".join(ref(i) for i in ids)}</span>' if ids else ""

    kind = "extractive" if brief.get("extractive") else "model"
    out = [
        f'<div class="digest digest-{kind}" data-model="{escape(brief.get("model", ""))}" '
        f'data-prompt-version="{escape(brief.get("prompt_version", ""))}">'
    ]
    if brief.get("extractive"):
        out.append(
            '<p class="brief-label">Extractive overview: counts, curation scores and quoted contribution '
            "sentences taken from the entries; key phrases and connections computed from their titles and "
            "abstracts (TF-IDF), not written by a language model. "
            "摘录式概览：数量、筛选得分与引用的贡献句取自条目，关键词与跨领域关联由标题和摘要计算（TF-IDF），"
            "并非大语言模型生成。</p>"
        )
    out += unverified(brief, "digest")
    for lang in [k for k in brief if isinstance(brief[k], dict)]:
        text = brief[lang]
        head = HEADINGS.get(lang, HEADINGS["en"])
        out.append(f'<section class="digest-lang" lang="{escape(lang)}">')
        out.append(f'<p class="digest-headline">{escape(text["headline"])}</p>')
        for name in ("themes", "changes", "connections"):
            if text.get(name):
                out.append(f"<h3>{escape(head[name])}</h3>")
                items = []
                for item in text[name]:
                    title = f"<strong>{escape(item['title'])}</strong> " if item.get("title") else ""
                    items.append(f"<li>{title}{escape(item['text'])}{refs(item['papers'])}</li>")
                out.append(f'<ul class="digest-{name.replace("_", "-")}">' + "".join(items) + "</ul>")
        if text.get("read_first"):
            out.append(f"<h3>{escape(head['read_first'])}</h3>")
            out.append(
                '<ol class="digest-read-first">'
                + "".join(
                    f"<li>{ref(p['paper'])} {escape(numbering.by_id[p['paper']].entry.paper.title)}: {escape(p['why'])}</li>"
                    for p in text["read_first"]
                )
                + "</ol>"
            )
        out.append("</section>")
    out.append("</div>")
    return "\n".join(out) + "\n"


def digest_file(
    kind: str, slug: str, title: str, when: date, brief: dict, numbering: Numbering, updates: list[Entry] = ()
) -> str:
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
        ("Brief_status", BriefStatus.EXTRACTIVE if brief.get("extractive") else BriefStatus.DONE),
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
        f"{escape('; '.join(ev.describe() for ev in e.paper.events_on(day)))}</li>"
        for e in updates
    )
    return f'<section class="digest-updates">\n<h3>Updated · 更新</h3>\n<ul>{items}</ul>\n</section>\n'


def updated_on(entries: list[Entry], day: date) -> list[Entry]:
    """The entries that arrived before ``day`` and changed on it, in card order."""
    return sorted((e for e in entries if e.day != day and e.paper.events_on(day)), key=home_order)


def read_digest(path: Path) -> dict | None:
    try:
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        line = next(line for line in head.split("\n") if line.startswith("Brief: "))
        return json.loads(line[len("Brief: ") :])
    except (OSError, ValueError, StopIteration):
        return None
