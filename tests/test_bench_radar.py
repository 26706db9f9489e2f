"""bench/bench_radar.py cannot rot: it runs on a small corpus of arXiv days in its own format (made here, with
vectors given in its cache so no model is needed) and prints every row of its tables. Figures are not checked."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "robot grasping policy manipulation image segmentation language translation auction equilibrium "
    "mechanism diffusion retrieval benchmark dataset vision speech graph agent reward planning"
).split()
FIELDS = (["cs.RO"], ["cs.CV", "cs.RO"], ["cs.CV"], ["cs.CL"], ["cs.GT"], ["cs.CL", "cs.IR"], ["cs.AI", "cs.MA"])


def test_the_radar_benchmark_runs_on_a_small_corpus(tmp_path):
    rng = random.Random(3)
    ids = []
    for day in range(14):
        stamp = date(2026, 6, 1) + timedelta(days=day)
        lines = []
        for n in range(160):
            categories = FIELDS[n % len(FIELDS)]
            topic = WORDS[(n % len(FIELDS)) * 2 : (n % len(FIELDS)) * 2 + 3]
            text = " ".join(rng.choice(topic + WORDS) for _ in range(40))
            paper_id = f"2606.{day:02d}{n:03d}"
            ids.append(f"arxiv:{paper_id}")
            lines.append(
                json.dumps(
                    {
                        "id": paper_id,
                        "categories": categories,
                        "authors": ["A. Author"],
                        "title": " ".join(topic).title(),
                        "summary": text,
                    }
                )
            )
        (tmp_path / f"{stamp}.jsonl").write_text("\n".join(lines) + "\n{broken line\n", encoding="utf-8")
    rows = np.random.default_rng(1).normal(size=(len(ids), 384)).astype(np.float32)
    np.savez(tmp_path / "minilm.npz", ids=np.array(ids), rows=rows / np.linalg.norm(rows, axis=1, keepdims=True))
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_radar.py"),
            "--corpus",
            str(tmp_path),
            "--readers",
            "4",
            "--days",
            "1",
            "--window",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for row in (
        'the "for you" list as shown',
        "without the 👎 ratings",
        "hashed words",
        "ranked by matches",
        "zotero-arxiv-daily",
        "arxiv-sanity-lite",
        "from an imported library",
        "| broad |",
    ):
        assert row in result.stdout, row
    assert "lists in Node" in result.stderr
