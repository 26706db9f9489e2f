"""``academichub init DIR``: a new self-hosted radar in five minutes.

Like ``pelican-quickstart``, it asks only what it must — the site's name, tagline,
language, repository, topics and the authors to follow — or takes them as options
(``--no-input`` for scripts), then writes a folder that is ready to push to
GitHub: ``sources.yml``, ``rules/``, ``brief.yml``, ``pelicanconf.py``/``publishconf.py``
(the radar's own names over the package's settings), ``requirements.txt`` (the AcademicHub
it runs), the workflows and the contributor guide. The theme is not copied: Pelican uses
the package's, and the radar's ``templates/`` and ``static/`` folders override single files.
The workflows are short callers of AcademicHub's reusable workflows, at the release (or commit)
that ``requirements.txt`` pins, and Dependabot bumps both in one pull request.

The package ships the AcademicHub repository's own files for this
(``pipeline/project/skeleton`` links to them, and a built package carries copies),
so a new site starts from exactly what the project runs and tests.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .. import __version__
from ..config import Rule, load_rules
from ..errors import ConfigError, InitError
from ..fetch.sources import SourcesFile, load_sources
from ..files import atomic_write
from .origin import installed_requirement, workflow_source

FOLLOW_RULE = "followed-authors"
DEFAULT_TOPICS = ("language-models", "llm-agents")
# Skeleton entries written as they are; names starting "github" land in .github/.
GENERATED = {"rules", "sources.yml", "brief.yml"}
# The repository's own workflows that call its reusable ones: a radar's call them by address.
CALLERS = "github/workflows/"
_LOCAL_CALL = re.compile(r"(?m)^([ \t]*uses:[ \t]*)\./\.github/workflows/([\w.-]+\.yml)[ \t]*$")
LANGUAGES = ("en", "zh")


@dataclass
class SiteChoices:
    name: str = "My Research Radar"
    tagline: str = "Curated research papers, daily"
    language: str = "en"
    # the languages of the briefs (each costs a model's answer); empty: the site's language only
    brief_languages: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=lambda: list(DEFAULT_TOPICS))
    follow: list[str] = field(default_factory=list)
    package: str = f"academichub=={__version__}"
    repository: str = ""  # https://github.com/OWNER/NAME: where rules/ is edited (links, rule proposals)

    @property
    def briefs_in(self) -> list[str]:
        return self.brief_languages or [self.language]


def skeleton() -> Path:
    return Path(str(resources.files("pipeline.project") / "skeleton"))


def skeleton_files() -> dict[str, bytes]:
    """The files a radar takes as they are: its path in the radar -> content (github/ lands in .github/)."""
    root = skeleton()
    files: dict[str, bytes] = {}
    for folder, dirs, names in os.walk(root, followlinks=True):  # the skeleton is made of links
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for file in sorted(names):
            relative = (Path(folder) / file).relative_to(root)
            name = relative.as_posix()
            if relative.parts[0] not in GENERATED and not name.startswith(CALLERS):
                files[("." + name) if name.startswith("github/") else name] = (Path(folder) / file).read_bytes()
    return files


def workflows(requirement: str) -> dict[str, bytes]:
    """A radar's workflows for the AcademicHub ``requirement`` pins: the repository's own callers,
    each calling the reusable workflow of the repository and ref that go with it (``workflow_source``)."""
    repository, ref = workflow_source(requirement)
    found = {}
    for path in sorted((skeleton() / CALLERS).glob("*.yml")):
        text, calls = _LOCAL_CALL.subn(
            lambda m: f"{m.group(1)}{repository}/.github/workflows/{m.group(2)}@{ref}", path.read_text(encoding="utf-8")
        )
        if calls == 0:
            raise InitError(f"{path.name} in the package calls no reusable workflow")
        found[f".{CALLERS}{path.name}"] = text.encode()
    return found


def dependabot(requirement: str) -> str:
    """The radar's .github/dependabot.yml: one weekly pull request that bumps the AcademicHub of
    requirements.txt and the workflows' reference to it together."""
    repository, _ = workflow_source(requirement)
    return f"""# Keeps AcademicHub current: one pull request a week at most bumps the release in
# requirements.txt and the workflows' reference to the same release, together, once the release
# is a week old.
version: 2
multi-ecosystem-groups:
  academichub:
    schedule:
      interval: weekly
updates:
  - package-ecosystem: pip
    directory: "/"
    patterns: ["academichub"]
    multi-ecosystem-group: academichub
    cooldown:
      default-days: 7
  - package-ecosystem: github-actions
    directory: "/"
    patterns: ["{repository}"]
    multi-ecosystem-group: academichub
    cooldown:
      default-days: 7
"""


