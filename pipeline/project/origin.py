"""Where this AcademicHub comes from, as a pip requirement a radar's workflows can install again.

A release installed from an index pins that release; a VCS install pins its URL at the commit it
was installed from (PEP 610's ``direct_url.json``); an install from a folder that is a git checkout
pins the checkout's remote at its current commit. An install from a folder or a file that nothing
but this machine can reach cannot be pinned: ``academichub init`` then asks for ``--package``.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from .. import __version__
from ..errors import InitError

DISTRIBUTION = "academichub"
# where AcademicHub's releases are tagged vX.Y.Z, beside the package on PyPI (pyproject.toml's Homepage)
HOME_REPOSITORY = "academichub/academichub"
# remotes another machine can reach; scp-like git@host:path is read as https (workflows have no SSH key)
_REACHABLE = re.compile(r"^(https?|ssh|git)://")
_SCP_LIKE = re.compile(r"^[\w.-]+@([\w.-]+):(.+)$")
_RELEASE = re.compile(rf"^{DISTRIBUTION}\s*(?:\[[\w,\s-]*\])?\s*==\s*([\w.+-]+)$", re.IGNORECASE)
_GITHUB = re.compile(
    rf"^{DISTRIBUTION}\s*(?:\[[\w,\s-]*\])?\s*@\s*git\+https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?@([\w./-]+)$",
    re.IGNORECASE,
)


def installed_requirement() -> str:
    """The requirement that installs this very AcademicHub (raises InitError when there is none)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # running from a checkout on the path, not installed
        return requirement_for(None, __version__, Path(__file__).resolve().parents[2])
    direct = dist.read_text("direct_url.json")
    return requirement_for(json.loads(direct) if direct else None, dist.version)


def requirement_for(direct_url: dict | None, version: str, checkout: Path | None = None) -> str:
    """The requirement for an install described by ``direct_url`` (None: from an index, unless
    ``checkout`` says it runs from a source folder)."""
    if direct_url is None and checkout is None:
        return f"{DISTRIBUTION}=={version}"
    if direct_url and "vcs_info" in direct_url:
        vcs = direct_url["vcs_info"]
        return f"{DISTRIBUTION} @ {vcs['vcs']}+{direct_url['url']}@{vcs['commit_id']}"
    url = (direct_url or {}).get("url", "")
    if url and urlparse(url).scheme in ("http", "https"):
        return f"{DISTRIBUTION} @ {url}"  # an archive a workflow can download as well
    folder = checkout or Path(unquote(urlparse(url).path))
    remote, commit = git_origin(folder)
    if remote and commit:
        return f"{DISTRIBUTION} @ git+{remote}@{commit}"
    raise InitError(
        f"this AcademicHub was installed from {folder}, which a radar's workflows cannot install from "
        "(no git remote on the web). Choose what the radar installs with --package, e.g.\n"
        f"  --package {DISTRIBUTION}=={version}                      (a release from PyPI)\n"
        f"  --package '{DISTRIBUTION} @ git+https://github.com/YOU/academichub@COMMIT'  (your pushed fork)"
    )


def workflow_source(requirement: str) -> tuple[str, str]:
    """The GitHub repository (``owner/name``) and the ref of the reusable workflows that go with
    ``requirement``: a release's tag ``vX.Y.Z`` in AcademicHub's repository, or a GitHub repository at
    the commit or tag the requirement installs; anything else (an archive, another host) gets the
    workflows of this release."""
    requirement = requirement.strip()
    if release := _RELEASE.match(requirement):
        return HOME_REPOSITORY, f"v{release.group(1)}"
    if github := _GITHUB.match(requirement):
        return github.group(1), github.group(2)
    return HOME_REPOSITORY, f"v{__version__}"


def git_origin(folder: Path) -> tuple[str, str]:
    """The web address of ``folder``'s git remote (origin, else the first) and its checked-out commit;
    empty strings when it is no checkout or has no remote another machine can reach."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    remotes = git("remote").split()
    if not remotes:
        return "", ""
    remote = git("remote", "get-url", "origin" if "origin" in remotes else remotes[0])
    if scp := _SCP_LIKE.match(remote):
        remote = f"https://{scp.group(1)}/{scp.group(2)}"
    if not _REACHABLE.match(remote):
        return "", ""
    return remote, git("rev-parse", "HEAD")
