"""The Pelican plugin: the signals it connects, the taxonomy without quadratic scans, the filters."""

from __future__ import annotations

import functools
import logging
import re
from urllib.parse import quote

from pelican import signals
from pelican.contents import Article
from pelican.urlwrappers import Category, Tag

from ..wording import plural
from .api import citation_api
from .citations import bibtex, ris
from .generator import SiteGenerator
from .mistakes import report_url
from .settings import site_settings
from .takedowns import clean_brief, keep_original, leave_out
from .views import (
    AUTHORS_LISTED,
    BRIEF_CATEGORIES,
    brief_view,
    paper_view,
    published_day_of,
    radar_day,
    split_list,
    text_lang,
)
from .writer import FeedWriter

log = logging.getLogger(__name__)


def on_content(instance) -> None:
    """``content_object_init``: attach the parsed records; briefs get their own URL and template."""
    if not isinstance(instance, Article):
        return
    category = str(instance.metadata.get("category") or "")
    for name in ("authors", "tags"):
        if not hasattr(instance, name):
            setattr(instance, name, [])
    instance.brief = brief_view(instance)
    instance.paper = None if category in BRIEF_CATEGORIES else paper_view(instance)
    # keywords are the words a rule matched: a paper's other topics (which entries list as tags too) have
    # their topic pages, which list every paper they selected; a word spelled twice is one keyword
    rules = {t.rule for t in instance.paper.topics} if instance.paper else set()
    instance.tags = list({tag.slug: tag for tag in instance.tags if str(tag) not in rules}.values())
    instance.published_day = published_day_of(instance)
    instance.radar_day = radar_day(instance)
    # the JSON lines are parsed now: the content cache, read back on every build, keeps the
    # parsed form only
    for key in ("record", "brief"):
        instance.metadata.pop(key, None)
    instance.__dict__.pop("record", None)
    if category in BRIEF_CATEGORIES:
        instance.brief_kind = BRIEF_CATEGORIES[category]
        instance.paper_ids = split_list(instance.metadata.get("papers"))
        instance.update_ids = split_list(instance.metadata.get("updates"))
        instance.template = "brief"
        folder = "briefs/weekly" if instance.brief_kind == "weekly" else "briefs"
        name = instance.slug.removeprefix("brief-").removeprefix("weekly-")
        instance.override_url = instance.override_save_as = f"{folder}/{name}.html"
        keep_original(instance)
    else:
        instance.brief_kind = ""
        instance.paper_ids = instance.update_ids = []
        # Pelican formats an article's URL on every access; pages link to papers tens of
        # thousands of times, so the URL is worked out once here.
        instance.override_url = instance.url


class Members(list):
    """A list with O(1) membership: Pelican tests ``article in articles`` for every date."""

    def __init__(self, items=()):
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def on_articles_read(generator) -> None:
    """``article_generator_pretaxonomy``: the papers taken down left out, and the briefs cleaned of them
    (takedowns.py); one entry per page address (two entry files with one slug would be written to one
    page): the first in the site's order (newest first) is kept, the others are reported."""
    articles, gone = leave_out(generator.articles, generator.settings)
    for article in articles:
        if getattr(article, "brief_kind", ""):
            clean_brief(article, gone)
    generator.context["takedowns"] = gone.removed
    seen: dict[str, Article] = {}
    kept = []
    for article in articles:
        # the URL names the page as well as save_as does, and was worked out already (on_content)
        first = seen.setdefault(article.url, article)
        if first is article:
            kept.append(article)
        else:
            log.warning(
                "%s: same page (%s) as %s; left out — give it another Slug",
                article.source_path,
                article.url,
                first.source_path,
            )
    generator.articles = kept


