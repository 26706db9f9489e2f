"""``takedowns.yml``: papers the site must not publish, each with the reason (a takedown request, a
withdrawal), whether or not their entry is still in ``content/``."""

from __future__ import annotations

import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .loader import Text, load_yaml


class Takedown(BaseModel):
    """One paper taken down: its id as the entry names it (``arxiv:2604.22038``, ``doi:10.1038/…``), or its
    arXiv id or DOI alone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Text
    reason: Text
    date: datetime.date | None = None  # when it was taken down (the status page shows it)


class TakedownsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    takedowns: list[Takedown] = Field(default_factory=list)


def load_takedowns(path: Path | None) -> list[Takedown]:
    """The takedowns of ``path``; none when there is no such file."""
    if path is None or not path.is_file():
        return []
    return load_yaml(path, TakedownsFile).takedowns
