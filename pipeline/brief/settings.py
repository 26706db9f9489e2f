"""The brief stage's settings: ``brief.yml``, the environment and the flags, resolved once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..config import HttpAddress, load_yaml
from ..errors import ConfigError
from .llm import Endpoint, Usage

EXTRACTIVE = "extractive"


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    input: float = Field(ge=0)
    output: float = Field(ge=0)


class BriefConfig(BaseModel):
    """``brief.yml``: every field optional; environment variables and flags override it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    model: str = "gpt-4o-mini"
    base_url: HttpAddress = ""
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")]] = ["zh", "en"]
    concurrency: int = Field(48, ge=1, le=512)  # lower it for a low rate-limit tier; 429s are honoured anyway
    timeout: float = Field(60.0, gt=0)
    retries: int = Field(4, ge=0, le=10)
    backoff: float = Field(1.0, ge=0)
    max_retry_after: float = Field(120.0, ge=0)
    max_papers: int | None = Field(None, ge=0)  # per run; the rest stay pending
    max_tokens: int | None = Field(None, ge=0)  # per run, input + output
    max_abstract_chars: int = Field(1600, ge=200)
    paper_output_tokens: int = Field(900, ge=100)
    digest_output_tokens: int = Field(2500, ge=300)
    context_tokens: int = Field(16000, ge=2000)  # the model's window the daily prompt must fit in
    batch_discount: float = Field(0.5, ge=0, le=1)
    poll_interval: float = Field(30.0, gt=0)
    prices: dict[str, Price] = {
        "gpt-4o-mini": Price(input=0.15, output=0.60),
        "gpt-4.1-mini": Price(input=0.40, output=1.60),
        "gpt-4o": Price(input=2.50, output=10.00),
        "deepseek-chat": Price(input=0.27, output=1.10),
    }

    @model_validator(mode="after")
    def _room_for_the_day(self) -> "BriefConfig":
        if self.context_tokens < self.digest_output_tokens + 300:
            raise ValueError("context_tokens must leave room for the day's papers beside digest_output_tokens")
        return self


def load_config(path: Path | None) -> BriefConfig:
    """``brief.yml`` if it exists (errors as file:line), else the defaults."""
    if path is None or not path.exists():
        return BriefConfig()
    return load_yaml(path, BriefConfig)


@dataclass(frozen=True)
class Settings:
    """Everything one run of the stage needs, resolved from defaults ← brief.yml ← environment ← flags."""

    config: BriefConfig
    endpoint: Endpoint | None  # None: no API key, write extractive briefs

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.config.languages)

    def cost(self, usage: Usage, discount: float = 0.0) -> float | None:
        price = self.config.prices.get(self.endpoint.model) if self.endpoint else None
        if price is None:
            return None
        total = (usage.input_tokens * price.input + usage.output_tokens * price.output) / 1e6
        return total * (1 - discount)


def resolve_settings(config: BriefConfig, *, model: str | None = None, base_url: str | None = None,
                     api_key: str | None = None, extractive: bool = False, env=os.environ, **overrides) -> Settings:
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if overrides:
        try:
            config = config.model_validate({**config.model_dump(), **overrides})
        except ValidationError as exc:
            raise ConfigError([f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}"
                               for e in exc.errors()]) from exc
    key = api_key or env.get("OPENAI_API_KEY") or ""
    if extractive or not key:
        return Settings(config, None)
    endpoint = Endpoint(
        model=model or env.get("ACADEMICHUB_MODEL") or config.model,
        base_url=base_url or env.get("OPENAI_BASE_URL") or config.base_url or None,
        api_key=key,
        timeout=config.timeout,
        retries=config.retries,
        backoff=config.backoff,
        max_retry_after=config.max_retry_after,
    )
    return Settings(config, endpoint)
