"""Answers cached under ``state/brief-cache/`` by model, prompt and request: the same question is paid once."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..files import atomic_write
from . import prompts
from .llm import Endpoint

log = logging.getLogger(__name__)

# how far back a run looks for an answer: a retried or re-run day finds its own, and an entry keeps
# its brief in its own file, so older answers are never asked for again
WINDOW_DAYS = 31


class Cache:
    """Answers by request digest under ``state/brief-cache/<kind>/`` (kept in git): one file a run
    day, ``YYYY-MM-DD.json``, so a day's run adds or rewrites that day's file alone.  A lookup reads
    the last ``WINDOW_DAYS`` days' files, then the 256 shards ``<xx>.json`` (by the digest's first
    two hex digits) an earlier AcademicHub wrote, which are read, never rewritten."""

    def __init__(self, root: Path, kind: str, day: date | None = None):
        self.folder = root / kind
        self.day = day or date.today()
        self._recent: dict[str, Any] | None = None
        self._today: dict[str, Any] = {}
        self._legacy: dict[str, dict[str, Any]] = {}
        self._dirty = False

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
            return data
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable cache file, starting it afresh (%s)", path, exc)
            return {}

    def _lookup(self, key: str) -> Any:
        if self._recent is None:
            first = (self.day - timedelta(days=WINDOW_DAYS)).isoformat()
            self._recent = {}
            names = sorted(p.name for p in self.folder.glob("????-??-??.json")) if self.folder.is_dir() else []
            for name in names:
                if first <= name[:10] <= self.day.isoformat():
                    data = self._read(self.folder / name)
                    if name[:10] == self.day.isoformat():
                        self._today = data
                    self._recent.update(data)
        if key in self._recent:
            return self._recent[key]
        name = key[:2]
        if name not in self._legacy:
            self._legacy[name] = self._read(self.folder / f"{name}.json")
        return self._legacy[name].get(key)

    def get(self, key: str, languages: tuple[str, ...] = ()) -> dict | None:
        """The cached brief; a damaged one (not an object, or missing a language) counts as absent."""
        value = self._lookup(key)
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), dict) for lang in languages):
            return None
        return value

    def put(self, key: str, value: Any) -> None:
        self._lookup(key)  # reads the day's file first, so that a second run of a day adds to it
        self._today[key] = self._recent[key] = value
        self._dirty = True

    def save(self) -> None:
        if self._dirty:
            lines = [
                f"{json.dumps(k)}: {json.dumps(self._today[k], ensure_ascii=False, sort_keys=True)}"
                for k in sorted(self._today)
            ]
            atomic_write(self.folder / f"{self.day.isoformat()}.json", "{\n" + ",\n".join(lines) + "\n}\n")
        self._dirty = False


def request_key(endpoint: Endpoint, prompt: prompts.Prompt, languages: tuple[str, ...], messages: list[dict]) -> str:
    """Model + prompt version and text + the exact request: the same key means the same question."""
    material = json.dumps(
        [endpoint.model, prompt.version, prompt.digest, list(languages), messages], ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
