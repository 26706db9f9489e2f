"""``corrections/*.yml``: reviewed corrections of briefs, one a file, proposed by pull request.

A correction names a paper (its id as the radar writes it, ``arxiv:2604.21935`` or ``doi:10.…``) or
a daily brief (its date) and does one thing to its brief: ``pin`` it (keep it as it is, never write
it again), ``replace`` fields with reviewed text (``en.results: "…"``), or ``hide`` fields.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .loader import Text, _Strict, load_files

PAPER_FIELDS = ("tldr", "problem", "method", "results", "why_it_matters", "keywords")
DIGEST_FIELDS = ("headline", "themes", "connections", "read_first", "changes")
TEXT = {"paper": PAPER_FIELDS[:-1], "digest": DIGEST_FIELDS[:1]}  # the fields a correction may rewrite

FieldName = Annotated[str, Field(pattern=r"^(zh|en)\.[a-z_]+$")]


class Correction(_Strict):
    """One reviewed correction: the brief it names, what it does to it, why, and who reviewed it."""

    paper: str = ""  # the paper's id as the radar writes it: arxiv:2604.21935, doi:10.1234/abc
    brief: date | None = None  # or the daily brief of this day (YYYY-MM-DD)
    action: Literal["pin", "replace", "hide"]  # keep as it is, rewrite fields, or leave fields out
    replace: dict[FieldName, Annotated[str, Field(min_length=1, max_length=800)]] = {}  # en.results: reviewed text
    hide: list[FieldName] = []  # fields not shown: en.results, zh.results
    reason: Text  # why, shown on the page beside "corrected"
    reviewed_by: Text  # who reviewed it (a GitHub handle)
    path: str = Field("", exclude=True)  # where the file lives, for error messages

    @field_validator("paper")
    @classmethod
    def _an_id(cls, value: str) -> str:
        if value and ":" not in value:
            raise ValueError("expected a paper id with its scheme, e.g. arxiv:2604.21935 or doi:10.1234/abc")
        return value

    @field_validator("replace", "hide")
    @classmethod
    def _known_fields(cls, value, info):
        action = info.field_name
        if value and info.data.get("action") != action:
            raise ValueError(f"'{action}:' belongs to action: {action}, not {info.data.get('action')}")
        paper = bool(info.data.get("paper"))
        allowed = (
            TEXT["paper" if paper else "digest"] if action == "replace" else PAPER_FIELDS if paper else DIGEST_FIELDS
        )
        for name in value:
            if name.partition(".")[2] not in allowed:
                raise ValueError(f"'{name}' is not a field that can be {action}d; use <zh|en>.<{'|'.join(allowed)}>")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Correction:
        if bool(self.paper) == (self.brief is not None):
            raise ValueError("name either a paper (paper: arxiv:…) or a daily brief (brief: YYYY-MM-DD)")
        if self.action != "pin" and not (self.replace or self.hide):
            raise ValueError(f"action: {self.action} needs a '{self.action}:' list of fields")
        return self

    @property
    def kind(self) -> Literal["paper", "digest"]:
        return "paper" if self.paper else "digest"

    @property
    def target(self) -> str:
        """What it corrects: the paper id, or ``brief:YYYY-MM-DD``."""
        return self.paper or f"brief:{self.brief.isoformat()}"


def load_corrections(directory: Path) -> list[Correction]:
    """Every ``*.yml``/``*.yaml`` in ``directory`` (none, or no folder: no corrections); all problems
    are reported together, and two corrections of one brief are refused."""
    files = sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")]) if directory.is_dir() else []
    return load_files(
        files, Correction, lambda c: c.target, lambda c, other: f"{c.target} is already corrected by {other}"
    )
