"""Writing files: atomic writes for the archive and state (a temporary file renamed into place, skipped
when the bytes would not change), the stale temporary files a killed run leaves, and the site's plain
write-if-changed for rebuilt output."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from .errors import WriteError

TEMP_SUFFIX = ".tmp"


STALE_AFTER = 3600  # seconds: a temporary file this old belongs to no running write


def atomic_write(path: Path, text: str | bytes) -> bool:
    """Write ``text`` to ``path`` via a temp file and rename; False if the file already had it.

    The file gets the permissions ``open()`` gives a new file (0666 less the umask: 0644 under
    umask 022).  A failed write raises ``WriteError`` naming the file and leaves the old file whole;
    so does text UTF-8 cannot hold (a lone surrogate that reached it uncleaned).
    """
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError as exc:
        raise WriteError(path, f"text that is not valid Unicode ({exc.reason}, character {exc.start})") from exc
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temp(path)
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteError(path, exc.strerror or str(exc)) from exc
        raise
    return True


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path`` (``.<name>.<random>.tmp``), created as ``open()`` creates files."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue


def remove_stale_temp_files(root: Path, run_holds_lock: bool) -> int:
    """Delete temporary files a killed run left behind (the entries themselves are never half-written).

    A temporary file lives for one write.  When this run holds the state lock no other run can be
    writing, so every one is left over; otherwise only those older than ``STALE_AFTER`` seconds are.
    """
    removed = 0
    cutoff = time.time() - (0 if run_holds_lock else STALE_AFTER)
    for tmp in root.rglob(f".*{TEMP_SUFFIX}") if root.exists() else ():
        try:
            if tmp.stat().st_mtime <= cutoff:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:  # its run finished the write meanwhile
            continue
    return removed


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file unless it already holds exactly ``data`` (rebuilds into an existing folder touch
    only what changed, which also keeps file dates meaningful for rsync-style deploys)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
