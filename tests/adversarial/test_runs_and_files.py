"""The run and its files: a full disk, two runs at once, file permissions, the demo from any folder.

Every case runs the real `academichub` command in a subprocess: on a real small file system
(a tmpfs, when the tests may mount one), under a real file size limit, with a real umask, and
as two processes racing for the same folder.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import fetch_args, read_entry, write_sources

ROOT = Path(__file__).resolve().parents[2]
FEED_A = "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml"
FEED_B = "arxiv_rss/rss-cs.CL-2026-04-27-3items.xml"
FETCH = fetch_args()


def cli(cwd: Path, *args: str, preexec_fn=None, background: bool = False):
    """The real command in a subprocess (``preexec_fn`` sets a limit or a umask in the child)."""
    command = [sys.executable, "-m", "pipeline.cli", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"}
    if background:
        return subprocess.Popen(
            command, cwd=cwd, env=env, preexec_fn=preexec_fn, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    return subprocess.run(command, cwd=cwd, env=env, preexec_fn=preexec_fn, text=True, capture_output=True, timeout=300)


def two_feeds(feed_server, tmp_path: Path, http: dict | None = None, **route) -> None:
    """Two arXiv sources of three papers each, every one kept by the fixture rules."""
    feed_server.add("/a", FEED_A, etag=True, **route)
    feed_server.add("/b", FEED_B, etag=True, **route)
    write_sources(
        tmp_path,
        [
            {"id": "a", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/a"},
            {"id": "b", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/b"},
        ],
        **(http or {}),
    )


def entries(content: Path) -> list[Path]:
    return sorted((content / "papers").rglob("*.md")) if (content / "papers").exists() else []


def runs(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "state/runs.jsonl").read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_fs(tmp_path):
    """Mount a 1 MiB tmpfs (needs root, as CI runs); yields a function that fills it to ``room`` bytes free."""
    mounted: list[Path] = []

    def mount(path: Path, room: int) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(path)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(path)
        fs = os.statvfs(path)
        (path / "filler").write_bytes(b"\0" * (fs.f_bavail * fs.f_frsize - room))
        return path

    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)


def assert_whole(content: Path) -> None:
    """Every entry on disk is complete, and no temporary file is left."""
    for path in entries(content):
        assert read_entry(path)["record"]["id"]
    assert not list(content.rglob(".*.tmp"))


def test_content_on_a_nearly_full_file_system(feed_server, tmp_path, small_fs, case):
    content = small_fs(tmp_path / "content", room=12 * 1024)
    two_feeds(feed_server, tmp_path)
    result = cli(tmp_path, *FETCH)
    written = entries(content)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert 0 < len(written) < 6
    message = " ".join(result.stderr.split())
    assert "content/papers/2026/04/27: No space left on device" in message, message
    assert f"{len(written)} of 6 entries written" in message and f"not written: {6 - len(written)} entries" in message
    assert "The run record is in state/runs.jsonl" in message
    assert_whole(content)
    last = runs(tmp_path)[-1]
    assert last["ok"] is False and "No space left on device" in last["failure"]
    assert sum(s["new"] for s in last["sources"]) == len(written)
    # nothing is lost: with room again, the same day writes the rest (the feeds are downloaded again)
    (content / "filler").unlink()
    again = cli(tmp_path, *FETCH)
    assert again.returncode == 0, again.stderr
    assert len(entries(content)) == 6 and runs(tmp_path)[-1]["ok"] is True
    case(
        "files",
        "content/ on a file system with 12 KB free (a real tmpfs)",
        "one message naming the folder and what was written; exit ≠ 0; run record kept; nothing lost",
        f"exit 1: '{len(written)} of 6 entries written; not written: …'; record says why; the next run writes the rest",
    )


def test_state_and_content_on_a_full_file_system(feed_server, tmp_path, small_fs, case):
    small_fs(tmp_path / "disk", room=0)
    two_feeds(feed_server, tmp_path)
    result = cli(tmp_path, *FETCH[:-6], "--content", "disk/content", "--state", "disk/state", "--date", "2026-04-27")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    message = " ".join(result.stderr.split())
    assert "No space left on device" in message and "0 of 6 entries written" in message, message
    assert "The run record could not be written either" in message
    case(
        "files",
        "content/ and state/ on a file system with no room at all",
        "one message; exit ≠ 0; no traceback",
        "exit 1: '0 of 6 entries written …; the run record could not be written either'",
    )


def test_a_file_size_limit(feed_server, tmp_path, case):
    two_feeds(feed_server, tmp_path)
    limit = 4096  # ulimit -f: every write past 4 KB fails with EFBIG

    result = cli(tmp_path, *FETCH, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    message = " ".join(result.stderr.split())
    assert "File too large" in message and "entries written" in message, message
    assert_whole(tmp_path / "content")
    assert all(p.stat().st_size <= limit for p in (tmp_path / "content").rglob("*") if p.is_file())
    assert runs(tmp_path)[-1]["ok"] is False
    case(
        "files",
        "a file size limit of 4 KB (ulimit -f)",
        "a clear message, exit ≠ 0, no half file",
        "exit 1: 'File too large' with what was and was not written",
    )


# ---------------------------------------------------------------- two runs at once


def until(condition, process: subprocess.Popen) -> None:
    """Wait for ``condition`` (checked every 20 ms), failing if ``process`` ends first or after 120 s."""
    deadline = time.monotonic() + 120
    while not condition():
        assert process.poll() is None, f"the process ended first: {process.communicate()}"
        assert time.monotonic() < deadline, "the condition never came"
        time.sleep(0.02)


def test_two_runs_at_once_take_turns(feed_server, tmp_path, case):
    """Ordered by signals, not by time: the first run is held inside its fetch (the server answers
    once the test says so) until the second has said it waits and the third has given up."""
    answer = threading.Event()
    two_feeds(feed_server, tmp_path, {"read_timeout": 300, "total_timeout": 300}, hold=answer)
    lock = tmp_path / "state/.lock"
    first = cli(tmp_path, *FETCH, background=True)
    try:
        until(lambda: feed_server.requests_to("/a"), first)  # inside its fetch, so holding the lock
        assert lock.read_text().startswith(f"pid {first.pid}, `academichub fetch`")
        waiting = tmp_path / "second.err"
        with waiting.open("w") as err:
            second = subprocess.Popen(
                [sys.executable, "-m", "pipeline.cli", *FETCH],
                cwd=tmp_path,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"},
                stdout=subprocess.PIPE,
                stderr=err,
            )
        until(lambda: "waiting for it to finish" in waiting.read_text(encoding="utf-8"), second)
        impatient = cli(tmp_path, *FETCH, "--lock-timeout", "0")
    finally:
        answer.set()
    out_first = first.communicate(timeout=120)
    second.communicate(timeout=120)
    out_second = ("", waiting.read_text(encoding="utf-8"))
    assert first.returncode == 0 and second.returncode == 0, (out_first, out_second)
    assert impatient.returncode == 75
    assert f"another AcademicHub run is using this folder (pid {first.pid}, `academichub fetch`" in impatient.stderr
    assert "gave up waiting after 0 s" in impatient.stderr
    said = out_second[1]
    assert f"(pid {first.pid}, `academichub fetch`, since" in said and "waiting for it to finish" in said
    records = runs(tmp_path)
    assert len(records) == 2 and [sum(s["new"] for s in r["sources"]) for r in records] == [6, 0]
    assert len(entries(tmp_path / "content")) == 6 and not lock.exists()
    case(
        "runs",
        "a second and a third fetch start while one is running on the same folder",
        "one at a time; both records kept; a clear message",
        "the second waits ('another AcademicHub run is using this folder (pid …)'), --lock-timeout 0 exits 75; "
        "2 records",
    )


def test_run_records_are_appended_not_rewritten(feed_server, tmp_path, case):
    two_feeds(feed_server, tmp_path)
    state = tmp_path / "state"
    state.mkdir()
    earlier = '{"date": "2026-04-26", "ok": true, "sources": []}\n{"date": "2026-04-27", "ok": tr'  # cut by a kill
    (state / "runs.jsonl").write_text(earlier, encoding="utf-8")
    inode = (state / "runs.jsonl").stat().st_ino
    assert cli(tmp_path, *FETCH).returncode == 0
    text = (state / "runs.jsonl").read_text(encoding="utf-8")
    assert text.startswith(earlier + "\n") and (state / "runs.jsonl").stat().st_ino == inode
    assert json.loads(text.splitlines()[-1])["date"] == "2026-04-27"
    case(
        "runs",
        "state/runs.jsonl ending in half a line (a run killed while writing)",
        "the new record appended on its own line, the file never rewritten",
        "earlier bytes kept as they were, same file, new record readable",
    )


def test_a_temporary_file_of_a_running_write_is_left_alone(tmp_path, case):
    from pipeline.files import STALE_AFTER, remove_stale_temp_files

    folder = tmp_path / "content/papers/2026/04/27"
    folder.mkdir(parents=True)
    fresh, old = folder / ".a.md.1234abcd.tmp", folder / ".b.md.5678ef01.tmp"
    fresh.write_text("being written")
    old.write_text("left by a killed run")
    os.utime(old, (time.time() - STALE_AFTER - 60,) * 2)
    assert remove_stale_temp_files(tmp_path / "content", run_holds_lock=False) == 1
    assert fresh.exists() and not old.exists()
    assert remove_stale_temp_files(tmp_path / "content", run_holds_lock=True) == 1 and not fresh.exists()
    case(
        "runs",
        "a fresh temporary file beside an entry, while another run may be writing",
        "only temporary files older than an hour, or all under the state lock, are removed",
        "the fresh one kept, the old one removed",
    )


def test_a_programming_error_is_named_in_the_run_record(feed_server, tmp_path, case):
    two_feeds(feed_server, tmp_path)
    # the real command, with a bug planted in the arXiv RSS parser's author splitting
    bug = (
        "import sys, pipeline.fetch.sources.arxiv_rss as m; m.split_authors = lambda text: text.strip(None, 1); "
        "from pipeline.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", bug, *FETCH],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"},
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    error = runs(tmp_path)[-1]["sources"][0]["errors"][0]
    assert error.startswith("unexpected TypeError at pipeline/fetch/sources/arxiv_rss.py:"), error
    assert " in _read_item: strip expected at most 1 argument, got 2" in error
    assert error in " ".join(done.stderr.split())
    case(
        "runs",
        "a programming error in a parser (a TypeError planted in the arXiv RSS author splitting)",
        "the source fails, the run record names the error's class, file:line, function and message; no traceback",
        "'unexpected TypeError at pipeline/fetch/sources/arxiv_rss.py:… in _item: …' in the record and on screen",
    )


# ---------------------------------------------------------------- permissions


def modes(root: Path) -> set[int]:
    return {stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_file() and not p.name.endswith(".sh")}


@pytest.mark.parametrize("umask,expected", [(0o022, 0o644), (0o027, 0o640)], ids=["umask-022", "umask-027"])
def test_written_files_follow_the_umask(feed_server, tmp_path, umask, expected, case):
    two_feeds(feed_server, tmp_path)
    set_umask = lambda: os.umask(umask)  # noqa: E731
    assert cli(tmp_path, *FETCH, preexec_fn=set_umask).returncode == 0
    assert modes(tmp_path / "content") == {expected} and modes(tmp_path / "state") == {expected}
    site = tmp_path / "site"
    done = cli(
        tmp_path,
        "init",
        str(site),
        "--no-input",
        "--topics",
        "llm-agents",
        "--package",
        "academichub==0.1.0",
        preexec_fn=set_umask,
    )
    assert done.returncode == 0, done.stderr
    assert modes(site) == {expected}
    case(
        "files",
        f"entries, state/ and `academichub init` under umask {umask:03o}",
        f"files {expected:04o}, as any program writes them",
        f"every file {expected:04o}",
    )


# ---------------------------------------------------------------- the demo anywhere


def test_demo_runs_from_an_empty_folder(tmp_path, case):
    empty = tmp_path / "anywhere"
    empty.mkdir()
    done = cli(empty, "demo")
    assert done.returncode == 0, done.stderr
    assert (empty / "demo/output/index.html").is_file()
    assert len(entries(empty / "demo/content")) >= 20
    case(
        "commands",
        "`academichub demo` in an empty folder (no rules/, no pelicanconf.py)",
        "the demo runs on the rules and settings the package ships",
        "exit 0; entries and a website in demo/",
    )
