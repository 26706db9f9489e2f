"""The website stage: a Pelican plugin that turns ``content/`` into the AcademicHub site.

Pelican reads the entries; this module adds what a research radar needs:

* each entry's ``Record`` and ``Brief`` JSON become ``article.paper`` / ``article.brief``
  (untrusted text: templates autoescape, nothing here builds markup from it);
* topic names and descriptions from ``rules/*.yml``, run health from ``state/runs.jsonl``;
* the home page pool, related papers, day archives and a small JSON index for the
  in-browser radar;
* author pages and author feeds written here rather than by Pelican, whose taxonomy
  step scans every article once per author (quadratic with ~3.5 authors per paper), and
  only for authors with AUTHOR_PAGE_MIN_PAPERS papers: most authors of an archive appear
  once, and a page plus two feeds each would be most of the site (the others' names lead
  to a search for them);
* a JSON Feed, an OPML list of the feeds, a sitemap and robots.txt.

``build()`` runs Pelican and then Pagefind; ``serve()`` previews a built site.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import logging
import math
import os
import re
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote, urlparse
from xml.sax.saxutils import escape as xml_escape, quoteattr

from feedgenerator import Rss201rev2Feed
from markupsafe import Markup
from pelican import Pelican, __version__ as pelican_version, signals
from pelican.contents import Article
from pelican.generators import Generator
from pelican.paginator import Page, Paginator
from pelican.settings import read_settings
from pelican.urlwrappers import Author, Category
from pelican.utils import sanitised_join, set_date_tzinfo
from pelican.writers import Writer

from . import health
from .config import load_rules
from .errors import AcademicHubError
from .models import Event
from .feeds import PAPER_LANG, AtomFeed, RssFeed, content_lang, feed_title
from .search import SearchError, SearchReport, index_site

log = logging.getLogger(__name__)

BRIEF_CATEGORIES = {"daily-brief": "daily", "weekly-brief": "weekly"}
# Names of categories that are not rules.
BUILTIN_TOPICS = {
    "daily-brief": ("每日简报", "Daily briefs", "每天一篇由大语言模型撰写的交叉领域文献分析简报。",
                    "A daily cross-domain analysis of the selected papers, written by a language model."),
    "weekly-brief": ("每周简报", "Weekly briefs", "每周的交叉领域文献分析简报。", "A weekly cross-domain analysis brief."),
    "uncategorised": ("未分类", "Uncategorised", "未匹配任何规则的论文。", "Papers no rule matched."),
}
STATUS_TEXT = {
    "ok": ("正常", "OK"),
    "empty": ("无公告", "No announcement"),
    "not-modified": ("未更新", "Unchanged"),
    "stale": ("源未更新", "Stale feed"),
    "partial": ("结果不完整", "Partial results"),
    "failed": ("抓取失败", "Feed failed"),
}
SITEMAP_LIMIT = 50_000
HOME_POOL = 30  # cards on the home page itself (three batches); the rest come from data/index.json
RADAR_MIN_PAPERS = 500


class SiteError(AcademicHubError):
    """The site could not be built; the message says what to fix."""


# ---------------------------------------------------------------- records


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
        topics[rule.id] = Topic(rule.id, rule.name.zh or rule.name.en, rule.name.en,
                                rule.description.zh or rule.description.en, rule.description.en,
                                Path(rule.path).name)
    return topics


def topic_for(topics: dict[str, Topic], topic_id: str) -> Topic:
    return topics.get(topic_id) or Topic(topic_id, topic_id, topic_id, "", "")


def _json_meta(instance: Article, key: str) -> dict | None:
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


def _split(text) -> list[str]:
    return [part.strip() for part in str(text or "").split(";") if part.strip()]


def _strings(values) -> list[str]:
    return [str(v) for v in values or () if isinstance(v, (str, int, float)) and str(v).strip()]


def _paper_view(instance: Article) -> dict:
    """The paper as the templates see it: the Record, with fallbacks from the metadata."""
    record = _json_meta(instance, "record") or {}
    meta = instance.metadata
    authors = [a for a in record.get("authors") or () if isinstance(a, dict) and a.get("name")]
    if not authors:
        authors = [{"name": str(a), "affiliations": []} for a in getattr(instance, "authors", [])]
    topics = [t for t in record.get("topics") or () if isinstance(t, dict) and t.get("rule")]
    if not topics:
        topics = [{"rule": t, "keywords": [], "authors": [], "categories": []} for t in _split(meta.get("topics"))]
    return {
        "id": str(record.get("id") or meta.get("paper_id") or instance.slug),
        "title": str(record.get("title") or instance.title),
        "abstract": str(record.get("abstract") or ""),
        "authors": [{"name": str(a["name"]), "affiliations": _strings(a.get("affiliations"))} for a in authors],
        "categories": _strings(record.get("categories")),
        "topics": [{"rule": str(t["rule"]), "score": t.get("score") if isinstance(t.get("score"), int) else 0,
                    "keywords": _strings(t.get("keywords")),
                    "authors": _strings(t.get("authors")), "categories": _strings(t.get("categories")),
                    # the semantic signal of a similar_to rule: cosine to the nearest listed paper, and which one
                    "similarity": t.get("similarity") if isinstance(t.get("similarity"), (int, float)) else None,
                    "similar_to": str(t.get("similar_to") or "")} for t in topics],
        "url": str(record.get("url") or meta.get("abs_url") or ""),
        "pdf": str(record.get("pdf") or meta.get("pdf") or ""),
        "doi": str(record.get("doi") or meta.get("doi") or ""),
        "arxiv_id": str(record.get("arxiv_id") or ""),
        "version": record.get("version") or meta.get("version") or "",
        "journal_ref": str(record.get("journal_ref") or ""),
        "venue": str(record.get("venue") or ""),
        "comment": str(record.get("comment") or ""),
        "code_links": [c for c in _strings(record.get("code_links")) if c.startswith(("http://", "https://"))],
        "source_label": str(record.get("source_label") or meta.get("source_label") or meta.get("source") or ""),
        "brief_status": str(meta.get("brief_status") or "pending"),
        "received": str(record.get("received") or meta.get("received") or ""),
        "events": [e for e in map(_event, record.get("events") or ()) if e],
    }


def _event(data) -> dict | None:
    """One of a paper's events (a new version, its journal version found) as the templates see it."""
    try:
        event = Event.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return {"day": event.day, "kind": event.kind, "version": event.version, "journal": event.journal,
            "doi": event.doi, "published": event.published, "text": event.describe()}


