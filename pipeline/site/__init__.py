"""The website: a Pelican plugin (``PLUGINS = ["pipeline.site"]``) and the build around it.

``views`` turns an entry into what the templates see; ``plugin`` connects Pelican's signals; ``generator``
writes the pages Pelican does not (days, authors, archive, data/index.json, JSON Feed, OPML, sitemap)
with ``outputs`` (author feeds), ``feeds`` (feed classes), ``related``, ``trends`` and ``citations``; ``writer`` makes
writing incremental; ``search`` builds the Pagefind index; ``periods`` splits the archive into the current tier
and the closed months built as shards; ``build`` runs it all, prunes and serves.
It may import ``config``, ``archive``, ``semantic``, and the records of ``notify`` and ``publish``
(for the status page).
"""

from ..errors import SiteError
from .build import BuildResult, build, make_server, periods_report, prune, read_site_settings
from .generator import HOME_POOL, RADAR_MIN_PAPERS, SITEMAP_LIMIT, STATUS_TEXT
from .plugin import register
from .related import related_papers
from .views import load_topics
from .writer import StablePaginator

__all__ = [
    "HOME_POOL",
    "RADAR_MIN_PAPERS",
    "SITEMAP_LIMIT",
    "STATUS_TEXT",
    "BuildResult",
    "SiteError",
    "StablePaginator",
    "build",
    "load_topics",
    "make_server",
    "periods_report",
    "prune",
    "read_site_settings",
    "register",
    "related_papers",
]
