"""The static JSON API under ``api/v1/``: what the site holds, for programs.

``index.json`` says what exists and links to the rest; one file per radar day (its papers in
full), per topic (paged like the topic pages: newest first, a page keeps its papers for good),
per paper, and per daily and weekly brief (structured: themes, connections, picks, the papers
they cite). Every link is a path relative to the site's root (``site`` in ``index.json``), as the
pages' own links are, so the same files work wherever the site is served. Each kind of file
has a JSON Schema (2020-12) in ``schemas/`` of this package, published beside the files; a
change that breaks a schema is a new version, and a new folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from pelican.contents import Article
from pelican.utils import set_date_tzinfo

from .. import markdown
from ..archive.entry import BriefStatus
from ..files import write_bytes, write_text
from ..models import PaperView
from ..wording import plural
from . import citations
from .views import BRIEF_CATEGORIES, correction_of, listed_authors, published_day_of, radar_day_of, topic_for
from .writer import StablePaginator, listed_key, related_key, render_digest

API_VERSION = 1
API_ROOT = f"api/v{API_VERSION}"
SCHEMAS = Path(__file__).parent / "schemas"
KINDS = ("index", "day", "topic", "paper", "brief")
BRIEF_FIELDS = ("tldr", "problem", "method", "results", "why_it_matters")
DIGEST_LISTS = ("themes", "connections", "read_first", "changes")
LLMS_BRIEFS = {"daily": 7, "weekly": 4}  # the latest briefs llms.txt links to, by kind


class BriefSource(StrEnum):
    """A brief's ``status`` in the API (brief.schema.json, paper.schema.json): what wrote it."""

    MODEL = "model"
    EXTRACTIVE = "extractive"  # quoted from the abstract, no model


def schema_path(kind: str) -> str:
    return f"{API_ROOT}/schemas/{kind}.schema.json"


def paper_api(article: Article) -> str:
    return f"{API_ROOT}/papers/{article.slug}.json"


def citation_api(article: Article, extension: str) -> str:
    """A paper's citation file beside its record: ``.bib``, ``.ris`` or ``.csl.json`` (citations.py)."""
    return f"{API_ROOT}/papers/{article.slug}.{extension}"


def day_api(day: date) -> str:
    return f"{API_ROOT}/days/{day:%Y-%m-%d}.json"


def brief_api(article: Article) -> str:
    name = Path(article.url).stem
    return f"{API_ROOT}/briefs/{article.brief_kind}/{name}.json"


def topic_api(topic_id: str, number: int = 1) -> str:
    return f"{API_ROOT}/topics/{topic_id}.json" if number == 1 else f"{API_ROOT}/topics/{topic_id}-{number}.json"


