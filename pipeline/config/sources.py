"""``sources.yml``: the HTTP settings and where papers come from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..errors import ConfigError
from .loader import HttpAddress, Retrying, Text, _Strict, load_yaml


class HttpSettings(Retrying):
    # sent with every request, with the contact address added
    user_agent: str = "AcademicHub/0.1 (+https://github.com/academichub/academichub)"
    contact: str = ""  # an e-mail address added to the User-Agent (arXiv and Crossref ask for one)
    connect_timeout: float = 10.0  # seconds
    read_timeout: float = 60.0  # seconds between two bytes of a response
    # a response is refused beyond this size, and abandoned when its body takes longer than this
    max_bytes: int = Field(64 * 1024 * 1024, ge=1024)
    total_timeout: float = Field(300.0, gt=0)  # seconds a whole response may take
    # arXiv asks for no more than one request every 3 seconds (API, RSS and OAI-PMH alike).
    arxiv_interval: float = Field(3.0, ge=0)


class SourceConfig(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]  # recorded in entries and run records
    kind: Literal["arxiv_rss", "arxiv_api", "arxiv_oai", "rss", "crossref", "biorxiv"]  # the kind of server
    label: Text  # the badge on a card; {CATEGORY} or {category}: the paper's primary category
    enabled: bool = True  # false: kept in the file, never fetched
    url: HttpAddress = ""  # the full feed URL (arxiv_rss, rss)
    base_url: HttpAddress = ""  # the API root (arxiv_api, arxiv_oai, crossref, biorxiv)
    # arxiv_rss: archives joined with "+", e.g. ["cs.AI", "cs.CL"]
    categories: list[str] = []
    # arxiv_api: a search query such as 'au:"Yingqi Fan"' or 'cat:cs.AI AND ti:agent'
    query: str = ""
    page_size: int = Field(100, ge=1, le=2000)  # records asked for a page (arxiv_api, crossref)
    max_results: int = Field(500, ge=1, le=50000)  # at most this many records a run
    # arxiv_api / crossref / biorxiv: how many days back from the run date to ask for
    days: int = Field(1, ge=1, le=3660)
    # arxiv_oai: the OAI set, e.g. "cs" or "physics:quant-ph"
    set: str = ""
    # crossref
    issn: list[str] = []
    mailto: str = ""  # Crossref's polite pool: your e-mail address
    # biorxiv: "biorxiv" or "medrxiv" and an optional category filter
    server: Literal["biorxiv", "medrxiv"] = "biorxiv"
    category: str = ""  # biorxiv: a subject such as "cancer_biology"; empty: every subject
    # papers from this source are written with this category when no arXiv category exists
    default_category: str = ""
    # a record published more than this many days before the run day is not news: it is skipped
    # and counted as old; null keeps every record (a back-fill); unset: the kind's default (age_limit)
    max_age_days: int | None = Field(None, ge=0, le=36600)

    def age_limit(self) -> int | None:
        """How old (days before the run day) a record may be and still be news.

        arXiv's RSS lists the day's announcements; a journal's RSS lists its current issue and
        Crossref indexes late, so both keep more than a month; a query with a ``days`` window
        (arXiv API, bioRxiv) keeps its window; OAI-PMH is for back-fills and keeps everything.
        """
        if "max_age_days" in self.model_fields_set:
            return self.max_age_days
        return {"arxiv_rss": 7, "rss": 45, "crossref": max(45, self.days), "arxiv_api": self.days + 1,
                "biorxiv": self.days + 1, "arxiv_oai": None}[self.kind]

    @model_validator(mode="after")
    def _kind_needs(self) -> "SourceConfig":
        needs = {
            "arxiv_rss": ("categories", "url"),
            "rss": ("url",),
            "arxiv_api": ("query",),
            "arxiv_oai": ("set",),
            "crossref": ("issn",),
        }.get(self.kind, ())
        if needs and not any(getattr(self, name) for name in needs):
            raise ValueError(f"a {self.kind} source needs " + " or ".join(needs))
        return self


class SourcesFile(_Strict):
    """``sources.yml``."""

    http: HttpSettings = HttpSettings()  # how every request is made
    sources: list[SourceConfig]  # where papers come from


KIND_DEFAULTS = {
    "arxiv_rss": ("url", ""),  # built from the categories, see sources.arxiv_rss
    "rss": ("url", ""),
    "arxiv_api": ("base_url", "https://export.arxiv.org/api/query"),
    "arxiv_oai": ("base_url", "https://oaipmh.arxiv.org/oai"),
    "crossref": ("base_url", "https://api.crossref.org"),
    "biorxiv": ("base_url", "https://api.biorxiv.org"),
}


def load_sources(path: Path) -> SourcesFile:
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
