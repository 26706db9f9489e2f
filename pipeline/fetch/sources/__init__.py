"""Source kinds: each module turns one configured source into raw items.

A kind is one module that declares itself: its settings (a subclass of
``pipeline.config.sources.SourceSettings`` whose ``kind`` is the kind's name, with its own keys, its
default address and its age limit) and ``fetch(client, source: <its settings>, day) -> Fetched``.
Listing the module in ``MODULES`` is all that registers it: the kinds, the model of ``sources.yml``
and its reference are built from the modules.  Parsing functions are pure (bytes in, items out) so
they are tested directly on captured responses.  ``fetch`` is the one edge where records enter:
every text they carry is cleaned there (``pipeline.text.clean``), before anything is cached,
written or rendered.
"""

from __future__ import annotations

import operator
import typing
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import reduce
from pathlib import Path
from types import ModuleType
from typing import Annotated

from pydantic import Field, TypeAdapter

from ...config.loader import _Strict, load_yaml
from ...config.sources import HttpSettings, SourceSettings
from ...errors import ConfigError, SourceError
from ...text import clean, clean_record
from ..http import Client
from . import arxiv_api, arxiv_oai, arxiv_rss, biorxiv, crossref, openalex, rss
from .base import Fetched

MODULES: tuple[ModuleType, ...] = (arxiv_rss, arxiv_api, arxiv_oai, rss, crossref, biorxiv, openalex)


@dataclass(frozen=True)
class Kind:
    """One source kind, as its module declares it."""

    name: str
    settings: type[SourceSettings]
    fetch: Callable[[Client, SourceSettings, date], Fetched]


def declared(module: ModuleType) -> Kind:
    """The kind a module declares: the settings class its ``fetch`` takes, named by that class's ``kind``."""
    settings = typing.get_type_hints(module.fetch)["source"]
    (name,) = typing.get_args(settings.model_fields["kind"].annotation)
    return Kind(name, settings, module.fetch)


KINDS: dict[str, Kind] = {kind.name: kind for kind in map(declared, MODULES)}

# one source of sources.yml: the settings class of its kind, chosen by ``kind``
SourceConfig = Annotated[reduce(operator.or_, (kind.settings for kind in KINDS.values())), Field(discriminator="kind")]
_ONE = TypeAdapter(SourceConfig)


def source_settings(**settings) -> SourceSettings:
    """One source's settings, checked as ``sources.yml`` checks them (a pydantic ValidationError if wrong)."""
    return _ONE.validate_python(settings)


class SourcesFile(_Strict):
    """``sources.yml``."""

    http: HttpSettings = HttpSettings()  # how every request is made
    sources: list[SourceConfig]  # where papers come from


def load_sources(path: Path) -> SourcesFile:
    """``sources.yml`` (errors as file:line; two sources with one id refused)."""
    config = load_yaml(path, SourcesFile)
    seen: set[str] = set()
    problems = []
    for source in config.sources:
        if source.id in seen:
            problems.append(f"{path}: sources: duplicate source id '{source.id}'")
        seen.add(source.id)
    if problems:
        raise ConfigError(problems)
    return config


def fetch(client: Client, source: SourceSettings, day: date) -> Fetched:
    """One source's items, cleaned; a kind no module declares is a SourceError for that source."""
    kind = KINDS.get(source.kind)
    if kind is None or not isinstance(source, kind.settings):
        raise SourceError(f"no source kind '{source.kind}' (kinds: {', '.join(KINDS)})")
    fetched = kind.fetch(client, source, day)
    return replace(
        fetched,
        items=[clean_record(item) for item in fetched.items],
        skipped=[clean(why) for why in fetched.skipped],
        note=clean(fetched.note),
    )


__all__ = ["KINDS", "MODULES", "Fetched", "SourceConfig", "SourcesFile", "fetch", "load_sources", "source_settings"]
