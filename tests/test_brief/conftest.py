"""The brief stage's tests share the demo's entries (made once) and a model server on 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

import fake_openai
import pytest

from pipeline.layout import Layout

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def demo_tree(tmp_path_factory):
    """29 entries written by `academichub demo` from the bundled real feeds (made once per test session)."""
    from pipeline.config import load_rules
    from pipeline.fetch.job import run_fetch
    from pipeline.project.demo import DEMO_DAY, demo_sources, serve_samples

    out = tmp_path_factory.mktemp("demo")
    with serve_samples() as base:
        run_fetch(demo_sources(base), load_rules(ROOT / "rules"), Layout(out / "content", out / "state"), DEMO_DAY)
    return out


@pytest.fixture
def site(demo_tree, tmp_path):
    shutil.copytree(demo_tree, tmp_path / "site")
    return Layout(tmp_path / "site" / "content", tmp_path / "site" / "state")


@pytest.fixture
def fake():
    with fake_openai.serve() as server:
        yield server