def _radar_day(instance: Article) -> date:
    """The day a paper arrived (Received), else its publication day (entries written before radar
    days were kept, and briefs)."""
    try:
        return date.fromisoformat(instance.paper["received"] if instance.paper else "")
    except ValueError:
        return _published_day(instance)


def _brief_view(instance: Article) -> dict | None:
    """The Brief JSON with both languages present (a missing language falls back to the other)."""
    brief = _json_meta(instance, "brief")
    if not brief:
        return None
    zh, en = brief.get("zh"), brief.get("en")
    zh = zh if isinstance(zh, dict) else None
    en = en if isinstance(en, dict) else None
    if not (zh or en):
        return None
    return {"model": str(brief.get("model") or ""), "prompt_version": str(brief.get("prompt_version") or ""),
            "extractive": bool(brief.get("extractive")), "zh": zh or en, "en": en or zh}


def on_content(instance) -> None:
    """``content_object_init``: attach the parsed records; briefs get their own URL and template."""
    if not isinstance(instance, Article):
        return
    category = str(instance.metadata.get("category") or "")
    for name in ("authors", "tags"):
        if not hasattr(instance, name):
            setattr(instance, name, [])
    instance.brief = _brief_view(instance)
    instance.paper = None if category in BRIEF_CATEGORIES else _paper_view(instance)
    instance.published_day = _published_day(instance)
    instance.radar_day = _radar_day(instance)
    # the JSON lines are parsed now: the content cache, read back on every build, keeps the
    # parsed form only
    for key in ("record", "brief"):
        instance.metadata.pop(key, None)
    instance.__dict__.pop("record", None)
    if category in BRIEF_CATEGORIES:
        instance.brief_kind = BRIEF_CATEGORIES[category]
        instance.paper_ids = _split(instance.metadata.get("papers"))
        instance.update_ids = _split(instance.metadata.get("updates"))
        instance.template = "brief"
        folder = "briefs/weekly" if instance.brief_kind == "weekly" else "briefs"
        name = instance.slug.removeprefix("brief-").removeprefix("weekly-")
        instance.override_url = instance.override_save_as = f"{folder}/{name}.html"
    else:
        instance.brief_kind = ""
        instance.paper_ids = instance.update_ids = []
        # Pelican formats an article's URL on every access; pages link to papers tens of
        # thousands of times, so the URL is worked out once here.
        instance.override_url = instance.url


# ---------------------------------------------------------------- taxonomy without the N² scans


class Members(list):
    """A list with O(1) membership: Pelican tests ``article in articles`` for every date."""

    def __init__(self, items=()):
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def on_articles_read(generator) -> None:
    """``article_generator_pretaxonomy``: one entry per page address (two entry files with one slug
    would be written to one page): the first in the site's order (newest first) is kept, the others
    are reported."""
    seen: dict[str, Article] = {}
    kept = []
    for article in generator.articles:
        # the URL names the page as well as save_as does, and was worked out already (on_content)
        first = seen.setdefault(article.url, article)
        if first is article:
            kept.append(article)
        else:
            log.warning("%s: same page (%s) as %s; left out — give it another Slug", article.source_path,
                        article.url, first.source_path)
    generator.articles = kept


def on_articles_finalized(generator) -> None:
    """``article_generator_finalized``: keep Pelican's topic and tag pages, take over authors.

    Pelican writes a page per category and tag (the lists get O(1) membership, so its
    per-page ``dates`` scan is linear); author pages and feeds are written by
    ``SiteGenerator`` because one scan of every article per author is quadratic.
    """
    generator.categories = [(cat, Members(arts)) for cat, arts in generator.categories]
    generator.tags = {tag: Members(arts) for tag, arts in generator.tags.items()}
    minimum = generator.settings.get("AUTHOR_PAGE_MIN_PAPERS", 2)
    groups = [(author, arts) for author, arts in generator.authors
              if author.slug and sum(1 for a in arts if getattr(a, "paper", None)) >= minimum]
    generator.context["author_groups"] = groups
    generator.settings["JINJA_FILTERS"]["author_url"].pages = {author.slug for author, _ in groups}
    generator.authors = []


# ---------------------------------------------------------------- text formats


def bibtex(article: Article) -> str:
    paper = article.paper
    first = paper["authors"][0]["name"].split()[-1] if paper["authors"] else "anon"
    key = "".join(ch for ch in f"{first}{article.date:%Y}{article.slug[-6:]}" if ch.isalnum())

    def field(text: str) -> str:
        return "".join("\\" + ch if ch in "{}&%$#_" else ch for ch in " ".join(str(text).split()))

    fields = [("title", "{" + field(paper["title"]) + "}")]
    if paper["authors"]:
        fields.append(("author", " and ".join(field(a["name"]) for a in paper["authors"])))
    fields.append(("year", f"{article.date:%Y}"))
    if paper["arxiv_id"]:
        fields += [("eprint", paper["arxiv_id"]), ("archivePrefix", "arXiv")]
        if paper["categories"]:
            fields.append(("primaryClass", paper["categories"][0]))
    if paper["venue"] or paper["journal_ref"]:
        fields.append(("journal", field(paper["journal_ref"] or paper["venue"])))
    if paper["doi"]:
        fields.append(("doi", paper["doi"]))
    if paper["url"]:
        fields.append(("url", paper["url"]))
    kind = "article" if (paper["venue"] or paper["journal_ref"]) else "misc"
    # the month is BibTeX's own macro (jan … dec), unbraced, so styles print it in their language
    body = ",\n".join([f"  {name} = {{{value}}}" for name, value in fields] + [f"  month = {article.date:%b}".lower()])
    return f"@{kind}{{{key},\n{body}\n}}\n"


def ris_name(name: str) -> str:
    """'Ada M. Lovelace' -> 'Lovelace, Ada M.': RIS (and Zotero, which splits AU at the comma) wants
    the family name first; the last word is taken as the family name, as BibTeX does."""
    given, _, family = name.rpartition(" ")
    return f"{family}, {given}" if given and "," not in name else name


