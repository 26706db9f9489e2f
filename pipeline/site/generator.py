"""The generator: the context every page gets (topics, the home page's pool, runs) and the pages
Pelican does not write itself (days, authors, archive, data/index.json, JSON Feed, OPML, sitemap, the API)."""

from __future__ import annotations

import functools
import json
import logging
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlparse

from markupsafe import Markup
from pelican.contents import Article
from pelican.generators import Generator
from pelican.urlwrappers import Author, Category
from pelican.writers import Writer

from ..archive import runlog
from ..archive.entry import BriefStatus
from ..files import write_text
from ..layout import Layout
from ..models import PaperView
from ..notify.record import SentRecord
from ..publish.record import site_size
from ..text import xml_text
from .api import Api
from .feeds import PAPER_LANG, content_lang, feed_title
from .learn import write_cards, write_ids, write_vectors
from .outputs import AuthorFeeds
from .periods import Manifest
from .related import related_papers, site_semantics
from .scripts import write_shared_js
from .settings import site_settings
from .trends import topic_trends_of
from .views import (
    BRIEF_CATEGORIES,
    BUILTIN_TOPICS,
    CardPrototype,
    card_key,
    feed_dates,
    feed_terms,
    listed_authors,
    load_topics,
    published_day_of,
    radar_day_of,
)
from .writer import FeedWriter, entry_stamp, listed_key, pages_key, render_digest

log = logging.getLogger(__name__)


STATUS_TEXT = {
    "ok": ("正常", "OK"),
    "empty": ("无公告", "No announcement"),
    "not-modified": ("未更新", "Unchanged"),
    "stale": ("源未更新", "Stale feed"),
    "partial": ("结果不完整", "Partial results"),
    "failed": ("抓取失败", "Feed failed"),
}


SITEMAP_LIMIT = 50_000


# what data/index.json tells of why a rule selected a paper (the radar's filters read it)
INDEX_SELECTION = ("rule", "score", "keywords", "authors", "categories", "similarity", "similar_to")


HOME_POOL = 30  # cards on the home page itself (three batches); the rest come from data/index.json


RADAR_MIN_PAPERS = 500


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
            report = next(
                (r for r in run.get("sources") or () if isinstance(r, dict) and r.get("source") == source), None
            )
            cells.append(report)
        latest = next((c for c in cells if c), {})
        rows.append({"source": source, "kind": kind, "cells": cells, "latest": latest})
    return recent, rows


class Rows:
    """A paper's row on list pages (the ``row`` macro of ``_macros.html``, or ``link`` on author pages
    and among related papers), rendered once per build.

    A paper is listed on its day's page, its topics' and keywords' pages and its authors' pages;
    its row is the same on all of them but for the relative path to the site's root (SITEURL) and, on a
    topic's page, the name of its main topic when that is another.
    """

    def __init__(self, env, context: dict, macro: str = "row"):
        self.env, self.context, self.macro = env, context, macro
        self.macros: dict[str, object] = {}
        self.rows: dict[tuple[int, str], Markup] = {}

    def __call__(self, article: Article, root: str, topic: str = "") -> Markup:
        # on a topic's page, a paper selected by that topic and another main one names its main topic
        main = str(article.category) if topic and str(article.category) != topic else ""
        key = (id(article), root, main)
        if key not in self.rows:
            if root not in self.macros:
                module = self.env.get_template("_macros.html").make_module({**self.context, "SITEURL": root})
                self.macros[root] = getattr(module, self.macro)
            self.rows[key] = self.macros[root](article, main) if self.macro == "row" else self.macros[root](article)
        return self.rows[key]