def on_articles_finalized(generator) -> None:
    """``article_generator_finalized``: keep Pelican's topic and tag pages, take over authors.

    Pelican writes a page per category and tag (the lists get O(1) membership, so its
    per-page ``dates`` scan is linear); author pages and feeds are written by
    ``SiteGenerator`` because one scan of every article per author is quadratic.
    """
    generator.categories = [(cat, Members(arts)) for cat, arts in topic_lists(generator)]
    generator.context["categories"] = generator.categories
    generator.tags = {tag: Members(arts) for tag, arts in keyword_lists(generator).items()}
    generator.context["tags"] = list(generator.tags.items())
    minimum = generator.settings.get("AUTHOR_PAGE_MIN_PAPERS", 2)
    groups = [
        (author, arts)
        for author, arts in generator.authors
        if author.slug and sum(1 for a in arts if getattr(a, "paper", None)) >= minimum
    ]
    generator.context["author_groups"] = groups
    # a shard of the archive tier writes no author pages (they are the current tier's): its names lead to a search
    period = site_settings(generator.settings).period
    generator.settings["JINJA_FILTERS"]["author_url"].pages = set() if period else {author.slug for author, _ in groups}
    generator.authors = []


def topic_lists(generator) -> list[tuple[Category, list[Article]]]:
    """Every topic with every paper its rule selected (a paper's ``Topics``, not only its main topic,
    which Pelican groups by), in the site's order (newest radar day first); briefs by their category."""
    names = {str(cat): cat for cat, _ in generator.categories}
    lists: dict[str, list[Article]] = {}
    for article in generator.articles:
        rules = [t.rule for t in article.paper.topics] if article.paper else []
        for rule in dict.fromkeys(rules or [str(article.category)]):
            lists.setdefault(rule, []).append(article)
    topics = [(names.get(rule) or Category(rule, generator.settings), articles) for rule, articles in lists.items()]
    return sorted(topics, key=lambda item: str(item[0]))


def keyword_key(name: str) -> tuple[str, ...]:
    """What keyword pages are one by: the words without case or a plural's final "s" ("LLMs", "LLM")."""
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in re.findall(r"\w+", name.lower())
    )


def keyword_lists(generator) -> dict[Tag, list[Article]]:
    """One keyword page for the spellings of a word that differ by case or a plural ("language model",
    "Language Models"), named as the oldest paper spells it (so that its address stays), listing every
    paper in the site's order; each paper names the same keyword."""
    spellings: dict[tuple[str, ...], Tag] = {}
    for article in reversed(generator.articles):  # oldest first
        for tag in article.tags:
            spellings.setdefault(keyword_key(str(tag)), tag)
    lists: dict[Tag, list[Article]] = {}
    for article in generator.articles:
        article.tags = list(dict.fromkeys(spellings[keyword_key(str(tag))] for tag in article.tags))
        for tag in article.tags:
            lists.setdefault(tag, []).append(article)
    return lists


def get_generators(_pelican):
    return SiteGenerator


def get_writer(_pelican):
    return FeedWriter


def add_filters(pelican) -> None:
    """Jinja filters the theme uses (added to the settings before generators create their environments),
    and the settings the theme reads with their defaults."""
    limit = pelican.settings.setdefault("AUTHORS_LISTED", AUTHORS_LISTED)
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(
        {
            "bibtex": functools.partial(bibtex, limit=limit),
            "ris": functools.partial(ris, limit=limit),
            "citation_file": citation_api,
            "text_lang": text_lang,
            "plural": plural,
            "report_url": report_url,
            "author_url": AuthorUrl(pelican.settings["AUTHOR_URL"]),
        }
    )


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
            self.known[slug] = (
                self.pattern.format(slug=slug) if slug in self.pages else "search.html?q=" + quote(str(author.name))
            )
        return self.known[slug]


def register() -> None:
    signals.initialized.connect(add_filters)
    signals.content_object_init.connect(on_content)
    signals.article_generator_pretaxonomy.connect(on_articles_read)
    signals.article_generator_finalized.connect(on_articles_finalized)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
