"""What a daily run needs of a radar's repository, for a partial clone with a sparse checkout.

The daily job clones without file contents (``git clone --filter=blob:none``) and checks out only
what a day touches: every file except ``content/papers/``, ``state/papers/`` and
``state/brief-cache/``, then the entry folders of the recent radar days and the index files of their
months (``patterns``; the key files ``state/keys/`` say where the recent days' entries are).  Git
fetches a file's contents when it is checked out, so the job's download and checkout follow the
day, not the archive.  An older entry the run needs after all (a new version of a paper of last
year) is checked out when it is asked for (``sparse_checkout``), before it is read, and its month's
index file with it (``sparse_files``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from ..errors import ArchiveError
from ..layout import Layout
from .index import Index, keys_dir, shard_name

RECENT_DAYS = 45  # radar days whose entries a run reads: the digests' weeks, and the rule preview's 14 days


def patterns(layout: Layout, day: date, recent_days: int = RECENT_DAYS, root: Path | None = None) -> list[str]:
    """The sparse-checkout patterns (non-cone) of a run on ``day``: everything but the archive's
    entries, its index and the brief cache, then the day folders of the entries that arrived in the
    last ``recent_days`` days (the key files list every entry's radar day), the index files of their
    months and of those days' months, and the brief cache's files of those days.  A month whose key
    file an earlier AcademicHub wrote (no radar days) has its index file checked out, and without any
    key file the whole index is: the run writes the key files again.  Paths are relative to the
    repository's ``root`` (default: the current folder).  The day's new entries go where they
    belong, checked out or not (``git add --sparse`` commits them)."""
    index = Index.load(layout.content, layout.index_dir, sparse=True)
    first = day - timedelta(days=recent_days)
    recent = index.around(first, day)
    folders = {"/".join(rel.split("/")[:-1]) for rel in recent}
    base = root or Path.cwd()
    content = layout.content.resolve().relative_to(base.resolve()).as_posix()
    state = layout.state.resolve().relative_to(base.resolve()).as_posix()
    months = sorted({f"{date.fromordinal(o):%Y-%m}" for o in range(first.toordinal(), day.toordinal() + 1)})
    needed = {shard_name(rel) for rel in recent} | set(months)
    needed |= index.outdated
    index_files = [f"/{state}/papers/{month}.json" for month in sorted(needed)]
    if layout.state.is_dir() and not any(keys_dir(layout.index_dir).glob("*.txt")):
        index_files = [f"/{state}/papers/"]  # no key files yet: the whole index
    return [
        "/*",
        f"!/{content}/papers/",
        f"!/{state}/papers/",
        f"!/{state}/brief-cache/",
        *index_files,
        *(f"/{content}/{folder}/" for folder in sorted(folders)),
        f"/{state}/brief-cache/*/??.json",  # an earlier AcademicHub's shards: read, never written
        *(f"/{state}/brief-cache/*/{month}-*.json" for month in months),
    ]


def check_out_day(layout: Layout, day: date, recent_days: int = RECENT_DAYS) -> list[str]:
    """Set the sparse checkout of the repository ``content/`` is in to what a run on ``day`` needs
    (git fetches the contents of what it checks out); the patterns set.  What is checked out may
    change the patterns (a ``git clone --sparse`` has no ``state/`` yet; an index file checked out
    lists more recent entries): they are set again until they stay the same."""
    root = _toplevel(layout.content if layout.content.is_dir() else layout.content.parent)
    if root is None:
        raise ArchiveError(f"{layout.content}: not in a git work tree, nothing to check out")
    chosen: list[str] = []
    for _ in range(4):
        again = patterns(layout, day, recent_days, root)
        if again == chosen:
            break
        chosen = again
        _git(["sparse-checkout", "set", "--no-cone", "--stdin"], root, "\n".join(chosen) + "\n")
    return chosen


def open_index(layout: Layout, checkout: Callable[[list[str]], None] | None) -> Index:
    """The index as a run reads it in this checkout: in a sparse one (``checkout``, from
    ``sparse_checkout``, makes entries left out present) a month's index file left out is checked out
    when a key, an entry or a count asks for it."""
    index = Index.load(
        layout.content, layout.index_dir, sparse=checkout is not None, check_out=sparse_files(layout.index_dir)
    )
    index.checkout = checkout
    return index


def _git(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=stdin, check=False)
    except OSError as exc:
        raise ArchiveError(f"{cwd}: cannot run git: {exc}") from exc
    if done.returncode:
        raise ArchiveError(f"{cwd}: git {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout


def _toplevel(folder: Path) -> Path | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def sparse_checkout(content: Path) -> Callable[[list[str]], None] | None:
    """When ``content`` is in a git work tree with a sparse checkout, a function that checks out the
    folders of entries (paths relative to ``content``) the checkout left out; otherwise None."""
    folder = content if content.is_dir() else content.parent
    root = _toplevel(folder)
    if root is None or not _sparse(root):
        return None
    prefix = content.resolve().relative_to(root.resolve()).as_posix()

    def check_out(rels: list[str]) -> None:
        folders = sorted({"/".join(rel.split("/")[:-1]) for rel in rels})
        _git(["sparse-checkout", "add", *(f"/{prefix}/{f}/" for f in folders)], root)

    return check_out


def sparse_files(folder: Path) -> Callable[[list[Path]], None] | None:
    """When ``folder`` is in a git work tree with a sparse checkout, a function that checks out files
    (the index files of months, ``state/papers/YYYY-MM.json``) the checkout left out; otherwise None."""
    root = _toplevel(folder if folder.is_dir() else folder.parent)
    if root is None or not _sparse(root):
        return None

    def check_out(paths: list[Path]) -> None:
        _git(
            ["sparse-checkout", "add", *(f"/{p.resolve().relative_to(root.resolve()).as_posix()}" for p in paths)], root
        )

    return check_out


def _sparse(root: Path) -> bool:
    done = subprocess.run(
        ["git", "config", "--bool", "core.sparseCheckout"], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() == "true"