def ris(article: Article) -> str:
    """The paper as an RIS record, tagged as Zotero's RIS import reads it: AU "Family, Given",
    T2 the journal, AB the abstract, DO the DOI, UR the page, L1 the PDF, AN the arXiv id."""
    paper = article.paper
    lines = [("TY", "JOUR" if paper["venue"] else "GEN"), ("TI", paper["title"])]
    lines += [("AU", ris_name(a["name"])) for a in paper["authors"]]
    lines += [("PY", f"{article.date:%Y}"), ("DA", f"{article.date:%Y/%m/%d}")]
    if paper["venue"]:
        lines.append(("T2", paper["venue"]))
    if paper["abstract"]:
        lines.append(("AB", paper["abstract"]))
    if paper["doi"]:
        lines.append(("DO", paper["doi"]))
    if paper["url"]:
        lines.append(("UR", paper["url"]))
    if paper.get("pdf"):
        lines.append(("L1", paper["pdf"]))
    if paper["arxiv_id"]:
        lines.append(("AN", f"arXiv:{paper['arxiv_id']}"))
    return "".join(f"{tag}  - {' '.join(str(value).split())}\n" for tag, value in lines) + "ER  - \n"


# ---------------------------------------------------------------- the generator


def _published_day(article: Article) -> date:
    moment = article.date
    return (moment.astimezone(timezone.utc) if moment.tzinfo else moment).date()


def _day(article: Article) -> date:
    """The radar day: the day a paper arrived (a brief's is its own date)."""
    return article.radar_day


def _score(article: Article) -> int:
    return max((t["score"] for t in article.paper["topics"]), default=0)


def related_papers(papers: list[Article], count: int) -> dict[int, list[Article]]:
    """Related papers by shared authors (strong) and shared tags near in time (weighted by rarity).

    Linear in the archive: each tag contributes only its neighbours in date order.
    """
    by_author: dict[str, list[Article]] = defaultdict(list)
    by_tag: dict[str, list[Article]] = defaultdict(list)
    for article in papers:
        for author in getattr(article, "authors", ()):
            by_author[author.slug].append(article)
        for tag in getattr(article, "tags", ()):
            by_tag[tag.slug].append(article)
    position = {slug: {id(a): i for i, a in enumerate(items)} for slug, items in by_tag.items()}
    related: dict[int, list[Article]] = {}
    for article in papers:
        scores: dict[int, float] = defaultdict(float)
        objects: dict[int, Article] = {}
        for author in getattr(article, "authors", ()):
            for other in by_author[author.slug][:50]:
                scores[id(other)] += 3
                objects[id(other)] = other
        for tag in getattr(article, "tags", ()):
            items = by_tag[tag.slug]
            weight = 1 / math.log(2 + len(items))
            at = position[tag.slug][id(article)]
            for other in items[max(0, at - 6): at + 7]:
                scores[id(other)] += weight
                objects[id(other)] = other
        scores.pop(id(article), None)
        best = sorted(scores, key=lambda key: (-scores[key], objects[key].slug))[:count]
        related[id(article)] = [objects[key] for key in best]
    return related


def _run_days(runs: list[dict], limit: int = 14) -> tuple[list[dict], list[dict]]:
    """The last ``limit`` runs (newest first) and one row per source with its status per run."""
    recent = list(reversed(runs[-limit:]))
    names: dict[str, str] = {}
    for run in recent:
        for report in run.get("sources") or ():
            if isinstance(report, dict) and report.get("source"):
                names.setdefault(str(report["source"]), str(report.get("kind") or ""))
    rows = []
    for source, kind in names.items():
        cells = []
        for run in recent:
            report = next((r for r in run.get("sources") or () if isinstance(r, dict) and r.get("source") == source), None)
            cells.append(report)
        latest = next((c for c in cells if c), {})
        rows.append({"source": source, "kind": kind, "cells": cells, "latest": latest})
    return recent, rows


def _semantics(settings, papers: list[Article]):
    """Related papers and maps from ``state/embeddings`` (the semantic extra); None without them."""
    from .semantic.views import SiteSemantics

    state = Path(settings.get("ACADEMICHUB_STATE", "state"))
    # the archive's neighbours are kept in Pelican's cache folder between builds
    return SiteSemantics.build(state, papers, state.parent / "semantic.yml", Path(settings["CACHE_PATH"]))


def _trends(papers: list[Article]) -> dict:
    """Papers per week for every topic (the topic pages' chart)."""
    from .semantic.views import topic_trends

    return topic_trends((_day(a), [t["rule"] for t in a.paper["topics"]]) for a in papers)


class Rows:
    """A paper's row on list pages (the ``row`` macro of ``_macros.html``), rendered once per build.

    A paper is listed on its day's page, its topics' and keywords' pages and its authors' pages;
    its row is the same on all of them but for the relative path to the site's root (SITEURL).
    """

    def __init__(self, env, context: dict):
        self.env, self.context = env, context
        self.macros: dict[str, object] = {}
        self.rows: dict[tuple[int, str], Markup] = {}

    def __call__(self, article: Article, root: str) -> Markup:
        key = (id(article), root)
        if key not in self.rows:
            if root not in self.macros:
                module = self.env.get_template("_macros.html").make_module({**self.context, "SITEURL": root})
                self.macros[root] = module.row
            self.rows[key] = self.macros[root](article)
        return self.rows[key]


