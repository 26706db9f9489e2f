"""Every path under ``content/`` (the archive the pipeline writes and Pelican reads) and ``state/``
(what the pipeline keeps between runs): one place that names them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """Where a project keeps its generated content and its pipeline state."""

    content: Path = Path("content")
    state: Path = Path("state")

    # ---- content/: the archive
    @property
    def papers(self) -> Path:
        """One Markdown entry a paper: ``papers/YYYY/MM/DD/<slug>.md`` by the day it arrived."""
        return self.content / "papers"

    def entry_files(self) -> Iterator[Path]:
        """Every paper entry, in path order (so by day, then slug)."""
        return iter(sorted(self.papers.rglob("*.md"))) if self.papers.is_dir() else iter(())

    @property
    def briefs(self) -> Path:
        return self.content / "briefs"

    def daily_brief(self, day: date) -> Path:
        return self.briefs / f"{day.isoformat()}.md"

    def weekly_brief(self, name: str) -> Path:
        """``name`` is the ISO week, ``2026-W14``."""
        return self.briefs / "weekly" / f"{name}.md"

    # ---- state/: kept between runs
    @property
    def index_file(self) -> Path:
        return self.state / "papers.json"

    @property
    def http_cache(self) -> Path:
        return self.state / "http-cache.json"

    @property
    def runs_file(self) -> Path:
        return self.state / "runs.jsonl"

    @property
    def deploys_file(self) -> Path:
        return self.state / "deploys.jsonl"

    @property
    def briefs_file(self) -> Path:
        """One line per brief run that checked model briefs: how many were grounded, failures by kind."""
        return self.state / "briefs.jsonl"

    @property
    def notify_file(self) -> Path:
        return self.state / "notify.json"

    @property
    def candidates(self) -> Path:
        """Every paper the sources offered, kept or not, for rule previews (a re-creatable cache)."""
        return self.state / "candidates"

    @property
    def brief_cache(self) -> Path:
        return self.state / "brief-cache"

    @property
    def brief_batch(self) -> Path:
        return self.state / "brief-batch.json"

    @property
    def embeddings(self) -> Path:
        return self.state / "embeddings"

    @property
    def lock_file(self) -> Path:
        """Held while a run works on ``state/``."""
        return self.state / ".lock"
