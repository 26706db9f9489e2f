"""Source kinds: each module turns one configured source into raw items.

Every kind exposes ``fetch(client, source, day) -> Fetched``; parsing functions
are pure (bytes in, items out) so they are tested directly on captured responses.
``fetch`` is the one edge where records enter: every text they carry is cleaned there
(``pipeline.text.clean``), before anything is cached, written or rendered.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ...config import SourceConfig
from ...text import clean, clean_record
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
    fetched = KINDS[source.kind](client, source, day)
    return replace(fetched, items=[clean_record(item) for item in fetched.items],
                   skipped=[clean(why) for why in fetched.skipped], note=clean(fetched.note))


__all__ = ["Fetched", "fetch", "KINDS"]
