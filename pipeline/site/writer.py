"""Pelican's writer, made incremental: a page is rewritten only when what it shows changed, list pages
keep their papers for good, and files are written only when their bytes change."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

from feedgenerator import Rss201rev2Feed
from pelican.contents import Article
from pelican.paginator import Page, Paginator
from pelican.utils import sanitised_join
from pelican.writers import Writer

from ..files import write_bytes, write_text
from .feeds import PAPER_LANG, AtomFeed, RssFeed, content_lang, feed_title
from .settings import site_settings
from .views import BRIEF_CATEGORIES, feed_terms, listed_authors, topic_for


class _Output(io.StringIO):
    """What Pelican's writer writes into; on close the file is written only if its content changed."""

    def __init__(self, path: str, encoding: str):
        super().__init__()
        self.path, self.charset = Path(path), encoding

    def close(self) -> None:
        if not self.closed:
            write_bytes(self.path, self.getvalue().encode(self.charset))
        super().close()


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
            items = self.object_list[end - size : end]
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

    active: FeedWriter | None = None

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self.keys_file = (
            Path(self.settings.get("CACHE_PATH", "cache")) / f"render-keys-{render_digest(str(output_path))[:10]}.json"
        )
        try:
            self.previous_keys = json.loads(self.keys_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.previous_keys = {}
        self.keys: dict[str, str] = {}
        self.period_record: dict | None = None  # what a shard's generator says of its month (periods.Manifest)
        FeedWriter.active = self

    def write_feed(self, *args, **kwargs):
        # a shard of the archive tier (periods.py) writes no feeds: they list the current tier
        if site_settings(self.settings).period:
            return None
        return super().write_feed(*args, **kwargs)

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
        write_text(self.keys_file, json.dumps(self.keys, sort_keys=True))

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        article = kwargs.get("article")
        if name and getattr(article, "paper", None) and "RENDER_KEY" in context:
            related = related_key(article)
            related += "".join(f"{r[0].stamp}{r[0].url}{r[1:]}" for r in getattr(article, "related_semantic", ()) or ())
            if self.up_to_date(
                name, render_digest(context["RENDER_KEY"], article.stamp, article.author_links, related)
            ):
                return
        elif name and template_name in ("tag", "category") and "RENDER_KEY" in context:
            self._write_list(name, template, context, relative_urls, template_name, override_output, url, kwargs)
            return
        super().write_file(
            name, template, context, relative_urls, paginated, template_name, override_output, url, **kwargs
        )

    def _write_list(self, name, template, context, relative_urls, template_name, override_output, url, kwargs):
        """A topic or keyword page and its later pages (see :class:`StablePaginator`), each rendered
        only when what it shows changed: its papers, the pages it links to, and on the first page
        a topic's weekly chart. A new day renders the first page of the lists it adds to (and the
        page that fills up), not every page of them."""
        pages = StablePaginator(
            name, url, kwargs.get("articles") or [], self.settings, self.settings["PAGINATED_TEMPLATES"][template_name]
        )
        chart = json.dumps(context.get("topic_trends", {}).get(str(kwargs.get("category", ""))), default=str)
        order = pages.reading_order()
        for at, page in enumerate(order):
            previous = order[at - 1] if at else None
            following = order[at + 1] if at + 1 < len(order) else None
            key = render_digest(
                context["RENDER_KEY"],
                template_name,
                chart if page.number == 1 else "",
                previous.url if previous else "",
                following.url if following else "",
                *map(listed_key, page.object_list),
            )
            if self.up_to_date(page.save_as, key):
                continue
            super().write_file(
                page.save_as,
                template,
                context,
                relative_urls,
                {},
                template_name,
                override_output,
                url,
                **kwargs,
                articles_paginator=pages,
                articles_page=page,
                articles_previous_page=previous,
                articles_next_page=following,
            )

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
            link=self.site_url + "/",
            feed_url=self.feed_url,
            description=context.get("SITESUBTITLE", ""),
            subtitle=context.get("SITESUBTITLE", None),
            language=content_lang(self.settings) if name in BRIEF_CATEGORIES else PAPER_LANG,
            author_name=context["SITENAME"],
            author_link=self.site_url + "/",
            empty_date=context.get("EMPTY_FEED_DATE"),
        )  # a feed with no entry yet (feeds._Dated)

    def _add_item_to_the_feed(self, feed, item) -> None:
        paper = getattr(item, "paper", None)
        link = self.urljoiner(self.site_url, item.url)
        content = item.get_content(self.site_url)
        summary = item.summary
        rss = isinstance(feed, Rss201rev2Feed)
        listed, more = listed_authors(paper.authors, self.settings) if paper else (getattr(item, "authors", ()), "")
        names = [a.name if paper else str(a) for a in listed] + ([more] if more else [])
        feed.add_item(
            authors=names,
            lang=PAPER_LANG if paper else content_lang(self.settings),
            title=paper.title if paper else item.title,
            link=link,
            unique_id=link,
            description=content if rss else summary,
            content=None if rss else content,
            categories=feed_terms(item),
            pubdate=item.feed_dates[0],
            updateddate=item.feed_dates[1] if hasattr(item, "modified") else None,
        )


def render_digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def pages_key(settings: dict, theme: Path, topics: dict) -> str:
    """What every page depends on besides its own entries: the site's address and language, the
    theme's templates and the radar's own, the topics' names and the papers taken down (takedowns.yml)."""
    takedowns = site_settings(settings).takedowns or Path("takedowns.yml")
    overrides = [tree_digest(Path(folder)) for folder in settings.get("THEME_TEMPLATES_OVERRIDES", ())]
    return render_digest(
        settings["SITEURL"],
        str(settings.get("DEFAULT_LANG")),
        tree_digest(theme / "templates"),
        *overrides,
        json.dumps([vars(t) for t in topics.values()], sort_keys=True),
        takedowns.read_bytes().hex() if takedowns.is_file() else "",
    )


def listed_key(article: Article) -> str:
    """What a list page's render key takes from an article it lists: which version of the entry
    (papers have theirs worked out already), its URL and which of its authors have a page."""
    version = getattr(article, "stamp", None) or entry_stamp(article.source_path)
    return f"{version}{article.url}{getattr(article, 'author_links', '')}"


def related_key(article: Article) -> str:
    """What a paper's page and API file take from its related papers: which version of each, and its URL."""
    return "".join(f"{r.stamp}{r.url}" for r in getattr(article, "related", ()))


def entry_stamp(path: str) -> str:
    """Which version of an entry file this is (path, modification time and size)."""
    try:
        info = os.stat(path)
    except OSError:
        return path
    return f"{path}:{info.st_mtime_ns}:{info.st_size}"


def tree_digest(folder: Path) -> str:
    return render_digest(
        *(f"{p.relative_to(folder)}:{p.read_bytes().hex()}" for p in sorted(folder.rglob("*")) if p.is_file())
    )
