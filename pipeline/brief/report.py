"""What one run of the brief stage did."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from .llm import Usage


class BriefMode(StrEnum):
    """How a run of the stage wrote its briefs."""

    MODEL = "model"  # a request per paper
    BATCH = "batch"  # the Batch API
    EXTRACTIVE = "extractive"  # no model: quoted from the abstracts


@dataclass
class BriefReport:
    """What one run of the stage did; printed at the end and returned to callers."""

    mode: BriefMode
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
    grounded: int = 0  # model briefs whose claims their sources give
    unverified: int = 0  # kept, labelled "unverified"
    replaced: int = 0  # replaced by the extractive brief
    regrounded: int = 0  # grounded on the second try, with the failures named
    failures: Counter = field(default_factory=Counter)  # failures by kind, of the briefs not grounded in the end
    notes: list[str] = field(default_factory=list)

    def checked(self, grounding, *, kept: bool) -> None:
        """Count one model brief's grounding: grounded, or kept unverified, or replaced."""
        if grounding.grounded:
            self.grounded += 1
            return
        self.failures.update(grounding.by_kind())
        if kept:
            self.unverified += 1
        else:
            self.replaced += 1

    def grounding(self) -> dict:
        """The run's grounding figures as the state and the status page keep them."""
        checked = self.grounded + self.unverified + self.replaced
        return {
            "checked": checked,
            "grounded": self.grounded,
            "unverified": self.unverified,
            "replaced": self.replaced,
            "regrounded": self.regrounded,
            "share_grounded": round(self.grounded / checked, 4) if checked else None,
            "failures": dict(sorted(self.failures.items())),
        }
