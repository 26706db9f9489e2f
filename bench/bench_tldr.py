"""The extractive TL;DR against the lead-sentence baseline on SciTLDR (Allen AI).

    git clone https://github.com/allenai/scitldr /tmp/scitldr
    python bench/bench_tldr.py --scitldr /tmp/scitldr              # the test set (617 papers, ~1 min)
    python bench/bench_tldr.py --scitldr /tmp/scitldr --split dev  # the set the cue words were chosen on

Each paper's title and abstract go through the extractive brief (``pipeline/brief/extractive.py``); its
TL;DR is scored with Google's ``rouge-score`` (ROUGE-1/2/L F1, Porter stemming) against every human
TL;DR of the paper, keeping the reference with the best ROUGE-1 as SciTLDR's own evaluation does. The
lead-1 baseline is the abstract's first sentence. 95 % bootstrap intervals resample the papers; the
difference is paired (the same resample for both).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scitldr import SPLITS, Record, interval, read, show

from pipeline.brief.extractive import extractive_brief, sentences
from pipeline.models import Paper

MEASURES = ("rouge1", "rouge2", "rougeL")


def scores(summary: str, references: tuple[str, ...], scorer: rouge_scorer.RougeScorer) -> dict[str, float]:
    """ROUGE F1 against the reference with the best ROUGE-1 (SciTLDR's multi-target score)."""
    best = max((scorer.score(ref, summary) for ref in references), key=lambda s: s["rouge1"].fmeasure)
    return {m: best[m].fmeasure for m in MEASURES}


def tldrs(record: Record) -> dict[str, str]:
    paper = Paper(
        id=f"scitldr:{record.paper_id}",
        title=record.title,
        source="scitldr",
        source_label="SciTLDR",
        abstract=record.abstract,
    )
    return {
        "lead-1": (sentences(record.abstract) or [record.title])[0],
        "extractive": extractive_brief(paper)["en"]["tldr"],
    }


def run(records: list[Record]) -> dict[str, dict[str, list[float]]]:
    """Per-paper scores: {system: {measure: [score of each paper]}}."""
    scorer = rouge_scorer.RougeScorer(list(MEASURES), use_stemmer=True)
    out: dict[str, dict[str, list[float]]] = {}
    for record in records:
        for system, summary in tldrs(record).items():
            for measure, value in scores(summary, record.tldrs, scorer).items():
                out.setdefault(system, {}).setdefault(measure, []).append(value)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scitldr", type=Path, required=True, help="a clone of github.com/allenai/scitldr")
    parser.add_argument("--split", choices=SPLITS, default="test")
    args = parser.parse_args(argv)
    records = read(args.scitldr, args.split)
    result = run(records)
    print(
        f"SciTLDR-A {args.split}: {len(records)} papers; ROUGE F1 × 100, max over references, 95 % bootstrap intervals"
    )
    for system, by_measure in result.items():
        print(f"{system:<12} " + "  ".join(f"{m} {show(interval(v))}" for m, v in by_measure.items()))
    for measure in MEASURES:
        gain = [a - b for a, b in zip(result["extractive"][measure], result["lead-1"][measure])]
        print(f"gain over lead-1, {measure}: {show(interval(gain))}")
    changed = sum(a != b for a, b in (tuple(tldrs(r).values()) for r in records))
    print(f"papers whose TL;DR is not the lead sentence: {changed} of {len(records)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