def zizmor_settings(requirement: str) -> str:
    """The radar's .github/zizmor.yml: AcademicHub's workflows are called at the release tag that
    requirements.txt pins (a release is one version for the package and its workflows)."""
    repository, _ = workflow_source(requirement)
    return f"""# zizmor's settings: AcademicHub's workflows are called at the tag of the release that
# requirements.txt pins, which Dependabot bumps together with the pin.
rules:
  unpinned-uses:
    config:
      policies:
        "{repository}/*": ref-pin
"""


def catalogue() -> dict[str, Rule]:
    """The topics a new site can start with: the project's own rules (followed authors aside)."""
    return {rule.id: rule for rule in load_rules(skeleton() / "rules") if rule.id != FOLLOW_RULE}


# ---------------------------------------------------------------- generated files


def arxiv_archive(category: str) -> str:
    return category.split(".", 1)[0]


def sources_for(rules: list[Rule], follow: list[str], known: SourcesFile) -> dict:
    """sources.yml for these topics: arXiv feeds for their categories, journals for keyword-only topics."""
    archives: dict[str, list[str]] = {}
    for rule in rules:
        for category in rule.include.categories:
            listed = archives.setdefault(arxiv_archive(category), [])
            if category not in listed:
                listed.append(category)
    sources: list[dict] = [
        {"id": f"arxiv-{archive.lower()}", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "categories": categories}
        for archive, categories in archives.items()
    ]
    if follow:
        query = " OR ".join(f'au:"{name}"' for name in follow)
        sources.append(
            {
                "id": "arxiv-followed-authors",
                "kind": "arxiv_api",
                "label": "arXiv ({CATEGORY})",
                "query": query,
                "days": 7,
                "max_results": 100,
            }
        )
    if any(not rule.include.categories for rule in rules):
        # a topic defined by keywords alone reads the journals and bioRxiv too
        sources += [
            s.model_dump(exclude_defaults=True, exclude={"mailto"})
            for s in known.sources
            if not s.kind.startswith("arxiv") and s.enabled
        ]
    # the project's own contact address is not this site's: the header asks for one
    http = known.http.model_dump(exclude_defaults=True, exclude={"contact"})
    return {"http": http, "sources": sources} if http else {"sources": sources}


def followed_authors_rule(template: str, names: list[str]) -> str:
    """The project's followed-authors rule with this site's names (comments kept)."""
    text, count = re.subn(
        r"(?m)^(\s*authors:).*$", lambda m: f"{m.group(1)} {json.dumps(names, ensure_ascii=False)}", template
    )
    if count != 1:
        raise InitError(f"{FOLLOW_RULE}.yml in the package has no single 'authors:' line")
    return text


