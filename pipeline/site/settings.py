"""What a build tells the site plugin besides Pelican's own settings: one typed record, kept under
one key of Pelican's settings (``KEY``) and read as attributes by the generator, the writer and the
plugin's handlers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from .periods import Manifest

KEY = "ACADEMICHUB"  # the Pelican setting that holds the build's SiteSettings


@dataclass(frozen=True)
class SiteSettings:
    rules: Path = Path("rules")  # topic names and descriptions
    state: Path = Path("state")  # run records, the archive's index, embeddings
    takedowns: Path | None = None  # the papers the site leaves out (takedowns.yml); None: none
    period: str = ""  # the closed month whose shard this run builds (periods.py); "": the current tier
    closed: tuple[Manifest, ...] = ()  # the closed months' shards, for the current tier's lists
    left_out: frozenset[str] = frozenset()  # entries a sparse checkout left out (present, not removed)


def site_settings(settings: Mapping) -> SiteSettings:
    """The build's record (a Pelican run without ``academichub build``: the defaults)."""
    return settings.get(KEY) or SiteSettings()


def update(settings: MutableMapping, **changes) -> SiteSettings:
    """Replace fields of the build's record in ``settings``; the new record."""
    settings[KEY] = dataclasses.replace(site_settings(settings), **changes)
    return settings[KEY]
