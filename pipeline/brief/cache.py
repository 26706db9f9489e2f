"""Answers cached under ``state/brief-cache/`` by model, prompt and request: the same question is paid once."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from ..files import atomic_write
from . import prompts
from .llm import Endpoint

log = logging.getLogger(__name__)


class Cache:
    """Answers by request digest, in 256 JSON shards under ``state/brief-cache/<kind>/`` (kept in git)."""

    def __init__(self, root: Path, kind: str):
        self.folder = root / kind
        self._shards: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    def _shard(self, key: str) -> dict[str, Any]:
        name = key[:2]
        if name not in self._shards:
            path = self.folder / f"{name}.json"
            try:
                self._shards[name] = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                self._shards[name] = {}
            except (OSError, ValueError) as exc:
                log.warning("%s: unreadable cache shard, starting it afresh (%s)", path, exc)
                self._shards[name] = {}
        return self._shards[name]

    def get(self, key: str, languages: tuple[str, ...] = ()) -> dict | None:
        """The cached brief; a damaged one (not an object, or missing a language) counts as absent."""
        value = self._shard(key).get(key)
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), dict) for lang in languages):
            return None
        return value

    def put(self, key: str, value: Any) -> None:
        self._shard(key)[key] = value
        self._dirty.add(key[:2])

    def save(self) -> None:
        for name in sorted(self._dirty):
            shard = self._shards[name]
            lines = [f"{json.dumps(k)}: {json.dumps(shard[k], ensure_ascii=False, sort_keys=True)}" for k in sorted(shard)]
            atomic_write(self.folder / f"{name}.json", "{\n" + ",\n".join(lines) + "\n}\n")
        self._dirty.clear()


def request_key(endpoint: Endpoint, prompt: prompts.Prompt, languages: tuple[str, ...], messages: list[dict]) -> str:
    """Model + prompt version and text + the exact request: the same key means the same question."""
    material = json.dumps([endpoint.model, prompt.version, prompt.digest, list(languages), messages],
                          ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()

