"""The brief stage's settings: ``brief.yml``, the environment and the flags, resolved once."""

from __future__ import annotations

import os
from dataclasses import dataclass

from pydantic import ValidationError

from ..config.brief import BriefConfig
from ..config.loader import Retrying
from ..environment import Environment
from ..errors import ConfigError
from .llm import Endpoint, Usage

EXTRACTIVE = "extractive"  # the model an extractive brief names (no model wrote it)


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


def resolve_settings(
    config: BriefConfig,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    extractive: bool = False,
    env=os.environ,
    **overrides,
) -> Settings:
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if overrides:
        try:
            config = config.model_validate({**config.model_dump(), **overrides})
        except ValidationError as exc:
            raise ConfigError(
                [f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}" for e in exc.errors()]
            ) from exc
    key = api_key or env.get("OPENAI_API_KEY") or ""
    if extractive or not key:
        return Settings(config, None)
    endpoint = Endpoint(
        model=model or Environment.read(env).model or config.model,
        base_url=base_url or env.get("OPENAI_BASE_URL") or config.base_url or None,
        api_key=key,
        timeout=config.timeout,
        retrying=Retrying(retries=config.retries, backoff=config.backoff, max_retry_after=config.max_retry_after),
    )
    return Settings(config, endpoint)