class SiteGenerator(Generator):
    """Context for every page (topics, home pool, runs) and the pages Pelican does not write."""

    def generate_context(self) -> None:
        settings = self.settings
        self._author_urls: dict[str, str] = {}
        # a shard's build (one closed month of the archive tier, see periods.py) or the current tier's,
        # which also lists what the closed months' shards hold
        site = site_settings(settings)
        self.period: str = site.period
        self.closed: list[Manifest] = list(site.closed)
        self.topics = load_topics(site.rules)
        state = site.state
        runs = runlog.load(Layout(state=state).runs_file)
        notify_days, notify_rows = SentRecord.load(Layout(state=state).notify_file).table()
        brief_checks = runlog.load(Layout(state=state).briefs_file)[-14:][::-1]
        articles = self.context.get("articles", [])
        self.papers = [a for a in articles if getattr(a, "paper", None)]
        self.briefs = [a for a in articles if getattr(a, "brief_kind", "")]
        self.by_id = {a.paper.id: a for a in self.papers}
        self.days: dict[date, list[Article]] = defaultdict(list)
        for article in self.papers:
            self.days[radar_day_of(article)].append(article)
        # papers already on the radar that changed on a later day (a new version, a journal version)
        self.updates: dict[date, list[Article]] = defaultdict(list)
        for article in self.papers:
            for day in dict.fromkeys(e.day for e in article.paper.events):
                if day != radar_day_of(article):
                    self.updates[day].append(article)
        for items in (*self.days.values(), *self.updates.values()):
            items.sort(key=card_key)
        daily = [b for b in self.briefs if b.brief_kind == "daily"]
        self.brief_by_day = {radar_day_of(b): b for b in sorted(daily, key=lambda b: b.date)}
        for brief in self.briefs:
            brief.cited = [self.by_id[i] for i in brief.paper_ids if i in self.by_id]
            brief.updated_papers = [self.by_id[i] for i in brief.update_ids if i in self.by_id]
            brief.feed_dates = feed_dates(brief, max(map(radar_day_of, brief.cited), default=radar_day_of(brief)))
        for article in self.papers:
            article.feed_dates = feed_dates(article, radar_day_of(article))
        related = related_papers(self.papers, settings.get("RELATED_PAPERS", 6))
        author_pages = settings["JINJA_FILTERS"]["author_url"].pages
        semantic = self.semantic = site_semantics(settings, self.papers)
        for article in self.papers:
            article.related = related[id(article)]
            article.stamp = entry_stamp(article.source_path)
            # which of its authors have a page: the paper's links change when one gets a page
            article.author_links = "".join("1" if a.slug in author_pages else "0" for a in article.authors)
            # (article, cosine, shared topic) across the archive, when the vectors exist
            article.related_semantic = semantic.related.get(article.paper.id, []) if semantic else []
        # what every page's rendering depends on besides its own entries (see FeedWriter.up_to_date)
        render_key = pages_key(settings, Path(self.theme), self.topics)
        for brief in self.briefs:
            day = self.days.get(radar_day_of(brief), [])
            ordered = brief.cited + [a for a in day if a not in brief.cited]
            brief.day_map = semantic.day_map(ordered) if semantic and brief.brief_kind == "daily" else None
        recent_runs, status_rows = _run_days(runs)
        self.home_order = self._home_order()
        self.context.update(
            {
                "RENDER_KEY": render_key,
                "SITE_ABSOLUTE_URL": settings["SITEURL"],
                "SITE_PATH": urlparse(settings["SITEURL"]).path.rstrip("/") + "/",
                "topics": self.topics,
                "topic_list": [
                    t for t in self.topics.values() if t.id not in BUILTIN_TOPICS or t.id in self._used_topics()
                ],
                "topic_counts": self._topic_counts(),
                "paper_count": len(self.papers) + sum(len(m.papers) for m in self.closed),
                "ARCHIVED_TIER": bool(self.period),
                "papers_by_id": self.by_id,
                "home_pool": self.home_order[:HOME_POOL],
                "home_day": self._home_day(),
                "latest_brief": daily[0] if daily else None,
                "brief_articles": self.briefs,
                "archive_days": self._archive_days(),
                "runs": recent_runs,
                "status_rows": status_rows,
                "notify_days": notify_days,
                "brief_checks": brief_checks,
                "notify_rows": notify_rows,
                "site_size": site_size(state),
                "STATUS_TEXT": STATUS_TEXT,
                "author_url": self.author_url,
                "day_url": self.day_url,
                # the archive tier's days list their papers as links (their text is on their pages)
                "paper_row": Rows(self.env, self.context, "link" if self.period else "row"),
                "paper_link": Rows(self.env, self.context, "link"),
                "card_prototype": CardPrototype(),
                "topic_trends": topic_trends_of(self.papers),
            }
        )

    def _archive_days(self) -> list[tuple[date, int]]:
        """Every radar day with its number of papers, newest first, the closed months' included."""
        days = {d: len(self.days.get(d, ())) for d in self.days.keys() | self.updates.keys()}
        for manifest in self.closed:
            for day, arrived, _updated in manifest.days:
                days.setdefault(date.fromisoformat(day), arrived)
        return sorted(days.items(), reverse=True)

    def _used_topics(self) -> set[str]:
        return {str(a.category) for a in self.context.get("articles", [])}

    def _topic_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for article in self.papers:
            for topic in article.paper.topics:
                counts[topic.rule] += 1
        return counts

    def _home_day(self) -> date | None:
        """The day the home page leads with: the last radar day on which papers arrived."""
        return max(self.days) if self.days else None

    def _home_order(self) -> list[tuple[Article, int]]:
        """Every paper in home-page order with its card number: the lead day's, then the earlier days',
        newest first, each day under its own heading on the page.

        A day's papers come in its daily brief's ``Papers`` order and are numbered from 1, so the
        card numbers on the home page are the numbers that day's brief cites. The page holds the
        first HOME_POOL cards; "换一批" continues with the next ones from data/index.json, in this order.
        """
        order = []
        for day in sorted(self.days, reverse=True):
            brief = self.brief_by_day.get(day)
            cited = [a for a in brief.cited if radar_day_of(a) == day] if brief else []
            ids = set(map(id, cited))
            order += enumerate(cited + [a for a in self.days[day] if id(a) not in ids], 1)
        return [(article, number) for number, article in order]

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
        if not self.period:
            self._write_authors(writer, write)
        authors_done = time.perf_counter()
        for day in sorted(self.days.keys() | self.updates.keys()):
            items, updates = self.days.get(day, []), self.updates.get(day, [])
            name, brief = self.day_url(day), self.brief_by_day.get(day)
            key = render_digest(
                self.context["RENDER_KEY"],
                brief.url if brief else "",
                *map(listed_key, items),
                "updates",
                *map(listed_key, updates),
            )
            if isinstance(writer, FeedWriter) and writer.up_to_date(name, key):
                continue
            write(
                name,
                self.get_template("day"),
                self.context,
                day=day,
                articles=items,
                updates=updates,
                brief=brief,
                template_name="day",
            )
        output = Path(self.output_path)
        if self.period:
            api = Api(self, output)
            for name in api.write_period():
                writer.keep(name)
            writer.period_record = self.period_record(api)
            return
        write("archives.html", self.get_template("archives"), self.context, template_name="archives")
        self._write_empty_topics(writer, write)
        self._write_index(output)
        shared = write_shared_js(output)  # the constants the theme's scripts import
        if isinstance(writer, FeedWriter):
            writer.keep(shared)
        self._write_json_feed(output)
        self._write_opml(output)
        self._write_sitemap(output)
        api_started = time.perf_counter()
        api = Api(self, output, writer.up_to_date) if isinstance(writer, FeedWriter) else Api(self, output)
        for name in api.write():
            if isinstance(writer, FeedWriter):
                writer.keep(name)
        log.info("site: API %.1fs", time.perf_counter() - api_started)
        log.info(
            "site: author pages %.1fs, other pages %.1fs", authors_done - started, time.perf_counter() - authors_done
        )

    def _write_empty_topics(self, writer: Writer, write) -> None:
        """The page and feeds of every topic the site links to that has no paper in this tier yet: a rule
        that has selected nothing so far (the topics page lists every rule), and the briefs (the
        navigation links to them before the first one is written)."""
        built = {str(cat) for cat, _ in self.context.get("categories", [])}
        dates = [a.feed_dates[0] for a in self.context.get("articles", ())]  # never after the newest radar day
        context = {**self.context, "EMPTY_FEED_DATE": max(dates, default=None)}
        for topic_id in dict.fromkeys([t.id for t in self.context["topic_list"]] + ["daily-brief"]):
            if topic_id in built:
                continue
            empty = Category(topic_id, self.settings)
            write(
                empty.save_as,
                self.get_template("category"),
                self.context,
                category=empty,
                articles=[],
                template_name="category-empty",
            )
            for kind in ("atom", "rss"):
                path = self.settings.get(f"CATEGORY_FEED_{kind.upper()}")
                if path:
                    writer.write_feed([], context, path.format(slug=empty.slug), feed_type=kind, feed_title=topic_id)

    def period_record(self, api: Api) -> dict:
        """What the current tier's pages need of this shard (see periods.Manifest)."""

        def changed(article) -> str:
            return f"{getattr(article, 'modified', None) or article.date:%Y-%m-%d}"

        papers = [
            {
                "id": a.paper.id,
                "url": a.url,
                "day": f"{radar_day_of(a):%Y-%m-%d}",
                "changed": changed(a),
                "doi": a.paper.doi,
                "arxiv_id": a.paper.arxiv_id,
            }
            for a in self.papers
        ]
        briefs = [
            {
                "kind": b["kind"],
                "date": b["date"],
                "url": b["html"],
                "api": b["api"],
                "headline": b["headline"],
                "changed": changed(article),
            }
            for article, b in zip(self.briefs, api.briefs_listed, strict=True)
        ]
        days = [
            (f"{d:%Y-%m-%d}", len(self.days.get(d, ())), len(self.updates.get(d, ())))
            for d in sorted(self.days.keys() | self.updates.keys())
        ]
        urls = [(a["url"], a["changed"]) for a in papers] + [(b["url"], b["changed"]) for b in briefs]
        urls += [(self.day_url(d), max(changed(a) for a in items)) for d, items in sorted(self.days.items())]
        return {"days": days, "papers": papers, "briefs": briefs, "urls": urls}

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
            key = render_digest(
                self.context["RENDER_KEY"], author.name, *(listed_key(a) for a in articles if getattr(a, "paper", None))
            )
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
        order = [a for a, _ in self.home_order]
        recent = [a for a in order if radar_day_of(a) >= since]
        return recent if len(recent) >= RADAR_MIN_PAPERS else order[: max(RADAR_MIN_PAPERS, len(recent))]

    def _write_index(self, output: Path) -> None:
        """data/index.json: the recent papers the radar and the home page's filters work on (their cards in
        parts, see learn.py), the topics' names, the days' pages and where the vectors and ids are."""
        items = []
        recent = self._radar_papers()
        for article in recent:
            paper, brief = article.paper, article.brief
            listed, _ = listed_authors(paper.authors, self.settings)
            items.append(
                paper.pick(
                    PaperView.INDEX_FIELDS,
                    {
                        "url": article.url,
                        "authors_total": len(paper.authors),
                        "author_urls": [self.author_url(a.name) for a in listed],
                        "date": f"{published_day_of(article):%Y-%m-%d}",
                        "day": f"{radar_day_of(article):%Y-%m-%d}",
                        "tags": [str(t) for t in getattr(article, "tags", ())],
                        "tldr": {"zh": brief["zh"].get("tldr", ""), "en": brief["en"].get("tldr", "")}
                        if brief
                        else None,
                        "extractive": paper.brief_status == BriefStatus.EXTRACTIVE,
                    },
                    {
                        "authors": lambda _: [a.name for a in listed],
                        "topics": lambda topics: [{key: getattr(t, key) for key in INDEX_SELECTION} for t in topics],
                        "abstract": lambda text: text[:600],
                    },
                )
            )
        topics = {t.id: {"zh": t.name_zh, "en": t.name_en} for t in self.topics.values()}
        # the radar's learned ranking: the recent papers' vectors (when the semantic extra made them) and the
        # archive's ids (a reader's imported library is looked up in them); the browser fetches them on demand
        archived = [p for m in self.closed for p in m.papers]
        vectors = write_vectors(
            output, recent, self.semantic, [a.paper.id for a in self.papers] + [p["id"] for p in archived]
        )
        write_text(
            output / "data" / "index.json",
            json.dumps(
                {
                    "topics": topics,
                    "parts": write_cards(output, items),
                    "vectors": vectors,
                    "ids": write_ids(output, self.papers, archived),
                    "days": {f"{d:%Y-%m-%d}": self.day_url(d) for d in {radar_day_of(a) for a in recent}},
                },
                ensure_ascii=False,
            ),
        )

    def _absolute(self, url: str) -> str:
        return f"{self.settings['SITEURL']}/{url}"

    def _write_json_feed(self, output: Path) -> None:
        limit = self.settings.get("FEED_MAX_ITEMS") or 200
        items = []
        for article in self.context.get("articles", [])[:limit]:
            paper = article.paper
            item = {
                "id": self._absolute(article.url),
                "url": self._absolute(article.url),
                "title": paper.title if paper else article.title,
                "content_html": article.get_content(self.settings["SITEURL"]),
                "date_published": article.feed_dates[0].isoformat(),
                "tags": feed_terms(article),
            }
            if paper:
                item["summary"] = paper.abstract[:500]
                listed, more = listed_authors(paper.authors, self.settings)
                if listed:  # else the feed's author stands for the item's
                    item["authors"] = [
                        {"name": a.name, "url": self._absolute(self.author_url(a.name))} for a in listed
                    ] + ([{"name": more, "url": item["url"]}] if more else [])
                if paper.url:
                    item["external_url"] = paper.url
            else:
                item["language"] = content_lang(self.settings)
            items.append(item)
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.settings["SITENAME"],
            "description": self.settings.get("SITESUBTITLE", ""),
            "home_page_url": self.settings["SITEURL"] + "/",
            "feed_url": self._absolute("feed.json"),
            "authors": [{"name": self.settings["SITENAME"], "url": self.settings["SITEURL"] + "/"}],
            "language": PAPER_LANG,
            "items": items,
        }
        write_text(output / "feed.json", json.dumps(feed, ensure_ascii=False, indent=1))

    def feed_list(self) -> list[tuple[str, str]]:
        """(title, path) of the site-wide and per-topic feeds, for OPML and the topics page."""
        feeds = [(feed_title(self.settings["SITENAME"]), self.settings["FEED_ALL_ATOM"])]
        for topic in self.context["topic_list"]:
            if self.context["topic_counts"].get(topic.id) or topic.id in BRIEF_CATEGORIES:
                feeds.append(
                    (
                        feed_title(self.settings["SITENAME"], topic),
                        self.settings["CATEGORY_FEED_ATOM"].format(slug=topic.id),
                    )
                )
        return feeds

    def _write_opml(self, output: Path) -> None:
        outlines = "".join(
            f'    <outline type="rss" text="{xml_text(title)}" title="{xml_text(title)}" '
            f'xmlUrl="{xml_text(self._absolute(path))}" htmlUrl="{xml_text(self.settings["SITEURL"] + "/")}"/>\n'
            for title, path in self.feed_list()
        )
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
            f"    <title>{xml_text(self.settings['SITENAME'])} feeds</title>\n  </head>\n  <body>\n"
            f"{outlines}  </body>\n</opml>\n"
        )
        write_text(output / "feeds.opml", text)

    def _write_sitemap(self, output: Path) -> None:
        def changed(article):
            return article.modified if hasattr(article, "modified") else article.date

        def newest(articles):  # a list page changes when one of its papers does
            return max(map(changed, articles), default=None)

        articles = self.context.get("articles", [])
        every = newest(articles)
        # the radar is a landing page of its own; search and status are noindex and left out
        urls = [("", every), ("topics.html", every), ("archives.html", every), ("radar.html", every)]
        urls += [(a.url, changed(a)) for a in articles]
        urls += [(cat.url, newest(items)) for cat, items in self.context.get("categories", [])]
        urls += [(tag.url, newest(items)) for tag, items in self.context.get("tags", [])]
        urls += [(author.url, newest(items)) for author, items in self.context.get("author_groups", [])]
        urls += [(self.day_url(day), newest(items)) for day, items in self.days.items()]
        urls += [(url, date.fromisoformat(when)) for m in self.closed for url, when in m.urls]
        chunks = [urls[i : i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)] or [[]]

        def urlset(chunk) -> str:
            rows = "".join(
                f"<url><loc>{xml_text(self._absolute(quote(url)))}</loc>"
                + (f"<lastmod>{when:%Y-%m-%d}</lastmod>" if when else "")
                + "</url>\n"
                for url, when in chunk
            )
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'
            )

        if len(chunks) == 1:
            write_text(output / "sitemap.xml", urlset(chunks[0]))
        else:
            for number, chunk in enumerate(chunks, 1):
                write_text(output / f"sitemap-{number}.xml", urlset(chunk))
            rows = "".join(
                f"<sitemap><loc>{xml_text(self._absolute(f'sitemap-{n}.xml'))}</loc></sitemap>\n"
                for n in range(1, len(chunks) + 1)
            )
            write_text(
                output / "sitemap.xml",
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n',
            )
        write_text(output / "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self._absolute('sitemap.xml')}\n")
