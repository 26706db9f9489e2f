"""AcademicHub's site settings: every radar's ``pelicanconf.py`` starts with
``from pipeline.site.defaults import *`` and then sets its own names (a radar made by
``academichub init`` sets its name, tagline, description, language and repository).

Only UPPERCASE names are settings (Pelican reads them). Upgrading AcademicHub brings new
defaults to every radar; a setting a radar sets in its own file stays as it set it.
Reference: AcademicHub's documentation, Reference → "Site settings", and "Change the look" (the theme's
settings and each template's context).
"""

from pathlib import Path

from ..environment import Environment as _Environment

_environment = _Environment.read()  # $ACADEMICHUB_SITEURL, $ACADEMICHUB_REPOSITORY (not a setting: lowercase)

# The radar's identity: its own pelicanconf.py sets these (academichub init asks for them).
SITENAME = "My Research Radar"
SITESUBTITLE = "Curated research papers, daily"  # the tagline: footer, <title>, feeds' subtitle
SITE_DESCRIPTION = ""  # the home page's pitch and the pages' meta description (empty: the tagline)
LOGO_TEXT = ""  # the text beside the mark in the header (empty: SITENAME)
# Absolute address of the site: feeds, canonical links, OpenGraph and the sitemap need it
# (Atom ids must be absolute). Pages themselves use relative links, so the same build
# works at a domain root or below a path such as https://user.github.io/radar.
SITEURL = (_environment.siteurl or "http://127.0.0.1:8000").rstrip("/")
RELATIVE_URLS = True
# The repository that holds rules/ (the radar turns a reader's radar into a rule file there;
# the footer links to it). Empty: no such links.
REPOSITORY_URL = _environment.repository
REPOSITORY_BRANCH = "main"

# The theme is the package's own: upgrading AcademicHub upgrades it. A radar replaces single
# templates by files of the same name in its templates/ folder, and adds files (stylesheets
# listed in EXTRA_CSS, images) from its static/ folder; both folders are relative to the
# radar's settings file (AcademicHub's documentation, "Change the look").
THEME = str(Path(__file__).resolve().parent / "theme")
THEME_STATIC_DIR = "theme"
THEME_TEMPLATES_OVERRIDES = ["templates"]
RADAR_STATIC = "static"  # copied into output/theme/ after the theme's own files
EXTRA_CSS = []  # e.g. ["custom.css"] for static/custom.css, loaded after the theme's stylesheet

PATH = "content"
OUTPUT_PATH = "output"
ARTICLE_PATHS = ["papers", "briefs"]
PAGE_PATHS = []
STATIC_PATHS = []
TIMEZONE = "UTC"
DEFAULT_LANG = "zh"  # interface language a first visit sees: "zh" or "en"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

PLUGINS = ["pipeline.site"]
# Entries are Markdown only.
READERS = {"rst": None, "html": None, "htm": None}
# Home page: the latest day's papers in batches of this size ("换一批" shows the next batch).
HOME_BATCH_SIZE = 10
# The radar and "换一批" read a JSON index of the papers of the last RADAR_DAYS days.
RADAR_DAYS = 30
RELATED_PAPERS = 6

# Every text from a feed, an abstract, an author list, a rule or a model is untrusted:
# templates autoescape, and the entry metadata is treated as plain text.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "extensions": []}
FORMATTED_FIELDS = []
SUMMARY_MAX_LENGTH = None

ARTICLE_URL = "papers/{slug}.html"
ARTICLE_SAVE_AS = ARTICLE_URL
# Entries are papers and briefs, never translations of each other: no translation grouping (a
# sort of the whole archive by slug on every build). Newest radar day first (the day a paper
# arrived, whatever its publication date), then newest published, then by slug: Pelican reads
# files in no fixed order, and the same entries must always make the same pages.
ARTICLE_TRANSLATION_ID = None