def pelican_settings(choices: SiteChoices) -> str:
    """The radar's pelicanconf.py: its own names over AcademicHub's settings (which upgrade with it)."""

    def value(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    return f"""# Site settings of {choices.name.replace(chr(10), " ")}: AcademicHub's settings, then this radar's own.
# Every setting, and what it does, is in AcademicHub's pipeline/site/defaults.py; set any of them
# here to change it. Upgrading AcademicHub (requirements.txt) brings new defaults and theme fixes.
import os

from pipeline.site.defaults import *  # noqa: F401,F403

SITENAME = {value(choices.name)}
SITESUBTITLE = {value(choices.tagline)}  # the tagline
SITE_DESCRIPTION = ""  # the home page's pitch and the pages' description (empty: the tagline)
LOGO_TEXT = ""  # the header's text (empty: SITENAME)
DEFAULT_LANG = {value(choices.language)}  # the interface language a first visit sees: "en" or "zh"
# where rules/ is edited: the footer's and the rule pages' links, the radar's "propose a rule"
# (the workflows set ACADEMICHUB_REPOSITORY to the repository they run in)
REPOSITORY_URL = os.environ.get("ACADEMICHUB_REPOSITORY", {value(choices.repository)})
REPOSITORY_BRANCH = "main"

# Your own look (AcademicHub's documentation, "Change the look"): a file in templates/ replaces
# the theme's template of that name; files in static/ are published in theme/, and stylesheets
# listed here load after the theme's, e.g. EXTRA_CSS = ["custom.css"] for static/custom.css.
THEME_TEMPLATES_OVERRIDES = ["templates"]
EXTRA_CSS = []
"""


PUBLISH_SETTINGS = """# Settings for publishing: everything from pelicanconf.py, plus what a public build needs.
# The workflows set ACADEMICHUB_SITEURL to the site's public address (the Pages address, or
# the repository variable ACADEMICHUB_SITEURL for a bucket's CDN).
import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("ACADEMICHUB_SITEURL", SITEURL).rstrip("/")
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = False
"""


def brief_settings(template: str, languages: list[str]) -> str:
    """The project's brief.yml with this radar's brief languages (comments kept)."""
    text, count = re.subn(r"(?m)^languages:.*$", f"languages: [{', '.join(languages)}]", template)
    if count != 1:
        raise InitError("brief.yml in the package has no single 'languages:' line")
    return text


def requirements(package: str) -> str:
    return (
        "# The AcademicHub release this site runs (the workflows install it and call its workflows).\n"
        "# Dependabot proposes new releases, with the workflows' reference in the same pull request.\n"
        f"{package}\n"
    )


def readme(choices: SiteChoices, topics: list[Rule]) -> str:
    listed = "\n".join(f"- **{rule.name.en}** (`rules/{rule.id}.yml`): {rule.description.en}" for rule in topics)
    follow = (
        f"\n- **Followed authors** (`rules/{FOLLOW_RULE}.yml`): {', '.join(choices.follow)}" if choices.follow else ""
    )
    return f"""# {choices.name}

{choices.tagline}

A research radar made with [AcademicHub](https://github.com/academichub/academichub): every day a
GitHub Actions workflow fetches new papers, keeps the ones this site's rules select, writes a
brief for each and publishes the site on GitHub Pages.

## Topics

{listed}{follow}

Anyone can propose a topic or an author to follow by pull request: see [CONTRIBUTING.md](CONTRIBUTING.md).

## Publish it

1. Push this folder to a new GitHub repository.
2. Settings → Pages → Source: **GitHub Actions**.
3. Optional: Settings → Secrets and variables → Actions → add the secret `OPENAI_API_KEY`
   (and the variables `OPENAI_BASE_URL`, `ACADEMICHUB_MODEL` for another OpenAI-compatible
   service). Without a key the briefs are extractive: quoted from the abstract.
4. Actions → **Daily radar** → Run workflow. From then on it runs every day.

## Work on it locally

```sh
python -m pip install -r requirements.txt
academichub rules check        # validate the rules
academichub fetch              # fetch today's papers into content/
academichub build && academichub serve
```

## Make it yours

- `pelicanconf.py`: the site's name, tagline, description, language and repository.
- `brief.yml`: the model and the languages of the briefs ({", ".join(choices.briefs_in)}; each
  language is one more answer to pay for).
- `templates/`: a file here replaces the theme's template of the same name; `static/`: files
  published beside the theme's, e.g. `static/custom.css` with `EXTRA_CSS = ["custom.css"]`.
  The templates each page receives, and what they are given, are listed in AcademicHub's
  documentation, "Change the look".

## Upgrade

`requirements.txt` names the AcademicHub this radar runs, and the workflows in `.github/workflows/`
call AcademicHub's workflows of that same release; Dependabot proposes a new release as one pull
request that bumps both. `academichub init --upgrade` lists what in this folder is outdated
(workflows, overridden templates, settings) and what to do about each.
"""


# state/.lock: held while a run works on the folder; one left by a killed run must not be committed
GITIGNORE = "output/\nbuild/\n__pycache__/\n.venv/\nstate/.lock\n"


# ---------------------------------------------------------------- writing


def plan(choices: SiteChoices) -> dict[str, bytes]:
    """Every file of the new site: relative path -> content."""
    known = catalogue()
    unknown = [t for t in choices.topics if t not in known]
    if unknown:
        raise InitError(f"unknown topic {', '.join(unknown)}; choose from: {', '.join(sorted(known))}")
    if not choices.topics and not choices.follow:
        raise InitError("choose at least one topic or one author to follow")
    if not choices.name.strip():
        raise InitError("the site needs a name")
    if not choices.package.strip() or "\n" in choices.package:
        raise InitError("--package must be one pip requirement, e.g. academichub==0.1.0")
    if unknown := [lang for lang in choices.briefs_in if lang not in LANGUAGES]:
        raise InitError(f"unknown brief language {', '.join(unknown)}; choose from: {', '.join(LANGUAGES)}")
    if choices.repository and not re.match(r"^https://[\w.-]+/[\w.-]+/[\w.-]+$", choices.repository):
        raise InitError(f"{choices.repository}: the repository must be an address like https://github.com/you/radar")
    topics = [known[t] for t in choices.topics]
    root = skeleton()
    files = skeleton_files()
    for rule in topics:
        files[f"rules/{rule.id}.yml"] = Path(rule.path).read_bytes()
    if choices.follow:
        template = (root / "rules" / f"{FOLLOW_RULE}.yml").read_text(encoding="utf-8")
        files[f"rules/{FOLLOW_RULE}.yml"] = followed_authors_rule(template, choices.follow).encode()
    sources = sources_for(topics, choices.follow, load_sources(root / "sources.yml"))
    files["sources.yml"] = (
        "# Where this radar looks for papers; every address can be changed (url / base_url).\n"
        "# Made by `academichub init` from the chosen topics: arXiv feeds for their categories,\n"
        "# journals and bioRxiv for topics defined by keywords alone.\n"
        "# arXiv and Crossref ask to be told who is calling: add your e-mail address as\n"
        "#   http:\n#     contact: you@example.org\n"
        + yaml.safe_dump(sources, sort_keys=False, allow_unicode=True, width=100)
    ).encode()
    files["pelicanconf.py"] = pelican_settings(choices).encode()
    files["publishconf.py"] = PUBLISH_SETTINGS.encode()
    files["brief.yml"] = brief_settings((root / "brief.yml").read_text(encoding="utf-8"), choices.briefs_in).encode()
    files["requirements.txt"] = requirements(choices.package).encode()
    files.update(workflows(choices.package))
    files[".github/dependabot.yml"] = dependabot(choices.package).encode()
    files[".github/zizmor.yml"] = zizmor_settings(choices.package).encode()
    files["README.md"] = readme(choices, topics).encode()
    files[".gitignore"] = GITIGNORE.encode()
    return files


def check(directory: Path, files: dict[str, bytes]) -> None:
    """Refuse to hand over a site that would fail its first run: validate what was written."""
    try:
        load_sources(directory / "sources.yml")
        load_rules(directory / "rules")
    except ConfigError as exc:
        raise InitError("the generated configuration is invalid:\n" + "\n".join(exc.problems)) from exc
    for name in files:
        if name.endswith((".yml", ".yaml")) and not name.startswith("rules/"):
            try:
                yaml.safe_load(files[name])
            except yaml.YAMLError as exc:
                raise InitError(f"{name}: invalid YAML: {exc}") from exc


def create(directory: Path, choices: SiteChoices, force: bool = False) -> list[str]:
    """Write the site into ``directory``; returns the files written."""
    if directory.exists() and not directory.is_dir():
        raise InitError(f"{directory}: exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise InitError(f"{directory}: the folder is not empty (use --force to write into it anyway)")
    files = plan(choices)
    for name, data in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)  # an interrupted init leaves no half file
    for folder in ("content", "state"):
        (directory / folder).mkdir(exist_ok=True)
    check(directory, files)
    return sorted(files)


# ---------------------------------------------------------------- the command


@dataclass(frozen=True)
class InitOptions:
    """What ``academichub init`` was told on its command line; None: ask, or take the default."""

    name: str | None = None
    language: str | None = None
    topics: str | None = None  # comma-separated rule ids
    follow: tuple[str, ...] = ()
    package: str | None = None
    tagline: str | None = None
    repository: str | None = None
    brief_languages: str | None = None  # comma-separated


def _listed(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def choose(
    given: InitOptions,
    known: dict[str, Rule],
    ask: Callable[[str, str], str] | None = None,
    tell: Callable[[str], None] = lambda _: None,
) -> SiteChoices:
    """The new site's choices: the options given, else the answers to ``ask(question, default)``
    (None: no terminal, the defaults); ``tell`` shows a line to the person answering."""
    choices = SiteChoices()
    choices.package = given.package.strip() if given.package else installed_requirement()
    if given.name:
        choices.name = given.name.strip()
    elif ask:
        choices.name = ask("What is the name of your radar?", choices.name).strip()
    if given.tagline is not None:
        choices.tagline = given.tagline.strip()
    elif ask:
        choices.tagline = ask("Its tagline?", choices.tagline).strip()
    if given.language:
        choices.language = given.language
    elif ask:
        while (answer := ask("Main language of the site (en or zh)?", choices.language)) not in LANGUAGES:
            tell("  please answer en or zh")
        choices.language = answer
    if given.brief_languages is not None:
        choices.brief_languages = _listed(given.brief_languages)
    elif ask:
        while (
            not set(
                answer := _listed(
                    ask("Languages of the briefs (en, zh or en,zh; each one is paid for)?", choices.language)
                )
            )
            <= set(LANGUAGES)
            or not answer
        ):
            tell("  please answer en, zh or en,zh")
        choices.brief_languages = answer
    if given.repository is not None:
        choices.repository = given.repository.strip().rstrip("/")
    elif ask:
        answer = ask("Its GitHub repository (https://github.com/you/radar; optional)?", "")
        choices.repository = answer.strip().rstrip("/")
    if given.topics is not None:
        choices.topics = _listed(given.topics)
    elif ask:
        tell("  Topics:")
        for rule in known.values():
            tell(f"    {rule.id:22} {rule.name.en}")
        choices.topics = _listed(ask("Which topics (comma-separated)?", ",".join(choices.topics)))
    if given.follow:
        choices.follow = [name.strip() for name in given.follow if name.strip()]
    elif ask:
        choices.follow = _listed(ask("Authors to follow (comma-separated, optional)?", ""))
    return choices
