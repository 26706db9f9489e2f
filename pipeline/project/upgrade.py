"""``academichub init --upgrade``: what in an existing radar's folder is older than this AcademicHub.

The theme and the site settings come from the package, so upgrading AcademicHub upgrades them; so do
the workflows' steps, which a radar's workflows call at the release its requirements.txt pins. What a
radar holds as its own — the callers and their reference, full copies of an older release's workflows,
the contributor guide — and the settings and templates it wrote itself are checked here against this
release, each finding with what to do about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import __version__
from .origin import workflow_source
from .scaffold import skeleton, skeleton_files, workflows

# what an older init copied into a radar and the workflows no longer use
RETIRED = (".github/actions/setup/action.yml", ".github/scripts/commit-back.sh")
_CALL = re.compile(r"^([\w.-]+/[\w.-]+)/\.github/workflows/([\w.-]+\.yml)@(\S+)$")

DEFAULTS_IMPORT = "from pipeline.site.defaults import *"


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the radar's folder
    problem: str
    todo: str


def theme_templates() -> Path:
    from ..site import defaults

    return Path(defaults.THEME) / "templates"


def check_radar(folder: Path) -> list[Finding]:
    """Everything in ``folder`` that this release would have written differently, or no longer uses."""
    found = _requirements(folder)
    settings = folder / "pelicanconf.py"
    if settings.is_file() and DEFAULTS_IMPORT not in settings.read_text(encoding="utf-8"):
        found.append(
            Finding(
                "pelicanconf.py",
                "a full copy of an older release's settings",
                f"start it with `{DEFAULTS_IMPORT}  # noqa` and keep only the settings you changed "
                "(SITENAME, SITESUBTITLE, DEFAULT_LANG, REPOSITORY_URL …)",
            )
        )
    publish = folder / "publishconf.py"
    if publish.is_file() and "academichub.github.io/academichub" in publish.read_text(encoding="utf-8"):
        found.append(
            Finding(
                "publishconf.py",
                "falls back to AcademicHub's own address",
                'set SITEURL = os.environ.get("ACADEMICHUB_SITEURL", SITEURL).rstrip("/")',
            )
        )
    if (folder / "theme" / "templates").is_dir():
        found.append(
            Finding(
                "theme/",
                "a copy of an older release's theme (the site now uses the package's)",
                "move the templates you changed into templates/ and your CSS into static/ "
                "(EXTRA_CSS), then delete theme/",
            )
        )
    found += _overrides(folder)
    found += _workflows(folder)
    for name, data in skeleton_files().items():
        if name == "CONTRIBUTING.md" and (folder / name).is_file():
            continue  # the radar's own contributor guide
        ours = folder / name
        if not ours.is_file():
            found.append(Finding(name, "missing", f"copy {skeleton() / _packaged(name)}"))
        elif ours.read_bytes() != data:
            found.append(
                Finding(
                    name,
                    f"differs from AcademicHub {__version__}'s",
                    f"copy {skeleton() / _packaged(name)} over it (then re-apply your own changes)",
                )
            )
    return found


def _pin(folder: Path) -> str:
    """The line of requirements.txt that names AcademicHub (this release's when there is none)."""
    path = folder / "requirements.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return next(
        (line.strip() for line in lines if re.match(r"^academichub\b", line.strip(), re.IGNORECASE)),
        f"academichub=={__version__}",
    )


