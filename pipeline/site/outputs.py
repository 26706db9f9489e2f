"""The per-author Atom and RSS feeds, assembled from one XML fragment per paper."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path

from pelican.contents import Article

from ..files import write_text
from ..text import xml_text
from .feeds import PAPER_LANG
from .views import feed_terms, listed_authors

AUTHOR_FEED_OPENING = 160  # characters of the abstract in an author's feed, for a paper without a TL;DR


def opening(text: str, size: int = AUTHOR_FEED_OPENING) -> str:
    """The first words of ``text``, at most ``size`` characters and a ``…``."""
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


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
            title = xml_text(paper.title)
            # the TL;DR, else the abstract's first words: a paper is in the feed of each of its
            # authors with a page, and its abstract is on its page and in the site's and topics' feeds
            if brief and brief["zh"].get("tldr"):
                text = f"TL;DR: {brief['zh'].get('tldr', '')} / {brief['en'].get('tldr', '')}"
            else:
                text = opening(paper.abstract)
            summary = xml_text(text)
            published, updated = article.feed_dates
            terms = feed_terms(article)
            # every author's feed carries the paper: its authors named up to the limit, never the whole collaboration
            listed, more = listed_authors(paper.authors, self.settings)
            names = [a.name for a in listed] + ([more] if more else [])
            self._atom[key] = (
                f'<entry><title>{title}</title><link href="{link}" rel="alternate"/><id>{link}</id>'
                f"<published>{published.isoformat()}</published><updated>{updated.isoformat()}</updated>"
                + "".join(f"<author><name>{xml_text(name)}</name></author>" for name in names)
                + f'<summary type="text">{summary}</summary>'
                + "".join(f'<category term="{xml_text(t)}"/>' for t in terms)
                + "</entry>\n"
            )
            self._rss[key] = (
                f"<item><title>{title}</title><link>{link}</link><description>{summary}</description>"
                + "".join(f"<dc:creator>{xml_text(name)}</dc:creator>" for name in names)
                + f'<pubDate>{format_datetime(published)}</pubDate><guid isPermaLink="true">{link}</guid>'
                + "".join(f"<category>{xml_text(t)}</category>" for t in terms)
                + "</item>\n"
            )
        return self._atom[key], self._rss[key]

    def write(self, author, articles: list[Article]) -> None:
        papers = [a for a in articles if getattr(a, "paper", None)][: self.settings.get("FEED_MAX_ITEMS") or None]
        if not papers:
            return
        title = xml_text(f"{self.settings['SITENAME']} – {author.name}")
        page = xml_text(f"{self.site}/{author.url}")
        newest = max(a.feed_dates[1] for a in papers)
        atom_path, rss_path = self.settings.get("AUTHOR_FEED_ATOM"), self.settings.get("AUTHOR_FEED_RSS")
        if atom_path:
            path = atom_path.format(slug=author.slug)
            own = xml_text(f"{self.site}/{path}")
            write_text(
                self.output / path,
                f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{PAPER_LANG}">'
                f'<title>{title}</title><link href="{page}" rel="alternate"/><link href="{own}" rel="self"/>'
                f"<id>{own}</id><updated>{newest.isoformat()}</updated>\n"
                + "".join(self._fragments(a)[0] for a in papers)
                + "</feed>\n",
            )
        if rss_path:
            path = rss_path.format(slug=author.slug)
            own = xml_text(f"{self.site}/{path}")
            write_text(
                self.output / path,
                '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f"<title>{title}</title><link>{page}</link><description>{title}</description>"
                f"<language>{PAPER_LANG}</language>"
                f'<atom:link href="{own}" rel="self"/><lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n'
                + "".join(self._fragments(a)[1] for a in papers)
                + "</channel></rss>\n",
            )
