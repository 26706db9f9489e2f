"""``sources.yml``: the HTTP settings, and what every source has whatever its kind.

Each source kind declares its own settings in its module (``pipeline/fetch/sources/<kind>.py``), a
subclass of ``SourceSettings`` with its ``kind``, its own keys, its default address and its age
limit; ``pipeline.fetch.sources`` builds the file's model from those modules."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from .loader import HttpAddress, Retrying, Text, _Strict


class HttpSettings(Retrying):
    # sent with every request, with the contact address added
    user_agent: str = "AcademicHub/0.1 (+https://github.com/academichub/academichub)"
    contact: str = ""  # an e-mail address added to the User-Agent (arXiv and Crossref ask for one)
    connect_timeout: float = 10.0  # seconds
    read_timeout: float = 60.0  # seconds between two bytes of a response
    # bytes a response's body may have once decompressed, counted while it streams (a gzip bomb
    # stops here)
    max_bytes: int = Field(64 * 1024 * 1024, ge=1024)
    # seconds a whole request may take, connecting, headers and body: a try cut here is not repeated
    total_timeout: float = Field(300.0, gt=0)
    # arXiv asks for no more than one request every 3 seconds (API, RSS and OAI-PMH alike).
    arxiv_interval: float = Field(3.0, ge=0)


class SourceSettings(_Strict):
    """The keys every source has; a kind adds its own (see ``kind``)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]  # recorded in entries and run records
    kind: str  # the kind of server: its own keys are in the table of that kind below
    label: Text  # the badge on a card; {CATEGORY} or {category}: the paper's primary category
    enabled: bool = True  # false: kept in the file, never fetched
    max_results: int = Field(500, ge=1, le=50000)  # at most this many records a run
    # papers from this source are written with this category when no arXiv category exists
    default_category: str = ""
    # a record published more than this many days before the run day is not news: it is skipped
    # and counted as old; null keeps every record (a back-fill); unset: the kind's default
    max_age_days: int | None = Field(None, ge=0, le=36600)

    endpoint: ClassVar[str] = ""  # the kind's public address, used when base_url is empty
    needs: ClassVar[tuple[str, ...]] = ()  # the source needs one of these keys set

    def default_age(self) -> int | None:
        """The kind's age limit when ``max_age_days`` is not set; None keeps everything."""
        return None

    def age_limit(self) -> int | None:
        """How old (days before the run day) a record may be and still be news."""
        if "max_age_days" in self.model_fields_set:
            return self.max_age_days
        return self.default_age()

    def address(self) -> str:
        """The configured address of the server, or the kind's public default."""
        return (getattr(self, "base_url", "") or self.endpoint).rstrip("/")

    @model_validator(mode="after")
    def _has_what_it_needs(self) -> SourceSettings:
        if self.needs and not any(getattr(self, name) for name in self.needs):
            raise ValueError(f"a {self.kind} source needs " + " or ".join(self.needs))
        return self


class QuerySettings(SourceSettings):
    """A source asked through an API for the records of the last ``days``."""

    base_url: HttpAddress = ""  # the API root; empty: the kind's public address
    days: int = Field(1, ge=1, le=3660)  # how many days back from the run date to ask for


class PagedSettings(QuerySettings):
    page_size: int = Field(100, ge=1, le=2000)  # records asked for a page
