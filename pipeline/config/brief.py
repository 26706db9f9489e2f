"""``brief.yml``: the brief stage's model, languages, limits and prices (every key optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .loader import HttpAddress, Retrying, _Strict, load_yaml


class Price(_Strict):
    """US dollars per million tokens."""

    input: float = Field(ge=0)  # per million input tokens
    output: float = Field(ge=0)  # per million output tokens


class BriefConfig(Retrying):
    """``brief.yml``: every field optional; environment variables and flags override it."""

    model: str = "gpt-4o-mini"  # the model's name at the endpoint; $ACADEMICHUB_MODEL, --model override it
    # an OpenAI-compatible endpoint (empty: OpenAI's); $OPENAI_BASE_URL, --base-url override it
    base_url: HttpAddress = ""
    # the languages every brief is written in, from one model call
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")]] = ["zh", "en"]
    concurrency: int = Field(48, ge=1, le=512)  # lower it for a low rate-limit tier; 429s are honoured anyway
    timeout: float = Field(60.0, gt=0)  # seconds a request may take
    retries: int = Field(4, ge=0, le=10)  # more attempts on 429, 5xx and timeouts
    max_papers: int | None = Field(None, ge=0)  # per run; the rest stay pending
    max_tokens: int | None = Field(None, ge=0)  # per run, input + output
    max_abstract_chars: int = Field(1600, ge=200)  # an abstract is cut here before it is sent
    paper_output_tokens: int = Field(900, ge=100)  # the answer's limit for one paper's brief
    digest_output_tokens: int = Field(2500, ge=300)  # the answer's limit for a daily or weekly brief
    context_tokens: int = Field(16000, ge=2000)  # the model's window the daily prompt must fit in
    batch_discount: float = Field(0.5, ge=0, le=1)  # the batch API's price as a share of the usual one
    # a model brief whose numbers, names or acronyms its source does not give, after one more try:
    # kept and labelled "unverified" (and left out of messages), or replaced by the extractive brief
    ungrounded: Literal["label", "extractive"] = "label"
    poll_interval: float = Field(30.0, gt=0)  # seconds between two looks at a batch's progress
    # US$ per million input and output tokens, by model: the closing table's cost estimate
    prices: dict[str, Price] = {
        "gpt-4o-mini": Price(input=0.15, output=0.60),
        "gpt-4.1-mini": Price(input=0.40, output=1.60),
        "gpt-4o": Price(input=2.50, output=10.00),
        "deepseek-chat": Price(input=0.27, output=1.10),
    }

    @model_validator(mode="after")
    def _room_for_the_day(self) -> BriefConfig:
        if self.context_tokens < self.digest_output_tokens + 300:
            raise ValueError("context_tokens must leave room for the day's papers beside digest_output_tokens")
        return self


def load_config(path: Path | None) -> BriefConfig:
    """``brief.yml`` if it exists (errors as file:line), else the defaults."""
    if path is None or not path.exists():
        return BriefConfig()
    return load_yaml(path, BriefConfig)
