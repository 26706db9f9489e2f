"""Versioned prompts: ``<kind>-v<N>.txt`` in this folder; the newest version of a kind is used.

Changing a prompt's text changes its digest, and so the cache key of every
brief it writes: a reworded prompt is never answered from stale cache entries.
Publishing a new version (a new file) keeps the old one readable for comparison.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Prompt:
    kind: str  # paper, daily, topic, weekly
    version: str  # e.g. "paper-v1": written into every brief it produced
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def system(self, languages: tuple[str, ...]) -> str:
        return self.text.strip().replace("{languages}", ", ".join(languages))


@cache
def load(kind: str) -> Prompt:
    """The newest prompt of ``kind``."""
    folder = resources.files(__name__)
    found = []
    for item in folder.iterdir():
        match = re.fullmatch(rf"({re.escape(kind)})-v(\d+)\.txt", item.name)
        if match:
            found.append((int(match.group(2)), item))
    if not found:
        raise LookupError(f"no prompt named {kind}-v<N>.txt in {folder}")
    number, item = max(found, key=lambda pair: pair[0])
    return Prompt(kind, f"{kind}-v{number}", item.read_text(encoding="utf-8"))