def ARTICLE_ORDER_BY(article):  # noqa: N802 (a Pelican setting)
    return (-article.radar_day.toordinal(), -article.date.timestamp(), article.slug)


CATEGORY_URL = "topics/{slug}.html"
CATEGORY_SAVE_AS = CATEGORY_URL
TAG_URL = "tags/{slug}.html"
TAG_SAVE_AS = TAG_URL
AUTHOR_URL = "authors/{slug}.html"
AUTHOR_SAVE_AS = AUTHOR_URL
# Authors with at least this many papers get a page and feeds; the others' names lead to a
# search for them. Most authors of an archive appear once: at 10,000 papers a page and two
# feeds for each of ~40,000 authors made most of the site's size (AcademicHub's documentation, "Benchmarks").
AUTHOR_PAGE_MIN_PAPERS = 2
# A paper's own page and API file name every author; cards, lists, feeds, BibTeX/RIS, JSON-LD, the API's
# lists and the radar's data name this many, then "et al. — 3,000 authors" (a collaboration paper has
# thousands: naming them all in every author's feed made a site of hundreds of MB).
AUTHORS_LISTED = 20
# Day archives and the archive index are written by the site plugin (Pelican's own period
# archives scan every article once per period).
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
ARCHIVE_DAY_URL = "archive/{date:%Y/%m/%d}.html"
DIRECT_TEMPLATES = ["index", "topics", "radar", "search", "status", "404"]
PAGINATED_TEMPLATES = {"category": 30, "tag": 30}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}-{number}.html", "{base_name}-{number}.html"),  # topics/x.html, topics/x-2.html …
)

# Feeds (Pelican's own settings; the plugin also writes feed.json, feeds.opml and sitemap.xml).
FEED_DOMAIN = SITEURL
FEED_MAX_ITEMS = 200
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/topics/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/topics/{slug}.rss.xml"
AUTHOR_FEED_ATOM = "feeds/authors/{slug}.atom.xml"
# Author feeds in Atom only (every feed reader reads Atom): an RSS copy of each would add a
# quarter to the site's size. Set AUTHOR_FEED_RSS = "feeds/authors/{slug}.rss.xml" to have both.
AUTHOR_FEED_RSS = None
FEED_ATOM = None
FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# Pelican rewrites every page on every build; its content cache skips re-reading entries.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "generator"
CACHE_PATH = "build/pelican-cache"
# A fresh checkout resets every file's modification time: compare contents, so the cache kept
# between daily runs is reused for every entry that did not change.
CHECK_MODIFIED_METHOD = "md5"
DELETE_OUTPUT_DIRECTORY = False

# Tiers of the archive (AcademicHub's documentation, "Years of archive"): the newest months holding at most this many
# papers (the newest month always) are the current tier, read by every build, with author pages and
# feeds, topic lists and a paper's API file; each older month is built once as a shard of lean paper
# pages, day pages and day API files, and rebuilt only when its own entries change. 0: one tier.
ARCHIVE_CURRENT_PAPERS = 5000

# Search: Pagefind indexes paper and brief pages only (data-pagefind-body), after Pelican.
PAGEFIND = True
# The index is split by date into bundles of at most this many pages (whole months while they fit),
# indexed one at a time: Pagefind needs about 150 KB of memory per page of a bundle (~0.8 GB here),
# and a daily build indexes only the bundles whose pages changed — in practice the newest one.
PAGEFIND_BUCKET_PAGES = 5000

# Build speed at tens of thousands of entries. An entry's body is HTML blocks, so Markdown needs
# only its metadata extension (the default set adds "extra" and "codehilite", which change nothing
# in an entry and made reading one 1.5 times as slow)...
MARKDOWN = {"extension_configs": {"markdown.extensions.meta": {}}, "output_format": "html5"}
# ...and the content cache is kept uncompressed: gzipping it again after every build cost ~4 s of
# CPU at 10,000 papers (the daily job's actions/cache compresses it anyway).
GZIP_CACHE = False
