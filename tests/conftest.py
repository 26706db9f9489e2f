from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption(
        "--write-robustness",
        action="store_true",
        help="after a full run of tests/adversarial, write docs/robustness.md from its cases",
    )


@pytest.fixture
def feed_server():
    with FeedServer() as server:
        yield server


@pytest.fixture
def run_cli(tmp_path):
    """Run the real `academichub` command in a subprocess; returns CompletedProcess."""

    def run(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
        return subprocess.run(
            [sys.executable, "-m", "pipeline.cli", *args],
            cwd=cwd or tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160", **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