def _text(value) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _strings(values) -> list[str]:
    return (
        [_text(v) for v in values if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
        if isinstance(values, list)
        else []
    )


def paper_brief(article: Article) -> dict | None:
    """A paper's brief in each language, every field present and a string (keywords a list)."""
    brief = article.brief
    if not brief:
        return None
    languages = {}
    for lang in ("zh", "en"):
        part = brief[lang] if isinstance(brief.get(lang), dict) else {}
        languages[lang] = {
            **{key: _text(part.get(key)) for key in BRIEF_FIELDS},
            "keywords": _strings(part.get("keywords")),
        }
    extractive = article.paper.brief_status == BriefStatus.EXTRACTIVE
    return {"status": BriefSource.EXTRACTIVE if extractive else BriefSource.MODEL, **checked(brief), **languages}


def checked(brief: dict) -> dict:
    """A brief's provenance as the API gives it: model, prompt version, when and from what it was
    written, its grounding check (``grounded`` is null for a brief that was not checked) and the
    reviewed correction laid over it (null: none)."""
    return {
        key: brief.get(key, default)
        for key, default in (
            ("model", ""),
            ("prompt_version", ""),
            ("written", ""),
            ("input", ""),
            ("grounded", None),
            ("grounding_failures", []),
        )
    } | {"correction": correction_of(brief)}


def _never_fresh(name: str, key: str, *also: str) -> bool:
    return False


@dataclass
class Api:
    """Writes the API files from what the site generator gathered (its papers, days, briefs, topics).

    ``fresh(name, key)`` says whether file ``name`` was made from inputs with this key and is on
    disk (the site's writer, FeedWriter.up_to_date): a paper's file and a day's are made again only
    when their papers changed, so a rebuild writes the new day's files, not the archive's.
    """

    generator: object  # the SiteGenerator
    output: Path
    fresh: Callable[[str, str], bool] = _never_fresh

    def __post_init__(self) -> None:
        self.written: list[str] = []
        self.briefs_listed: list[dict] = []  # a shard's briefs as the index lists them (write_period)
        self.topics = self.generator.topics
        # what every file depends on besides its papers: the site's templates, topics and address, and this code
        self.key = render_digest(
            self.generator.context.get("RENDER_KEY", ""),
            Path(__file__).read_text(encoding="utf-8"),
            Path(citations.__file__).read_text(encoding="utf-8"),
        )

    # ------------------------------------------------------------ records

    def topic_name(self, topic_id: str) -> dict:
        topic = topic_for(self.topics, topic_id)
        return {"zh": topic.name_zh, "en": topic.name_en}

    def paper(self, article: Article, every_author: bool = False) -> dict:
        """A paper in full: what its page shows, as data (its authors up to AUTHORS_LISTED, unless
        ``every_author``: its own file names them all)."""
        p = article.paper
        modified = getattr(article, "modified", None)
        links = {
            "html": article.url,
            "api": self.paper_file(article),
            "day": self.generator.day_url(radar_day_of(article)),
            "day_api": day_api(radar_day_of(article)),
            "abstract": p.url or None,
            "pdf": p.pdf or None,
            "doi": f"https://doi.org/{p.doi}" if p.doi else None,
            "code": list(p.code_links),
        }
        return p.pick(
            PaperView.API_FIELDS,
            {
                "authors_total": len(p.authors),
                "published": f"{published_day_of(article):%Y-%m-%d}",
                "updated": f"{set_date_tzinfo(modified, 'UTC'):%Y-%m-%d}" if modified else None,
                "day": f"{radar_day_of(article):%Y-%m-%d}",
                "tags": [str(t) for t in getattr(article, "tags", ()) or ()],
                "brief": paper_brief(article),
                "links": links,
            },
            {
                "authors": lambda authors: [
                    {"name": a.name, "affiliations": list(a.affiliations)}
                    for a in (authors if every_author else self.listed(authors))
                ],
                "topics": lambda topics: [
                    {
                        "id": t.rule,
                        "name": self.topic_name(t.rule),
                        "score": t.score,
                        "why": {
                            "keywords": list(t.keywords),
                            "authors": list(t.authors),
                            "categories": list(t.categories),
                            "similar_to": t.similar_to or None,
                            "similarity": float(t.similarity) if t.similarity is not None else None,
                        },
                    }
                    for t in topics
                ],
                "events": lambda events: [
                    {"day": f"{e.day:%Y-%m-%d}", "kind": e.kind, "text": e.describe()} for e in events
                ],
            },
        )

    def listed(self, authors: tuple) -> list:
        return listed_authors(authors, self.generator.settings)[0]

    def card(self, article: Article) -> dict:
        """A paper as a list names it: enough to choose, with links to the rest."""
        p, brief = article.paper, paper_brief(article)
        return p.pick(
            PaperView.CARD_FIELDS,
            {
                "authors_total": len(p.authors),
                "published": f"{published_day_of(article):%Y-%m-%d}",
                "day": f"{radar_day_of(article):%Y-%m-%d}",
                "tldr": {"zh": brief["zh"]["tldr"], "en": brief["en"]["tldr"]} if brief else None,
                "links": {"html": article.url, "api": self.paper_file(article)},
            },
            {
                "authors": lambda authors: [a.name for a in self.listed(authors)],
                "topics": lambda topics: [t.rule for t in topics],
            },
        )

    def cited(self, paper_id: str) -> dict:
        article = self.generator.by_id.get(paper_id)
        if article is None:
            return {"id": paper_id, "title": None, "links": None}
        return {
            "id": paper_id,
            "title": article.paper.title,
            "links": {"html": article.url, "api": self.paper_file(article)},
        }

    def paper_file(self, article: Article) -> str:
        """The API file that holds a paper: its own, or in the archive tier its day's (as a card)."""
        return day_api(radar_day_of(article)) if self.generator.period else paper_api(article)

    def brief(self, article: Article) -> dict:
        """A daily or weekly brief: per language its headline, themes, connections and picks (papers by id)."""
        raw = article.brief or {"zh": {}, "en": {}}
        languages = {}
        for lang in ("zh", "en"):
            part = raw[lang] if isinstance(raw.get(lang), dict) else {}
            text = {"headline": _text(part.get("headline"))}
            for key in DIGEST_LISTS:
                if key == "changes" and article.brief_kind != "weekly":
                    continue
                items = (
                    [i for i in part.get(key) or () if isinstance(i, dict)] if isinstance(part.get(key), list) else []
                )
                if key == "read_first":
                    text[key] = [{"paper": _text(i.get("paper")), "why": _text(i.get("why"))} for i in items]
                else:
                    text[key] = [
                        {
                            **({"title": _text(i.get("title"))} if key == "themes" else {}),
                            "text": _text(i.get("text")),
                            "papers": _strings(i.get("papers")),
                        }
                        for i in items
                    ]
            languages[lang] = text
        mentioned = [
            pid
            for lang in languages.values()
            for key in DIGEST_LISTS
            for item in lang.get(key, ())
            for pid in (item.get("papers") or [item.get("paper")])
            if pid
        ]
        day = radar_day_of(article)
        return {
            "api_version": API_VERSION,
            "kind": article.brief_kind,
            "date": f"{day:%Y-%m-%d}",
            "status": BriefSource.EXTRACTIVE if raw.get("extractive") else BriefSource.MODEL,
            **checked(raw),
            "papers": [{"number": n, **self.cited(pid)} for n, pid in enumerate(article.paper_ids, 1)],
            "updates": [self.cited(pid) for pid in article.update_ids],
            "cited": [self.cited(pid) for pid in dict.fromkeys(mentioned) if pid not in article.paper_ids],
            **languages,
            "links": {
                "html": article.url,
                "api": brief_api(article),
                "day": day_api(day) if article.brief_kind == "daily" and self.has_day(day) else None,
            },
        }

    def has_day(self, day: date) -> bool:
        return day in self.generator.days or day in self.generator.updates

    # ------------------------------------------------------------ files

    def _write(self, path: str, data: dict) -> None:
        write_text(self.output / path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.written.append(path)

    def write(self) -> list[str]:
        """Every API file and schema; returns their paths (relative to the output folder)."""
        gen = self.generator
        for kind in KINDS:
            write_bytes(self.output / schema_path(kind), (SCHEMAS / f"{kind}.schema.json").read_bytes())
            self.written.append(schema_path(kind))
        for article in gen.papers:
            path = paper_api(article)
            cited = [citation_api(article, ext) for ext in citations.CITATION_FILES]
            if self.fresh(path, render_digest(self.key, article.stamp, related_key(article)), *cited):
                self.written += [path, *cited]
                continue
            self._write(
                path,
                {
                    "api_version": API_VERSION,
                    "paper": self.paper(article, every_author=True),
                    "related": [self.card(r) for r in getattr(article, "related", ())],
                },
            )
            for ext, text in citations.citation_files(article, gen.settings).items():  # as its page shows them
                write_text(self.output / citation_api(article, ext), text)
                self.written.append(citation_api(article, ext))
        days = self._write_days()
        briefs = sorted(gen.briefs, key=lambda b: (b.brief_kind, radar_day_of(b), b.url), reverse=True)
        listed = self._write_briefs(briefs)
        topics = self._write_topics()
        # the closed months' days and briefs, as their shards wrote them (periods.py)
        days += [
            {
                "day": d,
                "papers": n,
                "updates": u,
                "api": day_api(date.fromisoformat(d)),
                "html": gen.day_url(date.fromisoformat(d)),
            }
            for m in gen.closed
            for d, n, u in m.days
        ]
        days.sort(key=lambda d: d["day"], reverse=True)
        listed += [
            {k: b[k] for k in ("kind", "date", "api", "headline")} | {"html": b["url"]}
            for m in gen.closed
            for b in m.briefs
        ]
        listed.sort(key=lambda b: (b["kind"], b["date"], b["html"]), reverse=True)
        index = {
            "api_version": API_VERSION,
            "name": gen.settings["SITENAME"],
            "site": gen.settings["SITEURL"] + "/",
            "papers": len(gen.papers) + sum(len(m.papers) for m in gen.closed),
            "schemas": {kind: schema_path(kind) for kind in KINDS},
            "latest": {
                "day": days[0]["api"] if days else None,
                "daily_brief": next((b["api"] for b in listed if b["kind"] == "daily"), None),
                "weekly_brief": next((b["api"] for b in listed if b["kind"] == "weekly"), None),
            },
            "days": days,
            "topics": topics,
            "briefs": listed,
        }
        self._write(f"{API_ROOT}/index.json", index)
        write_text(self.output / "llms.txt", self.llms_txt(index))
        self.written.append("llms.txt")
        return self.written

    def write_period(self) -> list[str]:
        """A closed month's API files (its shard's): its days (their papers as cards) and its briefs."""
        self._write_days()
        self.briefs_listed = self._write_briefs(self.generator.briefs)
        return self.written

    def _write_briefs(self, briefs: list[Article]) -> list[dict]:
        """A file per brief; returns the index's entries for them, in the same order."""
        listed = []
        for article in briefs:
            record = self.brief(article)
            self._write(brief_api(article), record)
            listed.append(
                {
                    "kind": article.brief_kind,
                    "date": record["date"],
                    "api": brief_api(article),
                    "html": article.url,
                    "headline": record["en"]["headline"],
                }
            )
        return listed

    def _write_days(self) -> list[dict]:
        """A file per radar day, its papers in full; returns the index's entries for them, newest first."""
        gen = self.generator
        days = sorted(gen.days.keys() | gen.updates.keys(), reverse=True)
        for day in days:
            brief = gen.brief_by_day.get(day)
            papers, updates = gen.days.get(day, []), gen.updates.get(day, [])
            key = render_digest(
                self.key, brief.url if brief else "", *map(listed_key, papers), "updates", *map(listed_key, updates)
            )
            if self.fresh(day_api(day), key):
                self.written.append(day_api(day))
                continue
            self._write(
                day_api(day),
                {
                    "api_version": API_VERSION,
                    "day": f"{day:%Y-%m-%d}",
                    # the archive tier's days name their papers; a paper's text is on its page
                    "papers": [self.card(a) if gen.period else self.paper(a) for a in papers],
                    "updates": [self.card(a) for a in updates],
                    "links": {
                        "html": gen.day_url(day),
                        "api": day_api(day),
                        "brief": brief_api(brief) if brief else None,
                    },
                },
            )
        return [
            {
                "day": f"{d:%Y-%m-%d}",
                "papers": len(gen.days.get(d, ())),
                "updates": len(gen.updates.get(d, ())),
                "api": day_api(d),
                "html": gen.day_url(d),
            }
            for d in days
        ]

    def llms_txt(self, index: dict) -> str:
        """``llms.txt`` (the llms.txt convention): what the site is, how to read its API, the latest
        briefs and the topics as links. Headlines and names are untrusted: escaped as Markdown text."""
        settings = self.generator.settings
        site = settings["SITEURL"]

        def url(path: str) -> str:
            return f"{site}/{path}"

        def text(value: object) -> str:  # llms.txt is read as Markdown text, never rendered as HTML
            return markdown.text(value, plain=True)

        def link(label: str, path: str) -> str:
            return markdown.link(label, url(path), plain=True)

        lines = [
            f"# {text(settings['SITENAME'])}",
            "",
            f"> {text(settings.get('SITESUBTITLE') or 'A research radar')}: papers selected every day "
            "by curation rules (keywords, authors, categories, similarity), each with why it was selected "
            "and a brief in Chinese and English, and a daily brief that connects them.",
            "",
            f"The same data is a static JSON API, version {API_VERSION}: start at "
            f"{link('api/v1/index.json', f'{API_ROOT}/index.json')}, which lists the radar days, "
            "topics and briefs, newest first. Every link in the API is a path relative to the site's root "
            f"({text(site + '/')}). A day's file holds its papers in full (authors, dates, source, "
            "topics and why, links, the brief per language); a topic's files are paged newest first "
            "(links.older leads on) and a page other than the first keeps its papers for good. Each kind "
            "of file has a JSON Schema (2020-12) under api/v1/schemas/.",
            "",
            "## API",
            "",
            f"- {link('Index', f'{API_ROOT}/index.json')}: what exists, with links",
        ]
        if index["latest"]["day"]:
            lines.append(f"- {link('Latest radar day', index['latest']['day'])}: its papers in full")
        lines += [f"- {link(f'Schema: {kind}', path)}" for kind, path in index["schemas"].items()]
        lines += ["", "## Latest briefs", ""]
        for kind, limit in LLMS_BRIEFS.items():
            for item in [b for b in index["briefs"] if b["kind"] == kind][:limit]:
                label = f"{'Daily' if kind == 'daily' else 'Weekly'} brief {item['date']}"
                headline = f": {text(item['headline'])}" if item["headline"] else ""
                lines.append(f"- {link(label, item['html'])}{headline} ({link('JSON', item['api'])})")
        lines += ["", "## Topics", ""]
        lines += [
            f"- {link(t['name']['en'], t['html'])}: {plural(t['papers'], 'paper')} ({link('JSON', t['api'])})"
            for t in index["topics"]
        ]
        lines += [
            "",
            "## Optional",
            "",
            f"- {link('JSON Feed', 'feed.json')}: the newest entries",
            f"- {link('Atom feed', settings['FEED_ALL_ATOM'])}",
            f"- {link('Feeds (OPML)', 'feeds.opml')}: every topic's feed",
            f"- {link('Sitemap', 'sitemap.xml')}",
            "",
        ]
        return "\n".join(lines)

    def _write_topics(self) -> list[dict]:
        """A file per page of each topic's list, cut as its HTML pages are (StablePaginator)."""
        gen, listed = self.generator, []
        size = gen.settings["PAGINATED_TEMPLATES"]["category"]
        for category, articles in gen.context.get("categories", []):
            topic_id = str(category)
            papers = [a for a in articles if getattr(a, "paper", None)]
            if topic_id in BRIEF_CATEGORIES or not papers:
                continue
            pages = StablePaginator(category.save_as, category.url, papers, gen.settings, size)
            order = pages.reading_order()
            for at, page in enumerate(order):
                newer = order[at - 1] if at else None
                older = order[at + 1] if at + 1 < len(order) else None
                self._write(
                    topic_api(topic_id, page.number),
                    {
                        "api_version": API_VERSION,
                        "topic": {"id": topic_id, "name": self.topic_name(topic_id)},
                        "page": page.number,
                        "pages": len(order),
                        "total": len(papers),
                        "papers": [self.card(a) for a in page.object_list],
                        "links": {
                            "html": page.save_as,
                            "api": topic_api(topic_id, page.number),
                            "first": topic_api(topic_id),
                            "newer": topic_api(topic_id, newer.number) if newer else None,
                            "older": topic_api(topic_id, older.number) if older else None,
                        },
                    },
                )
            listed.append(
                {
                    "id": topic_id,
                    "name": self.topic_name(topic_id),
                    "papers": len(papers),
                    "pages": len(order),
                    "api": topic_api(topic_id),
                    "html": category.url,
                }
            )
        return listed
