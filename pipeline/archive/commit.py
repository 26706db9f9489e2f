"""``academichub commit``: what a day's run changed in ``content/`` and ``state/``, committed and pushed.

Only those two folders are ever staged, never the cache ``state/candidates/``; when nothing in them
changed, no commit is made and nothing is pushed. In a sparse checkout a new entry may go to a
folder the checkout left out: ``git add --sparse`` stages it, and the entries left out are not on
disk and stay as they are (git never reads them as deleted). A push that another push overtook is
rebased and tried again. The workflows run it with the job's token (``GITHUB_TOKEN``, given as an
HTTP header, never on a command line) and read ``changed`` and ``sha`` from ``GITHUB_OUTPUT``.
"""

from __future__ import annotations

import base64
import os
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ArchiveError
from ..layout import Layout
from .checkout import _git, _toplevel

BOT = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
PUSH_ATTEMPTS = 3


@dataclass(frozen=True)
class Committed:
    changed: bool
    sha: str
    new_papers: int = 0
    branch: str = ""


def auth_header(token: str) -> str:
    """The HTTP basic credential git pushes with: the job's token, never written to the clone's config."""
    return base64.b64encode(f"x-access-token:{token}".encode()).decode()


def commit_day(
    layout: Layout,
    day: date,
    remote: str = "origin",
    branch: str | None = None,
    token: str | None = None,
    say=lambda _: None,
) -> Committed:
    """Commit and push what changed in ``layout``'s content and state folders (see the module)."""
    root = _toplevel(layout.content if layout.content.is_dir() else layout.content.parent)
    if root is None:
        raise ArchiveError(f"{layout.content}: not in a git work tree, nothing to commit")
    paths = [_relative(folder, root) for folder in (layout.content, layout.state) if folder.exists()]
    if paths:  # the candidates are a cache (actions/cache keeps them), not history
        paths.append(f":(exclude){_relative(layout.candidates, root)}")
        _git(["add", "--all", "--sparse", "--", *paths], root)
    if not paths or _run(["diff", "--cached", "--quiet", "--", *paths], root).returncode == 0:
        say("Nothing changed in content/ or state/: no commit.")
        return Committed(False, _git(["rev-parse", "HEAD"], root).strip())
    papers = _relative(layout.content / "papers", root)
    new = len(_git(["diff", "--cached", "--name-only", "--diff-filter=A", "--", papers], root).split())
    identity = {
        "GIT_AUTHOR_NAME": BOT,
        "GIT_COMMITTER_NAME": BOT,
        "GIT_AUTHOR_EMAIL": BOT_EMAIL,
        "GIT_COMMITTER_EMAIL": BOT_EMAIL,
    }
    done = _run(
        ["commit", "--quiet", "-m", f"Daily update for {day.isoformat()}: {new} new papers", "--", *paths],
        root,
        identity,
    )
    if done.returncode:
        raise ArchiveError(f"{root}: git commit failed: {done.stderr.strip()}")
    branch = branch or _git(["rev-parse", "--abbrev-ref", "HEAD"], root).strip()
    auth = []
    if token:
        auth = ["-c", f"http.extraheader=AUTHORIZATION: basic {auth_header(token)}"]
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        if _run([*auth, "push", "--quiet", remote, f"HEAD:refs/heads/{branch}"], root).returncode == 0:
            sha = _git(["rev-parse", "HEAD"], root).strip()
            say(f"Pushed {sha[:7]} to {branch}: {new} new papers.")
            return Committed(True, sha, new, branch)
        if attempt == PUSH_ATTEMPTS:
            break
        say(f"Push attempt {attempt} was rejected; rebasing on {branch} and trying again.")
        pulled = _run([*auth, "pull", "--quiet", "--rebase", remote, branch], root, identity)
        if pulled.returncode:
            raise ArchiveError(f"{root}: could not rebase on {branch}: {pulled.stderr.strip()}")
    raise ArchiveError(f"could not push the daily update to {branch} after {PUSH_ATTEMPTS} attempts")


def _relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **env} if env else None,
        )
    except OSError as exc:
        raise ArchiveError(f"{cwd}: cannot run git: {exc}") from exc
