"""A radar made by `academichub init`, with the demo's captured feeds fetched and briefed (extractive)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sample_site import fetch_samples

ROOT = Path(__file__).resolve().parents[2]


def cli(
    *args: str, cwd: Path, env: dict | None = None, pythonpath: Path = ROOT, timeout: float = 300
) -> subprocess.CompletedProcess:
    """The real `academichub` in a subprocess, from ``pythonpath``'s package."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(pythonpath), "COLUMNS": "160", **(env or {})},
        timeout=timeout,
    )


def make_radar(folder: Path, *init: str) -> Path:
    """`academichub init folder *init`, then the samples fetched and briefed: a radar with a day of papers."""
    done = cli("init", str(folder), "--no-input", "--package", "academichub==0.1.0", *init, cwd=folder.parent)
    assert done.returncode == 0, done.stderr

    def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return cli(*args, cwd=cwd)

    fetch_samples(run_cli, folder, folder / "rules")
    briefed = cli("brief", "--extractive", cwd=folder)
    assert briefed.returncode == 0, briefed.stderr
    return folder
