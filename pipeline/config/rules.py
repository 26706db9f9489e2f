"""``rules/*.yml``: the curation rules, one topic a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from ..errors import ConfigError
from .loader import Text, _Strict, load_files

KeywordList = list[Annotated[str, Field(min_length=1, max_length=120)]]


class LocalText(_Strict):
    en: Text  # English
    zh: Text = ""  # Chinese (the English is shown where it is missing)


class Include(_Strict):
    """What selects a paper for the topic."""

    categories: KeywordList = []  # the paper must be in one of these (arXiv categories, or a source's default_category)
    keywords: KeywordList = []  # whole words or phrases in the title or abstract; a trailing * matches any ending
    authors: KeywordList = []  # followed authors: their papers are always kept
    sources: KeywordList = []  # only papers from these source ids


class Exclude(_Strict):
    """What keeps a paper out of the topic, even a followed author's."""

    categories: KeywordList = []  # never papers of these categories
    keywords: KeywordList = []  # never papers with these words or phrases
    authors: KeywordList = []  # never papers any of these people wrote (a muted author wins over a followed one)


class SimilarTo(_Strict):
    """The semantic signal (needs the semantic extra): papers like these are selected."""

    papers: KeywordList = []  # arXiv ids or DOIs
    bibtex: str = ""  # a BibTeX file, e.g. a Zotero export, relative to the rule file
    threshold: float = Field(0.5, gt=0, le=1)  # cosine similarity to the nearest of those papers

    @field_validator("papers", mode="before")
    @classmethod
    def _ids_are_text(cls, value: Any) -> Any:
        if isinstance(value, list) and any(isinstance(item, (int, float)) for item in value):
            # YAML reads 2604.22038 as a number (and 2604.10000 as 2604.1): the id would be lost
            raise ValueError('write arXiv ids as text: "2604.22038" or arXiv:2604.22038')
        return value

    @model_validator(mode="after")
    def _something_to_compare(self) -> SimilarTo:
        if not (self.papers or self.bibtex):
            raise ValueError("needs papers or a bibtex file")
        return self


class Rule(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]  # the topic's page and feed name
    name: LocalText  # the topic's name on the site
    description: LocalText  # one or two sentences on the topic's page
    similar_to: SimilarTo | None = None  # select papers like these too (the semantic extra)
    include: Include = Field(Include(), validate_default=True)  # what selects a paper
    exclude: Exclude = Exclude()  # what keeps a paper out
    # how many distinct keywords must match (default 1; 0 in a rule without keywords)
    min_score: int | None = Field(None, ge=0, le=100)
    max_per_day: int | None = Field(None, ge=1, le=10000)  # at most this many papers a day, best-ranked first
    # where the rule file lives, for error messages and the site's "edit this rule" link
    path: str = Field("", exclude=True)

    @field_validator("include")
    @classmethod
    def _something_to_match(cls, value: Include, info) -> Include:
        if not (value.categories or value.keywords or value.authors or info.data.get("similar_to")):
            raise ValueError("needs at least one of categories, keywords or authors")
        return value


def load_rules(directory: Path) -> list[Rule]:
    """Load every ``*.yml``/``*.yaml`` in ``directory``; all problems are reported together."""
    files = sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")])
    if not files:
        raise ConfigError([f"{directory}: no rule files (*.yml) found"])
    return load_files(files, Rule, lambda r: r.id, lambda r, other: f"id: '{r.id}' is already used by {other}")