def _calls(path: Path) -> list[tuple[str, str, str]] | None:
    """The reusable workflows a workflow file calls (repository, file, ref); None when it has steps
    of its own (a full copy) or cannot be read."""
    try:
        jobs = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("jobs") or {}
    except (yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return None
    if (
        not isinstance(jobs, dict)
        or not jobs
        or any(not isinstance(job, dict) or "steps" in job for job in jobs.values())
    ):
        return None
    return [call.groups() for job in jobs.values() if (call := _CALL.match(str(job.get("uses", ""))))]


def _workflows(folder: Path) -> list[Finding]:
    """The radar's workflows against the callers this release writes for its pin: full copies, an
    older reference, missing callers, retired copies and a Dependabot that bumps them apart."""
    pin = _pin(folder)
    repository, ref = workflow_source(pin)
    fresh = f"`academichub init NEW --no-input --package '{pin}'` writes them; copy its .github/ over yours"
    copies, missing, found = [], [], []
    for name in workflows(pin):
        path = folder / name
        if not path.is_file():
            missing.append(name)
        elif (calls := _calls(path)) is None:
            copies.append(name)
        elif old := sorted({f"{r}@{at}" for r, _, at in calls if (r, at) != (repository, ref)}):
            found.append(
                Finding(
                    name,
                    f"calls {', '.join(old)}; requirements.txt pins {pin}",
                    f"change the reference to {repository}/…@{ref} (Dependabot's AcademicHub pull request bumps both)",
                )
            )
    if copies:
        found.append(
            Finding(
                ", ".join(copies),
                "a full copy of an older release's workflow: its steps do not upgrade with the pin",
                f"replace it by the short caller: {fresh}",
            )
        )
    if missing:
        found.append(Finding(", ".join(missing), "missing", fresh))
    if retired := [name for name in RETIRED if (folder / name).is_file()]:
        found.append(Finding(", ".join(retired), "no longer used (the workflows call AcademicHub's)", "delete it"))
    bot = folder / ".github" / "dependabot.yml"
    if not bot.is_file() or not _grouped(bot):
        found.append(
            Finding(".github/dependabot.yml", "does not bump requirements.txt and the workflows together", fresh)
        )
    return found


def _grouped(path: Path) -> bool:
    """Whether Dependabot updates pip and the workflows' references in one group."""
    try:
        updates = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("updates") or []
        groups = {u.get("package-ecosystem"): u.get("multi-ecosystem-group") for u in updates}
    except (yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return False
    return groups.get("pip") is not None and groups.get("pip") == groups.get("github-actions")


def _packaged(name: str) -> str:
    return "github/" + name[len(".github/") :] if name.startswith(".github/") else name


def _requirements(folder: Path) -> list[Finding]:
    path = folder / "requirements.txt"
    if not path.is_file():
        return [
            Finding(
                "requirements.txt",
                "missing: the workflows do not know which AcademicHub to install",
                f"write the line academichub=={__version__}",
            )
        ]
    pins = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^academichub\b", line.strip(), re.IGNORECASE)
    ]
    if not pins:
        return [Finding("requirements.txt", "names no academichub", f"add the line academichub=={__version__}")]
    pinned = re.match(r"^academichub\s*==\s*([\w.+-]+)$", pins[0], re.IGNORECASE)
    if pinned and pinned.group(1) != __version__:
        return [
            Finding(
                "requirements.txt",
                f"pins {pinned.group(1)}; this is {__version__}",
                "install what it pins (pip install -r requirements.txt) and run this again, or bump it "
                f"to academichub=={__version__} to upgrade",
            )
        ]
    return []


def _overrides(folder: Path) -> list[Finding]:
    overrides = folder / "templates"
    if not overrides.is_dir():
        return []
    theme = theme_templates()
    found = []
    names = ", ".join(sorted(p.name for p in theme.glob("*.html")))
    for template in sorted(overrides.rglob("*.html")):
        name = template.relative_to(overrides).as_posix()
        if not (theme / name).is_file():
            found.append(
                Finding(
                    f"templates/{name}",
                    "replaces a template the theme no longer has",
                    f"the theme's templates are {names}",
                )
            )
    return found


def report(folder: Path, findings: list[Finding]) -> str:
    """One screen: each finding and what to do, or that nothing is outdated."""
    if not findings:
        return f"{folder}: up to date with AcademicHub {__version__}."
    things = f"{len(findings)} thing{'s' if len(findings) > 1 else ''}"
    lines = [f"{folder}: {things} to bring up to AcademicHub {__version__}:"]
    for finding in findings:
        lines += [f"  {finding.path}: {finding.problem}", f"      → {finding.todo}"]
    return "\n".join(lines)
