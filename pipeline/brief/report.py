"""What one run of the brief stage did."""

from __future__ import annotations

from dataclasses import dataclass, field

from .llm import Usage


@dataclass
class BriefReport:
    """What one run of the stage did; printed at the end and returned to callers."""

    mode: str  # "model", "batch" or "extractive"
    model: str = ""
    papers_seen: int = 0
    written: int = 0  # entries whose file changed
    done: int = 0
    cached: int = 0
    extractive: int = 0
    pending: int = 0  # left for a later run (budget, transient failure)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (paper id, why)
    usage: Usage = field(default_factory=Usage)  # direct calls
    batch_usage: Usage = field(default_factory=Usage)  # answers of a batch, billed at the batch discount
    cost: float | None = None
    digests: list[str] = field(default_factory=list)  # daily/weekly brief files written or confirmed
    dropped_refs: int = 0
    notes: list[str] = field(default_factory=list)