class SiteGenerator(Generator):
    """Context for every page (topics, home pool, runs) and the pages Pelican does not write."""

    def generate_context(self) -> None:
        settings = self.settings
        self._author_urls: dict[str, str] = {}
        self.topics = load_topics(Path(settings.get("ACADEMICHUB_RULES", "rules")))
        runs = health.load(Path(settings.get("ACADEMICHUB_STATE", "state")) / "runs.jsonl")
        articles = self.context.get("articles", [])
        self.papers = [a for a in articles if getattr(a, "paper", None)]
        self.briefs = [a for a in articles if getattr(a, "brief_kind", "")]
        self.by_id = {a.paper["id"]: a for a in self.papers}
        self.days: dict[date, list[Article]] = defaultdict(list)
        for article in self.papers:
            self.days[_day(article)].append(article)
        # papers already on the radar that changed on a later day (a new version, a journal version)
        self.updates: dict[date, list[Article]] = defaultdict(list)
        for article in self.papers:
            for day in dict.fromkeys(e["day"] for e in article.paper["events"]):
                if day != _day(article):
                    self.updates[day].append(article)
        for items in (*self.days.values(), *self.updates.values()):
            items.sort(key=lambda a: (-_score(a), a.slug))
        daily = [b for b in self.briefs if b.brief_kind == "daily"]
        self.brief_by_day = {_day(b): b for b in sorted(daily, key=lambda b: b.date)}
        for brief in self.briefs:
            brief.cited = [self.by_id[i] for i in brief.paper_ids if i in self.by_id]
            brief.updated_papers = [self.by_id[i] for i in brief.update_ids if i in self.by_id]
        related = related_papers(self.papers, settings.get("RELATED_PAPERS", 6))
        author_pages = settings["JINJA_FILTERS"]["author_url"].pages
        semantic = _semantics(settings, self.papers)
        for article in self.papers:
            article.related = related[id(article)]
            article.stamp = _stamp(article.source_path)
            # which of its authors have a page: the paper's links change when one gets a page
            article.author_links = "".join("1" if a.slug in author_pages else "0" for a in article.authors)
            # (article, cosine, shared topic) across the archive, when the vectors exist
            article.related_semantic = semantic.related.get(article.paper["id"], []) if semantic else []
        # what every page's rendering depends on besides its own entries (see FeedWriter.up_to_date)
        render_key = _digest(settings["SITEURL"], str(settings.get("DEFAULT_LANG")),
                             _tree_digest(Path(self.theme) / "templates"),
                             json.dumps([vars(t) for t in self.topics.values()], sort_keys=True))
        for brief in self.briefs:
            day = self.days.get(_day(brief), [])
            ordered = brief.cited + [a for a in day if a not in brief.cited]
            brief.day_map = semantic.day_map(ordered) if semantic and brief.brief_kind == "daily" else None
        recent_runs, status_rows = _run_days(runs)
        self.home_order = self._home_order()
        self.context.update({
            "RENDER_KEY": render_key,
            "SITE_ABSOLUTE_URL": settings["SITEURL"],
            "SITE_PATH": urlparse(settings["SITEURL"]).path.rstrip("/") + "/",
            "topics": self.topics,
            "topic_list": [t for t in self.topics.values() if t.id not in BUILTIN_TOPICS or t.id in self._used_topics()],
            "topic_counts": self._topic_counts(),
            "paper_count": len(self.papers),
            "papers_by_id": self.by_id,
            "home_pool": self.home_order[:HOME_POOL],
            "home_day": self._home_day(),
            "latest_brief": daily[0] if daily else None,
            "brief_articles": self.briefs,
            "archive_days": sorted(((d, len(self.days.get(d, ()))) for d in self.days.keys() | self.updates.keys()),
                                   reverse=True),
            "runs": recent_runs,
            "status_rows": status_rows,
            "STATUS_TEXT": STATUS_TEXT,
            "author_url": self.author_url,
            "day_url": self.day_url,
            "paper_row": Rows(self.env, self.context),
            "topic_trends": _trends(self.papers),
        })

    def _used_topics(self) -> set[str]:
        return {str(a.category) for a in self.context.get("articles", [])}

    def _topic_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for article in self.papers:
            for topic in article.paper["topics"]:
                counts[topic["rule"]] += 1
        return counts

    def _home_day(self) -> date | None:
        """The day the home page leads with: the last radar day on which papers arrived."""
        return max(self.days) if self.days else None

    def _home_order(self) -> list[Article]:
        """Every paper in home-page order: the lead day's, then the other days, newest first.

        The lead day's papers come in its daily brief's ``Papers`` order, so the card numbers
        on the home page are the numbers the brief cites. The page holds the first HOME_POOL
        cards; "换一批" continues with the next ones from data/index.json, in this order.
        """
        lead = self._home_day()
        if lead is None:
            return []
        brief = self.brief_by_day.get(lead)
        order = list(brief.cited) if brief else []
        cited = set(map(id, order))
        order += [a for a in self.days.get(lead, []) if id(a) not in cited]
        for day in sorted(self.days, reverse=True):
            if day != lead:
                order.extend(self.days[day])
        return order

    def author_url(self, name: str) -> str:
        """Where an author's name leads (the filter remembers it by slug; working out the slug
        is the costly part, so it is remembered by name here)."""
        if name not in self._author_urls:
            self._author_urls[name] = self.settings["JINJA_FILTERS"]["author_url"](Author(name, self.settings))
        return self._author_urls[name]

    def day_url(self, day: date) -> str:
        return self.settings["ARCHIVE_DAY_URL"].format(date=day)

    # ------------------------------------------------------------ output

    def generate_output(self, writer: Writer) -> None:
        started = time.perf_counter()
        write = functools.partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        self._write_authors(writer, write)
        authors_done = time.perf_counter()
        for day in sorted(self.days.keys() | self.updates.keys()):
            items, updates = self.days.get(day, []), self.updates.get(day, [])
            name, brief = self.day_url(day), self.brief_by_day.get(day)
            key = _digest(self.context["RENDER_KEY"], brief.url if brief else "",
                          *map(_listed, items), "updates", *map(_listed, updates))
            if isinstance(writer, FeedWriter) and writer.up_to_date(name, key):
                continue
            write(name, self.get_template("day"), self.context, day=day, articles=items, updates=updates,
                  brief=brief, template_name="day")
        write("archives.html", self.get_template("archives"), self.context, template_name="archives")
        if not any(str(cat) == "daily-brief" for cat, _ in self.context.get("categories", [])):
            # the navigation links to the briefs page even before the first brief exists
            empty = Category("daily-brief", self.settings)
            write(empty.save_as, self.get_template("category"), self.context, category=empty, articles=[],
                  template_name="category-empty")
        output = Path(self.output_path)
        self._write_index(output)
        self._write_json_feed(output)
        self._write_opml(output)
        self._write_sitemap(output)
        log.info("site: author pages %.1fs, other pages %.1fs", authors_done - started, time.perf_counter() - authors_done)

    def _write_authors(self, writer: Writer, write) -> None:
        """A page, an Atom and an RSS feed per author.

        With ~3.5 authors per paper an archive of 10,000 papers has ~35,000 authors, so the
        feeds are assembled from one XML fragment per paper instead of a feed object each.
        """
        template = self.get_template("author")
        feeds = AuthorFeeds(self.settings, Path(self.output_path))
        atom, rss = self.settings.get("AUTHOR_FEED_ATOM"), self.settings.get("AUTHOR_FEED_RSS")
        for author, articles in self.context.get("author_groups", []):
            names = [path.format(slug=author.slug) for path in (atom, rss) if path]
            key = _digest(self.context["RENDER_KEY"], author.name,
                          *(_listed(a) for a in articles if getattr(a, "paper", None)))
            if isinstance(writer, FeedWriter) and writer.up_to_date(author.save_as, key, *names):
                continue
            write(author.save_as, template, self.context, author=author, articles=articles, template_name="author")
            feeds.write(author, articles)
            if isinstance(writer, FeedWriter):
                for name in names:
                    writer.keep(name)

    def _radar_papers(self) -> list[Article]:
        """The papers of the last RADAR_DAYS days (at least RADAR_MIN_PAPERS), in home-page order."""
        if not self.papers:
            return []
        newest = max(self.days)
        since = newest - timedelta(days=self.settings.get("RADAR_DAYS", 30))
        recent = [a for a in self.home_order if _day(a) >= since]
        return recent if len(recent) >= RADAR_MIN_PAPERS else self.home_order[:max(RADAR_MIN_PAPERS, len(recent))]

    def _write_index(self, output: Path) -> None:
        """data/index.json: the recent papers the radar and the home page's filters work on."""
        items = []
        for article in self._radar_papers():
            paper, brief = article.paper, article.brief
            items.append({
                "id": paper["id"], "url": article.url, "title": paper["title"],
                "authors": [a["name"] for a in paper["authors"]],
                "author_urls": [self.author_url(a["name"]) for a in paper["authors"]],
                "date": f"{_published_day(article):%Y-%m-%d}", "day": f"{_day(article):%Y-%m-%d}",
                "source": paper["source_label"],
                "topics": paper["topics"], "tags": [str(t) for t in getattr(article, "tags", ())],
                "abstract": paper["abstract"][:600],
                "tldr": {"zh": brief["zh"].get("tldr", ""), "en": brief["en"].get("tldr", "")} if brief else None,
            })
        topics = {t.id: {"zh": t.name_zh, "en": t.name_en} for t in self.topics.values()}
        _write_text(output / "data" / "index.json", json.dumps({"topics": topics, "papers": items}, ensure_ascii=False))

    def _absolute(self, url: str) -> str:
        return f"{self.settings['SITEURL']}/{url}"

    def _write_json_feed(self, output: Path) -> None:
        limit = self.settings.get("FEED_MAX_ITEMS") or 200
        items = []
        for article in self.context.get("articles", [])[:limit]:
            paper = article.paper
            item = {
                "id": self._absolute(article.url), "url": self._absolute(article.url),
                "title": paper["title"] if paper else article.title,
                "content_html": article.get_content(self.settings["SITEURL"]),
                "date_published": set_date_tzinfo(article.date, "UTC").isoformat(),
                "tags": [str(article.category)] + [str(t) for t in getattr(article, "tags", ())],
            }
            if paper:
                item["summary"] = paper["abstract"][:500]
                if paper["authors"]:  # else the feed's author stands for the item's
                    item["authors"] = [{"name": a["name"], "url": self._absolute(self.author_url(a["name"]))}
                                       for a in paper["authors"]]
                if paper["url"]:
                    item["external_url"] = paper["url"]
            else:
                item["language"] = content_lang(self.settings)
            items.append(item)
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.settings["SITENAME"], "description": self.settings.get("SITESUBTITLE", ""),
            "home_page_url": self.settings["SITEURL"] + "/", "feed_url": self._absolute("feed.json"),
            "authors": [{"name": self.settings["SITENAME"], "url": self.settings["SITEURL"] + "/"}],
            "language": PAPER_LANG, "items": items,
        }
        _write_text(output / "feed.json", json.dumps(feed, ensure_ascii=False, indent=1))

    def feed_list(self) -> list[tuple[str, str]]:
        """(title, path) of the site-wide and per-topic feeds, for OPML and the topics page."""
        feeds = [(feed_title(self.settings["SITENAME"]), self.settings["FEED_ALL_ATOM"])]
        for topic in self.context["topic_list"]:
            if self.context["topic_counts"].get(topic.id) or topic.id in BRIEF_CATEGORIES:
                feeds.append((feed_title(self.settings["SITENAME"], topic),
                              self.settings["CATEGORY_FEED_ATOM"].format(slug=topic.id)))
        return feeds

    def _write_opml(self, output: Path) -> None:
        outlines = "".join(
            f'    <outline type="rss" text={quoteattr(title)} title={quoteattr(title)} '
            f'xmlUrl={quoteattr(self._absolute(path))} htmlUrl={quoteattr(self.settings["SITEURL"] + "/")}/>\n'
            for title, path in self.feed_list())
        text = ('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
                f"    <title>{xml_escape(self.settings['SITENAME'])} feeds</title>\n  </head>\n  <body>\n"
                f"{outlines}  </body>\n</opml>\n")
        _write_text(output / "feeds.opml", text)

    def _write_sitemap(self, output: Path) -> None:
        def changed(article):
            return article.modified if hasattr(article, "modified") else article.date

        def newest(articles):  # a list page changes when one of its papers does
            return max(map(changed, articles), default=None)

        articles = self.context.get("articles", [])
        every = newest(articles)
        urls = [("", every), ("topics.html", every), ("archives.html", every)]
        urls += [(a.url, changed(a)) for a in articles]
        urls += [(cat.url, newest(items)) for cat, items in self.context.get("categories", [])]
        urls += [(tag.url, newest(items)) for tag, items in self.context.get("tags", [])]
        urls += [(author.url, newest(items)) for author, items in self.context.get("author_groups", [])]
        urls += [(self.day_url(day), newest(items)) for day, items in self.days.items()]
        chunks = [urls[i:i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)] or [[]]

        def urlset(chunk) -> str:
            rows = "".join(
                f"<url><loc>{xml_escape(self._absolute(quote(url)))}</loc>"
                + (f"<lastmod>{set_date_tzinfo(when, 'UTC'):%Y-%m-%d}</lastmod>" if when else "") + "</url>\n"
                for url, when in chunk)
            return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')

        if len(chunks) == 1:
            _write_text(output / "sitemap.xml", urlset(chunks[0]))
        else:
            for number, chunk in enumerate(chunks, 1):
                _write_text(output / f"sitemap-{number}.xml", urlset(chunk))
            rows = "".join(f"<sitemap><loc>{xml_escape(self._absolute(f'sitemap-{n}.xml'))}</loc></sitemap>\n"
                           for n in range(1, len(chunks) + 1))
            _write_text(output / "sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n')
        _write_text(output / "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self._absolute('sitemap.xml')}\n")


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def _listed(article: Article) -> str:
    """What a list page's render key takes from an article it lists: which version of the entry
    (papers have theirs worked out already), its URL and which of its authors have a page."""
    version = getattr(article, "stamp", None) or _stamp(article.source_path)
    return f"{version}{article.url}{getattr(article, 'author_links', '')}"


def _stamp(path: str) -> str:
    """Which version of an entry file this is (path, modification time and size)."""
    try:
        info = os.stat(path)
    except OSError:
        return path
    return f"{path}:{info.st_mtime_ns}:{info.st_size}"


def _tree_digest(folder: Path) -> str:
    return _digest(*(f"{p.relative_to(folder)}:{p.read_bytes().hex()}" for p in sorted(folder.rglob("*")) if p.is_file()))


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text for an XML element or attribute: escaped, without the characters XML 1.0 forbids."""
    return xml_escape(_XML_INVALID.sub("", str(text)), {'"': "&quot;"})


class AuthorFeeds:
    """Atom and RSS feeds per author (AUTHOR_FEED_ATOM / AUTHOR_FEED_RSS), built from cached fragments."""

    def __init__(self, settings: dict, output: Path):
        self.settings = settings
        self.output = output
        self.site = settings["SITEURL"]
        self._atom: dict[int, str] = {}
        self._rss: dict[int, str] = {}

    def _fragments(self, article: Article) -> tuple[str, str]:
        key = id(article)
        if key not in self._atom:
            paper, brief = article.paper, article.brief
            link = xml_text(f"{self.site}/{article.url}")
            title = xml_text(paper["title"])
            # the opening of the abstract (the page has all of it): ~15,000 feeds must fit a Pages site
            text = paper["abstract"] if len(paper["abstract"]) <= 300 else paper["abstract"][:300].rsplit(" ", 1)[0] + " …"
            if brief and brief["zh"].get("tldr"):
                text = f"TL;DR: {brief['zh'].get('tldr', '')} / {brief['en'].get('tldr', '')}\n\n{text}"
            summary = xml_text(text)
            published = set_date_tzinfo(article.date, "UTC")
            updated = set_date_tzinfo(getattr(article, "modified", None) or article.date, "UTC")
            terms = [str(article.category)] + [str(t) for t in article.tags]
            self._atom[key] = (
                f'<entry><title>{title}</title><link href="{link}" rel="alternate"/><id>{link}</id>'
                f"<published>{published.isoformat()}</published><updated>{updated.isoformat()}</updated>"
                + "".join(f"<author><name>{xml_text(a['name'])}</name></author>" for a in paper["authors"])
                + f'<summary type="text">{summary}</summary>'
                + "".join(f'<category term="{xml_text(t)}"/>' for t in terms) + "</entry>\n")
            self._rss[key] = (
                f"<item><title>{title}</title><link>{link}</link><description>{summary}</description>"
                + "".join(f"<dc:creator>{xml_text(a['name'])}</dc:creator>" for a in paper["authors"])
                + f"<pubDate>{format_datetime(published)}</pubDate><guid isPermaLink=\"true\">{link}</guid>"
                + "".join(f"<category>{xml_text(t)}</category>" for t in terms) + "</item>\n")
        return self._atom[key], self._rss[key]

    def write(self, author, articles: list[Article]) -> None:
        papers = [a for a in articles if getattr(a, "paper", None)][: self.settings.get("FEED_MAX_ITEMS") or None]
        if not papers:
            return
        title = xml_text(f"{self.settings['SITENAME']} – {author.name}")
        page = xml_text(f"{self.site}/{author.url}")
        newest = max(set_date_tzinfo(getattr(a, "modified", None) or a.date, "UTC") for a in papers)
        atom_path, rss_path = self.settings.get("AUTHOR_FEED_ATOM"), self.settings.get("AUTHOR_FEED_RSS")
        if atom_path:
            path = atom_path.format(slug=author.slug)
            own = xml_text(f"{self.site}/{path}")
            _write_text(self.output / path,
                        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{PAPER_LANG}">'
                        f'<title>{title}</title><link href="{page}" rel="alternate"/><link href="{own}" rel="self"/>'
                        f"<id>{own}</id><updated>{newest.isoformat()}</updated>\n"
                        + "".join(self._fragments(a)[0] for a in papers) + "</feed>\n")
        if rss_path:
            path = rss_path.format(slug=author.slug)
            own = xml_text(f"{self.site}/{path}")
            _write_text(self.output / path,
                        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                        f"<title>{title}</title><link>{page}</link><description>{title}</description>"
                        f"<language>{PAPER_LANG}</language>"
                        f'<atom:link href="{own}" rel="self"/><lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n'
                        + "".join(self._fragments(a)[1] for a in papers) + "</channel></rss>\n")


def _write_bytes(path: Path, data: bytes) -> None:
    """Write a file unless it already holds exactly ``data`` (rebuilds into an existing folder touch
    only what changed, which also keeps file dates meaningful for rsync-style deploys)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


class _Output(io.StringIO):
    """What Pelican's writer writes into; on close the file is written only if its content changed."""

    def __init__(self, path: str, encoding: str):
        super().__init__()
        self.path, self.charset = Path(path), encoding

    def close(self) -> None:
        if not self.closed:
            _write_bytes(self.path, self.getvalue().encode(self.charset))
        super().close()


# ---------------------------------------------------------------- the writer: pages of lists, feeds


class StablePaginator(Paginator):
    """Pages of a newest-first list cut from its oldest end, so that a page keeps its items.

    Page 1 (the list's own address) holds the newest ``per_page`` to ``2 × per_page − 1`` items;
    every other page holds ``per_page`` items, numbered from the oldest: page 2 holds the oldest
    ones. New items only ever change page 1, and add a page when it fills up; an address such as
    ``topics/x-7.html`` shows the same papers for good. Pages read 1, ``num_pages``, …, 2.
    """

    @property
    def num_pages(self) -> int:
        return max(1, self.count // self.per_page)

    def page(self, number: int) -> Page:
        count, size = self.count, self.per_page
        if number == 1:
            items = self.object_list[: count - (self.num_pages - 1) * size]
        else:
            end = count - (number - 2) * size
            items = self.object_list[end - size: end]
        return Page(self.name, self.url, items, number, self, self.settings)

    def reading_order(self) -> list[Page]:
        """The pages from the newest items to the oldest."""
        return [self.page(1)] + [self.page(number) for number in range(self.num_pages, 1, -1)]


class FeedWriter(Writer):
    """Pelican's writer, with feed items built from the paper record, and unchanged files left alone.

    Pelican strips tags from titles (losing text such as ``a < b``) and names one author;
    here the title is the plain text, every author is named, and each item's id is its
    absolute page URL.
    """

    active: "FeedWriter | None" = None

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self.keys_file = Path(self.settings.get("CACHE_PATH", "cache")) / f"render-keys-{_digest(str(output_path))[:10]}.json"
        try:
            self.previous_keys = json.loads(self.keys_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.previous_keys = {}
        self.keys: dict[str, str] = {}
        FeedWriter.active = self

    def up_to_date(self, name: str, key: str, *also: str) -> bool:
        """Whether page ``name`` (and the files ``also``) were made from inputs with this key and are on disk.

        Pages of papers and authors are only rendered again when what they show changed, so a
        rebuild into an existing output folder renders the new day, not the whole archive.
        """
        self.keys[name] = key
        paths = [sanitised_join(self.output_path, n) for n in (name, *also)]
        if self.previous_keys.get(name) != key or not all(os.path.exists(p) for p in paths):
            return False
        self._written_files.update(paths)
        return True

    def keep(self, name: str) -> None:
        """Record a file written outside Pelican's writer, so pruning leaves it."""
        self._written_files.add(sanitised_join(self.output_path, name))

    def save_keys(self) -> None:
        self.keys_file.parent.mkdir(parents=True, exist_ok=True)
        _write_text(self.keys_file, json.dumps(self.keys, sort_keys=True))

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        article = kwargs.get("article")
        if name and getattr(article, "paper", None) and "RENDER_KEY" in context:
            related = "".join(f"{r.stamp}{r.url}" for r in getattr(article, "related", ()))
            related += "".join(f"{r[0].stamp}{r[0].url}{r[1:]}" for r in getattr(article, "related_semantic", ()) or ())
            if self.up_to_date(name, _digest(context["RENDER_KEY"], article.stamp, article.author_links, related)):
                return
        elif name and template_name in ("tag", "category") and "RENDER_KEY" in context:
            self._write_list(name, template, context, relative_urls, template_name, override_output, url, kwargs)
            return
        super().write_file(name, template, context, relative_urls, paginated, template_name, override_output, url,
                           **kwargs)

    def _write_list(self, name, template, context, relative_urls, template_name, override_output, url, kwargs):
        """A topic or keyword page and its later pages (see :class:`StablePaginator`), each rendered
        only when what it shows changed: its papers, the pages it links to, and on the first page
        a topic's weekly chart. A new day renders the first page of the lists it adds to (and the
        page that fills up), not every page of them."""
        pages = StablePaginator(name, url, kwargs.get("articles") or [], self.settings,
                                self.settings["PAGINATED_TEMPLATES"][template_name])
        chart = json.dumps(context.get("topic_trends", {}).get(str(kwargs.get("category", ""))), default=str)
        order = pages.reading_order()
        for at, page in enumerate(order):
            previous = order[at - 1] if at else None
            following = order[at + 1] if at + 1 < len(order) else None
            key = _digest(context["RENDER_KEY"], template_name, chart if page.number == 1 else "",
                          previous.url if previous else "", following.url if following else "",
                          *map(_listed, page.object_list))
            if self.up_to_date(page.save_as, key):
                continue
            super().write_file(page.save_as, template, context, relative_urls, {}, template_name, override_output,
                               url, **kwargs, articles_paginator=pages, articles_page=page,
                               articles_previous_page=previous, articles_next_page=following)

    def _open_w(self, filename, encoding, override=False):
        # Pelican's bookkeeping (refuse to write one file twice unless overriding), then a
        # buffer that skips the write when the bytes are the same as on disk.
        if filename in self._overridden_files:
            if override:
                raise RuntimeError(f'Failed to overwrite "{filename}" a second time')
            return io.StringIO()
        if filename in self._written_files and not override:
            raise RuntimeError(f'Failed to overwrite "{filename}": it was already written in this build')
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _Output(filename, encoding)

    def _create_new_feed(self, feed_type, name, context):
        """A feed named like the topics page names it, authored by the site, in the papers' language."""
        topics = context.get("topics", {})
        return (RssFeed if feed_type == "rss" else AtomFeed)(
            title=feed_title(context["SITENAME"], topic_for(topics, name) if name else None),
            link=self.site_url + "/", feed_url=self.feed_url, description=context.get("SITESUBTITLE", ""),
            subtitle=context.get("SITESUBTITLE", None),
            language=content_lang(self.settings) if name in BRIEF_CATEGORIES else PAPER_LANG,
            author_name=context["SITENAME"], author_link=self.site_url + "/")

    def _add_item_to_the_feed(self, feed, item) -> None:
        paper = getattr(item, "paper", None)
        link = self.urljoiner(self.site_url, item.url)
        content = item.get_content(self.site_url)
        summary = item.summary
        rss = isinstance(feed, Rss201rev2Feed)
        names = [a["name"] for a in paper["authors"]] if paper else [str(a) for a in getattr(item, "authors", ())]
        categories = [str(item.category)] + [str(t) for t in getattr(item, "tags", ())]
        feed.add_item(
            authors=names,
            lang=PAPER_LANG if paper else content_lang(self.settings),
            title=paper["title"] if paper else item.title,
            link=link,
            unique_id=link,
            description=content if rss else summary,
            content=None if rss else content,
            categories=categories,
            pubdate=set_date_tzinfo(item.date, "UTC"),
            updateddate=set_date_tzinfo(item.modified, "UTC") if hasattr(item, "modified") else None,
        )


# ---------------------------------------------------------------- plugin entry points


def get_generators(_pelican):
    return SiteGenerator


def get_writer(_pelican):
    return FeedWriter


def add_filters(pelican) -> None:
    """Jinja filters the theme uses (added to the settings before generators create their environments)."""
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(
        {"bibtex": bibtex, "ris": ris, "author_url": AuthorUrl(pelican.settings["AUTHOR_URL"])})


class AuthorUrl:
    """Jinja filter: where an author's name leads — their page, or a search for their name.

    ``pages`` holds the slugs of the authors who have a page (set once the articles are read);
    the URLs are remembered (Pelican formats URLWrapper.url on every access).
    """

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.pages: set[str] = set()
        self.known: dict[str, str] = {}

    def __call__(self, author) -> str:
        slug = author.slug
        if slug not in self.known:
            self.known[slug] = (self.pattern.format(slug=slug) if slug in self.pages
                                else "search.html?q=" + quote(str(author.name)))
        return self.known[slug]


def register() -> None:
    signals.initialized.connect(add_filters)
    signals.content_object_init.connect(on_content)
    signals.article_generator_pretaxonomy.connect(on_articles_read)
    signals.article_generator_finalized.connect(on_articles_finalized)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)


# ---------------------------------------------------------------- build and serve


@dataclass(frozen=True)
class BuildResult:
    output: Path
    papers: int
    pelican_seconds: float
    search: SearchReport | None  # None when the build made no search index

    @property
    def search_seconds(self) -> float:
        return self.search.seconds if self.search else 0.0


def build(content: Path | None = None, output: Path | None = None, *, settings_file: Path | None = None,
          publish: bool = False, rules: Path | None = None, state: Path | None = None,
          siteurl: str | None = None, search: bool = True) -> BuildResult:
    """Build the site with Pelican, then index it with Pagefind."""
    settings_file = settings_file or Path("publishconf.py" if publish else "pelicanconf.py")
    if not settings_file.is_file():
        raise SiteError(f"{settings_file}: no Pelican settings file here; run from the project folder "
                        "or pass --settings")
    root = settings_file.resolve().parent
    override: dict = {}
    if content:
        override["PATH"] = str(content.resolve())
        if state is None and (content.resolve().parent / "state").is_dir():
            state = content.resolve().parent / "state"
    if output:
        override["OUTPUT_PATH"] = str(output.resolve())
    override["ACADEMICHUB_RULES"] = str((rules or root / "rules").resolve())
    override["ACADEMICHUB_STATE"] = str((state or root / "state").resolve())
    if siteurl:
        override["SITEURL"] = override["FEED_DOMAIN"] = siteurl.rstrip("/")
    try:
        settings = read_settings(str(settings_file), override=override)
    except ValueError as exc:  # Pelican's way of saying the content folder is missing
        raise SiteError(f"{content or 'content/'}: no content folder (run `academichub fetch` or "
                        f"`academichub demo` first): {exc}") from exc
    settings["CACHE_PATH"] = str(_cache_folder(Path(settings["CACHE_PATH"]), settings["PATH"], settings_file))
    if not settings.get("SITEURL", "").startswith(("http://", "https://")):
        raise SiteError(f"{settings_file}: SITEURL must be an absolute http(s) address (feeds need absolute ids)")
    if not Path(settings["PATH"]).is_dir():
        raise SiteError(f"{settings['PATH']}: no content folder (run `academichub fetch` or `academichub demo` first)")
    started = time.perf_counter()
    pelican = Pelican(settings)
    FeedWriter.active = None
    pelican.run()
    pelican_seconds = time.perf_counter() - started
    out = Path(settings["OUTPUT_PATH"])
    writer = FeedWriter.active
    if writer is not None:
        writer.save_keys()
        if not settings.get("DELETE_OUTPUT_DIRECTORY"):
            prune(out, writer._written_files)
    report = None
    if search and settings.get("PAGEFIND", True):
        try:
            report = index_site(out, settings.get("PAGEFIND_BUCKET_PAGES"),
                                cache=Path(settings["CACHE_PATH"]) / "search-pages.json")
        except SearchError as exc:
            raise SiteError(str(exc)) from exc
    papers = sum(1 for _ in Path(settings["PATH"]).rglob("*.md"))
    return BuildResult(out, papers, pelican_seconds, report)


def _cache_folder(caches: Path, content: str, settings_file: Path) -> Path:
    """The folder of Pelican's content cache for this content folder and this code.

    The cache holds Article objects as this module prepared them, so it is keyed by this module's
    code, the settings file and Pelican's version (a change never reads stale objects), and by the
    content folder (two sites built from one project keep a cache each). Caches of the same content
    folder made by other code are removed, and so are caches named as earlier versions named them
    (twelve hex digits): they would never be read again, and the daily job keeps the whole cache
    folder between runs.
    """
    site = hashlib.sha1(content.encode()).hexdigest()[:8]
    code = hashlib.sha1(Path(__file__).read_bytes() + settings_file.read_bytes() + pelican_version.encode()).hexdigest()[:12]
    folder = caches / f"{site}-{code}"
    if caches.is_dir():
        for other in caches.iterdir():
            stale = other.name.startswith(f"{site}-") or re.fullmatch("[0-9a-f]{12}", other.name)
            if other.is_dir() and stale and other != folder:
                shutil.rmtree(other, ignore_errors=True)
                log.info("site: removed the content cache of an earlier version (%s)", other)
    return folder


PRUNED = ("papers", "briefs", "authors", "tags", "topics", "archive", "feeds")


def prune(output: Path, written: set[str]) -> int:
    """Remove pages and feeds this build did not produce (an entry or author that is gone).

    The output folder is kept between builds so unchanged pages need no rendering; this keeps
    it exactly what a build into an empty folder would hold.
    """
    # both sides are absolute paths under the same output folder: abspath is enough (realpath
    # costs several system calls a file, seconds for the ~40,000 files of a large archive)
    keep = {os.path.abspath(p) for p in written}
    removed = 0
    for folder in PRUNED:
        for root, _, files in os.walk(os.path.abspath(output / folder)):
            for name in files:
                path = os.path.join(root, name)
                if name.endswith((".html", ".xml")) and path not in keep:
                    os.unlink(path)
                    removed += 1
    if removed:
        log.info("site: removed %d pages and feeds of entries that are gone", removed)
    return removed


class _Handler(http.server.SimpleHTTPRequestHandler):
    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        log.info("%s - %s", self.address_string(), format % args)


def make_server(output: Path, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for a built site (404.html for missing pages); port 0 picks a free port."""
    if not (output / "index.html").is_file():
        raise SiteError(f"{output}: no built site here (run `academichub build` first)")
    handler = functools.partial(_Handler, directory=str(output))
    return http.server.ThreadingHTTPServer((host, port), handler)


