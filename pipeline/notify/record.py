"""What was delivered, per channel and radar day (``state/notify.json``): a channel sent to for a
day is not sent to again for it unless asked (``--force``); a failed one is tried again by the next
run, and the status page shows both."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..files import atomic_write

log = logging.getLogger(__name__)

KEEP_DAYS = 400


@dataclass
class SentRecord:
    path: Path
    days: dict[str, dict[str, dict]] = field(default_factory=dict)  # day → channel id → outcome

    @classmethod
    def load(cls, path: Path) -> SentRecord:
        """The record; an unreadable one counts as empty (the run says so and goes on)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            days = data["days"]
            if not isinstance(days, dict):
                raise TypeError("days is not a mapping")
            days = {
                str(d): {str(c): o for c, o in per.items() if isinstance(o, dict)}
                for d, per in days.items()
                if isinstance(per, dict)
            }
        except FileNotFoundError:
            days = {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s: unreadable (%s); treated as empty", path, exc)
            days = {}
        return cls(path, days)

    def sent(self, day: date, channel: str) -> dict | None:
        """The outcome that delivered ``day`` on ``channel``, None when it was not delivered."""
        outcome = self.days.get(day.isoformat(), {}).get(channel)
        return outcome if outcome and outcome.get("status") == "sent" else None

    def note(self, day: date, channel: str, outcome: dict) -> None:
        """Keep ``outcome`` and write the record at once (a channel delivered is never lost to a later crash)."""
        self.days.setdefault(day.isoformat(), {})[channel] = outcome
        kept = sorted(self.days)[-KEEP_DAYS:]
        self.days = {d: self.days[d] for d in kept}
        atomic_write(self.path, json.dumps({"days": self.days}, ensure_ascii=False, indent=1, sort_keys=True) + "\n")

    def table(self, limit: int = 14) -> tuple[list[str], list[dict]]:
        """The status page's view: the last ``limit`` days (newest first) and one row per channel
        with its outcome on each of them (None: nothing sent that day) and its latest outcome."""
        days = sorted(self.days, reverse=True)[:limit]
        channels = sorted({c for d in days for c in self.days[d]})
        rows = []
        for channel in channels:
            cells = [self.days[d].get(channel) for d in days]
            latest = next(c for c in cells if c)
            rows.append({"channel": channel, "kind": str(latest.get("kind", "")), "cells": cells, "latest": latest})
        return days, rows
