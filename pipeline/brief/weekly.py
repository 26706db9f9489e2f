"""The weekly brief: the papers of a week's radar days, its daily briefs, what changed against the week before."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..archive.entry import Entry
from ..config import Rule
from ..errors import LLMError
from ..files import atomic_write
from ..layout import Layout
from .daily import Asker, _topic_name, digest_file, extractive_daily, grounded_digest, read_digest
from .llm import Client
from .numbering import Numbering, cited_first, home_order, in_english, resolved
from .paper import neutralise
from .report import BriefReport
from .settings import Settings


def iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def week_days(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def week_material(
    layout: Layout, day: date, by_day: dict[date, list[Entry]]
) -> tuple[list[Entry], list[str], list[dict]]:
    """The week's papers (radar day by day, in card order), its daily briefs as text lines, and the briefs."""
    papers: list[Entry] = []
    briefs = []
    for d in week_days(day):
        papers += sorted(by_day.get(d, ()), key=home_order)
        brief = read_digest(layout.daily_brief(d))
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


def extractive_weekly(
    this: list[Entry], before: list[Entry], rules: dict[str, Rule], languages: tuple[str, ...]
) -> dict:
    counts = {t: sum(1 for e in this if e.topic == t) for t in dict.fromkeys(e.topic for e in this)}
    last = {t: sum(1 for e in before if e.topic == t) for t in dict.fromkeys(e.topic for e in before)}
    base = extractive_daily(Numbering(this), rules, languages)
    for lang in languages:
        zh = lang == "zh"
        base[lang]["headline"] = (
            f"本周 {len(this)} 篇论文（上周 {len(before)} 篇）"
            if zh
            else f"{len(this)} papers this week ({len(before)} the week before)"
        )
        base[lang]["changes"] = [
            {
                "text": (
                    f"{_topic_name(rules, t, lang)}：{n} 篇（上周 {last.get(t, 0)} 篇）"
                    if zh
                    else f"{_topic_name(rules, t, lang)}: {n} papers ({last.get(t, 0)} the week before)"
                ),
                "papers": [],
            }
            for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:6]
    return base


async def _weekly(
    when: date,
    layout: Layout,
    by_day: dict[date, list[Entry]],
    client: Client | None,
    asker: Asker,
    settings: Settings,
    rules: dict[str, Rule],
    report: BriefReport,
) -> None:
    papers, lines, briefs = week_material(layout, when, by_day)
    if not briefs:
        return
    before, previous, _ = week_material(layout, when - timedelta(days=7), by_day)
    numbering = Numbering(papers)
    languages = settings.languages
    if client is None:
        brief = extractive_weekly(papers, before, rules, languages)
    else:
        user = (
            "<week>\n"
            + "\n".join(lines)
            + "\n</week>\n<previous>\n"
            + ("\n".join(re.sub(r" \[[\d, ]*\]$", "", line) for line in previous) or "(no brief)")
            + "\n</previous>"
        )
        try:
            answer = await asker.ask(client, "weekly", languages, user, weekly=True)
        except LLMError as exc:
            report.notes.append(f"weekly brief {when}: {exc}; it will be written by a later run")
            return
        brief = grounded_digest(
            resolved(answer, numbering, languages, report),
            numbering,
            settings.config,
            report,
            lambda langs: extractive_weekly(papers, before, rules, langs),
            context=user,
        )
    year, week = iso_week(when)
    name = f"{year}-W{week:02d}"
    path = layout.weekly_brief(name)
    sunday = week_days(when)[-1]
    atomic_write(
        path,
        digest_file(
            "weekly", f"weekly-{name}", f"Weekly brief {name} · 每周简报", sunday, brief, cited_first(brief, numbering)
        ),
    )
    report.digests.append(path.relative_to(layout.content).as_posix())
