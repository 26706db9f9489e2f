"""Source kinds: each module turns one configured source into raw items.

Every kind exposes ``fetch(client, source, day) -> Fetched``; parsing functions
are pure (bytes in, items out) so they are tested directly on captured responses.
"""

from __future__ import annotations

from datetime import date

from ...config import SourceConfig
from ..http import Client
from . import arxiv_api, arxiv_oai, arxiv_rss, biorxiv, crossref, rss
from .base import Fetched

KINDS = {
    "arxiv_rss": arxiv_rss.fetch,
    "arxiv_api": arxiv_api.fetch,
    "arxiv_oai": arxiv_oai.fetch,
    "rss": rss.fetch,
    "crossref": crossref.fetch,
    "biorxiv": biorxiv.fetch,
}


def fetch(client: Client, source: SourceConfig, day: date) -> Fetched:
    return KINDS[source.kind](client, source, day)


__all__ = ["Fetched", "fetch", "KINDS"]
