"""SciTLDR (Allen AI, https://github.com/allenai/scitldr): papers' titles and abstracts with their
human TL;DRs, read from a clone of its repository; and bootstrap intervals for the figures measured on it.

The data is not bundled (its repository is under Apache-2.0, see its ``LICENSE``): ``git clone
https://github.com/allenai/scitldr`` and pass the clone's folder as ``--scitldr DIR``; the benchmarks read
``SciTLDR-Data/SciTLDR-A/{dev,test}.jsonl`` (abstracts with the authors' TL;DR first, then the TL;DRs
derived from peer reviews).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Record:
    """One paper of SciTLDR-A."""

    paper_id: str
    title: str
    abstract: str
    tldrs: tuple[str, ...]  # the authors' first, then the reviewers'


def read(folder: Path, split: str) -> list[Record]:
    """The records of one split of SciTLDR-A in a clone of its repository."""
    path = Path(folder) / "SciTLDR-Data" / "SciTLDR-A" / f"{split}.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path} not found: clone https://github.com/allenai/scitldr and pass its folder as --scitldr")
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            records.append(
                Record(
                    row["paper_id"],
                    row.get("title", ""),
                    " ".join(s.strip() for s in row["source"]),
                    tuple(t.strip() for t in row["target"] if t.strip()),
                )
            )
    return records


def interval(
    values: Sequence[float],
    statistic: Callable[[Sequence[float]], float] | None = None,
    draws: int = 2000,
    seed: int = 34,
) -> tuple[float, float, float]:
    """The statistic (the mean unless given) of ``values`` and its 95 % percentile-bootstrap interval,
    resampling the items (papers) with replacement."""
    statistic = statistic or (lambda xs: sum(xs) / len(xs))
    if not values:
        return float("nan"), float("nan"), float("nan")
    rng = random.Random(seed)
    n = len(values)
    stats = sorted(statistic([values[rng.randrange(n)] for _ in range(n)]) for _ in range(draws))
    return statistic(values), stats[int(0.025 * draws)], stats[int(0.975 * draws) - 1]


def show(value: tuple[float, float, float], scale: float = 100, digits: int = 1) -> str:
    """``31.3 [30.1, 32.5]``: a figure with its interval, as percentages unless ``scale`` says otherwise."""
    mid, low, high = (v * scale for v in value)
    return f"{mid:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"
