"""Atom and RSS feed documents as feed readers and the W3C feed checker expect them.

feedgenerator (which Pelican uses) names one author per entry and no author for the feed;
here every author of a paper is its own ``<author>`` (one ``dc:creator`` each in RSS), the
feed names the site as its author (so that a daily brief, which has none, is still a valid
Atom entry), and feeds and entries declare their language.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

# Titles and abstracts are English; a brief without a paper is written Chinese first.
PAPER_LANG = "en"


def content_lang(settings: dict) -> str:
    """The language tag of text written in the site's interface language."""
    return "zh-CN" if settings.get("DEFAULT_LANG") == "zh" else "en"


def feed_title(sitename: str, topic=None) -> str:
    """A feed's title: the site's name, then the topic's names (as the topics page shows them)."""
    if topic is None:
        return sitename
    names = topic.name_en if topic.name_en == topic.name_zh else f"{topic.name_en} / {topic.name_zh}"
    return f"{sitename} – {names}"


class _Dated(SyndicationFeed):
    """A feed dated by its newest entry; one with no entry yet (a topic that has selected nothing) by
    its ``empty_date`` (the site's newest entry), never by the clock: its bytes change with the site only."""

    def latest_post_date(self):
        if self.items:
            return super().latest_post_date()
        return self.feed.get("empty_date") or datetime(1970, 1, 1, tzinfo=UTC)


class AtomFeed(_Dated, Atom1Feed):
    """Atom 1.0 with one ``<author>`` per name (item ``authors``) and ``xml:lang`` per entry (item ``lang``)."""

    def item_attributes(self, item):
        lang = item.get("lang")
        return {"xml:lang": lang} if lang and lang != self.feed["language"] else {}

    def add_item_elements(self, handler, item):
        names = item.get("authors") or ()
        super().add_item_elements(handler, {**item, "author_name": None})
        for name in names:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


class RssFeed(_Dated, Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per author (item ``authors``)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "author_name": None})
        for name in item.get("authors") or ():
            handler.addQuickElement("dc:creator", name)
