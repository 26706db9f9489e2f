"""The benchmarks cannot rot: ``bench/run.py --quick`` runs every benchmark the installed extras allow
on small archives. Figures are not checked (they are not tests), only that each benchmark completes
and prints its rows."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_completes(tmp_path):
    out = tmp_path / "results.md"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--only",
            "pipeline,briefs,site,search,semantic,grounding",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "| pipeline | CPU per candidate paper" in text
    assert "| pipeline | peak RSS, the 200-candidate day's process" in text
    assert "| briefs |" in text
    assert "| site | output," in text
    assert "| search | one more day (+200 papers, generated)" in text
    assert "| grounding | planted errors caught, all kinds" in text
    assert "| grounding | correct briefs flagged, extractive" in text
    if importlib.util.find_spec("sentence_transformers"):
        assert "| semantic |" in text
