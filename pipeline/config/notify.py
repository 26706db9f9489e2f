"""``notify.yml``: where the daily brief is delivered — e-mail and chat channels, each with the
secrets it needs named by environment variable (never the secret itself), the topics it carries,
its language and how much of the day it sends.

Each channel kind declares its own settings in its module (``pipeline/notify/<kind>.py``), a subclass
of ``ChannelSettings``; ``pipeline.notify.stage`` builds the file's model from those modules."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from .loader import Retrying, _Strict

EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=100)]


class ChannelSettings(_Strict):
    """The keys every channel has; a kind adds its own (see ``kind``)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]  # what was sent is kept by it
    kind: str  # the platform: its own keys are in the table of that kind below
    enabled: bool = True  # false: the channel is kept but sent nothing
    topics: list[Annotated[str, Field(min_length=1, max_length=100)]] = []  # rule ids; empty: every topic
    language: Literal["zh", "en", "both"] | None = None  # the languages it carries (empty: those of the day's brief)
    cards: int = Field(10, ge=0, le=50)  # the top N cards of the day, each with its TL;DR
    themes: bool = True  # the daily brief's themes under its headline

    needs: ClassVar[tuple[str, ...]] = ()  # the keys the kind cannot go without

    @model_validator(mode="after")
    def _has_what_it_needs(self) -> ChannelSettings:
        missing = [name for name in self.needs if not getattr(self, name)]
        if missing:
            raise ValueError(f"this {self.kind} channel needs {', '.join(missing)}")
        return self

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages asked for; empty: those of the day's brief (brief.yml's languages)."""
        return {"both": ("zh", "en"), None: ()}.get(self.language, (self.language,))


class Delivery(Retrying):
    """How hard a channel is tried before it is reported as failed."""

    timeout: float = Field(20.0, gt=0, le=300)  # seconds per request or SMTP session
    backoff: float = Field(2.0, ge=0, le=60)  # seconds before the first retry, doubled each time
