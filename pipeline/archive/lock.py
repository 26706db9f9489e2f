"""One run at a time per state folder: an exclusive lock on ``state/.lock``.

The commands that write entries or state (fetch, brief, embed, run, demo) hold the lock
for as long as they run, so a cron run and a manual one never interleave their writes.
A second run waits for the first and says so (pid, command and start of the run that holds
it); with a timeout it gives up instead, with the same message.

The lock is the operating system's lock on the file, taken through ``filelock`` (``flock`` on
POSIX, ``LockFileEx`` on Windows): the system releases it when the holder exits, however it
exits, so a killed run never leaves a lock behind.  The holder removes the file when done
(a run that finds it locked, then removed, locks the new one), so ``state/`` holds no lock
file between runs (Windows refuses to remove an open file: there it stays, unlocked).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import lock_descriptor, unlock_descriptor

from ..errors import LockBusy, WriteError
from ..layout import Layout

POLL_SECONDS = 0.2
_held: set[Path] = set()  # state folders this process holds the lock of


def held(state: Path) -> bool:
    """True while this process holds the lock of ``state``."""
    return state.resolve() in _held


@contextmanager
def hold(
    state: Path, command: str, timeout: float | None = None, on_wait: Callable[[str], None] = lambda _: None
) -> Iterator[None]:
    """Hold the lock of ``state`` for the ``with`` block; wait for it (at most ``timeout`` seconds)."""
    key = state.resolve()
    if key in _held:  # already held by this process: the outer holder releases it
        yield
        return
    state.mkdir(parents=True, exist_ok=True)
    path = Layout(state=state).lock_file
    try:
        fd = _acquire(path, timeout, on_wait)
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc)) from exc
    try:
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:  # who holds it, for the message a waiting run shows (a full disk may refuse even this)
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}, `{command}`, since {started}\n".encode())
        except OSError:
            pass
        _held.add(key)
        yield
    finally:
        _held.discard(key)
        try:  # while still locked: a waiter then finds the file gone and retries
            path.unlink(missing_ok=True)
        except PermissionError:  # Windows: an open file cannot be removed
            pass
        unlock_descriptor(fd)
        os.close(fd)


def _acquire(path: Path, timeout: float | None, on_wait: Callable[[str], None]) -> int:
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if not lock_descriptor(fd, blocking=False):
            holder = _holder(path)
            if not told:
                on_wait(
                    f"{path.parent}: another AcademicHub run is using this folder ({holder}); waiting for it to finish"
                )
                told = True
            if deadline is not None and time.monotonic() >= deadline:
                os.close(fd)
                raise LockBusy(path, holder, timeout) from None
            if deadline is None:
                lock_descriptor(fd, poll_interval=POLL_SECONDS)
            else:
                os.close(fd)
                time.sleep(POLL_SECONDS)
                continue
        if _is_current(fd, path):
            return fd
        os.close(fd)  # locked a file the previous holder had already removed: lock the new one


def _is_current(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "starting"
