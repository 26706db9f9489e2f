"""The site benchmark's profile: bench/bench_site.py --profile on a small ready-made archive writes a
report per measured build and leaves the archive as it was (figures are not checked)."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyinstrument") is None, reason="the bench extra (pyinstrument) is not installed"
)

BUILDS = ("full", "unchanged", "daily", "daily-empty-output")


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_profile_of_each_build(tmp_path):
    from bench_site import papers, write

    archive, next_day = tmp_path / "archive", tmp_path / "next-day"
    write(archive / "content", papers(24, 3, datetime(2026, 3, 1, tzinfo=UTC)))
    (archive / "state").mkdir()
    write(next_day, papers(5, 1, datetime(2026, 3, 4, tzinfo=UTC), seed=3, first=24))
    before = _fingerprint(archive)
    profiles, work = tmp_path / "profiles", tmp_path / "work"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_site.py"),
            "--archive",
            str(archive),
            "--next-day",
            str(next_day),
            "--daily",
            "4",
            "--profile",
            str(profiles),
            "--keep",
            str(work),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "archive: 24 entries" in out
    for label in (
        "full build (cold cache):",
        "rebuild, nothing changed:",
        "daily rebuild (+5 papers):",
        "daily rebuild, empty output (+4):",
    ):
        assert f"\n{label}" in out or out.startswith(label), out
    assert out.count("functions by own time:") == len(BUILDS)
    assert ", search " not in out  # profiled builds leave the search index (Pagefind's own processes) out
    for name in BUILDS:
        text = (profiles / f"{name}.txt").read_text(encoding="utf-8")
        assert "build  pipeline/site/build.py" in text  # the call tree starts at the site build
        own = text.split("Functions by own time (excluding what they call):\n", 1)[1].split("\n\n", 1)[0]
        assert own.splitlines() and all(" s " in row and "%" in row for row in own.splitlines())
        assert "run  pelican/__init__.py" in text.split("Functions by total time (including what they call):\n", 1)[1]
        assert (profiles / f"{name}.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
        assert (profiles / f"{name}.pyisession").stat().st_size > 0
    # the next day was copied where the pipeline keeps it; the archive itself is untouched
    assert len(list((work / "content" / "papers" / "2026" / "03" / "04").glob("*.md"))) == 5
    assert _fingerprint(archive) == before


def test_top_functions_finds_the_busy_one():
    from bench_site import top_functions
    from pyinstrument import Profiler

    def busy_loop():
        end = time.perf_counter() + 0.4
        while time.perf_counter() < end:
            pass

    profiler = Profiler(interval=0.001)
    profiler.start()
    busy_loop()
    session = profiler.stop()
    # own time: the loop itself and the clock it reads; total time: the loop, named by its definition
    own = {function: seconds for seconds, function, _ in top_functions(session, "own", 10)}
    assert own.get("busy_loop", 0) + own.get("perf_counter", 0) > 0.3
    total = {function: (seconds, where) for seconds, function, where in top_functions(session, "total", 10)}
    seconds, where = total["busy_loop"]
    assert seconds > 0.3 and where.endswith(f"test_bench_profile.py:{busy_loop.__code__.co_firstlineno}")
