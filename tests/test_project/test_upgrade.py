"""A radar keeps up with AcademicHub: its own templates and styles survive a newer package, and
`academichub init --upgrade` says what in its folder is outdated."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from radar import ROOT, cli, make_radar

THEME = ROOT / "pipeline" / "site" / "theme" / "templates"


@pytest.fixture(scope="module")
def radar(tmp_path_factory) -> Path:
    return make_radar(
        tmp_path_factory.mktemp("upgrade") / "radar",
        "--name",
        "Quantum Radar",
        "--language",
        "en",
        "--topics",
        "quantum-information,language-models",
    )


def newer_package(folder: Path, version: str) -> Path:
    """A newer build of AcademicHub: this package copied whole (links followed), with a new version and a
    change to the theme's base template, as a release would bring."""
    shutil.copytree(
        ROOT / "pipeline", folder / "pipeline", symlinks=False, ignore=shutil.ignore_patterns("__pycache__")
    )
    init = folder / "pipeline" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', init.read_text()))
    base = folder / "pipeline" / "site" / "theme" / "templates" / "base.html"
    base.write_text(base.read_text().replace("</footer>", "<p>NEW-IN-" + version + "</p></footer>"))
    return folder


def test_an_override_and_extra_css_survive_an_upgrade_of_the_package(radar, tmp_path):
    # the radar's own article template (the theme's, with one line added) and a stylesheet of its own
    (radar / "templates").mkdir()
    article = (THEME / "article.html").read_text()
    (radar / "templates" / "article.html").write_text(
        article.replace("{% block content %}", "{% block content %}<p>OURS-ONLY</p>", 1)
    )
    (radar / "static").mkdir()
    (radar / "static" / "custom.css").write_text(".brand-text { letter-spacing: .1em; }\n")
    settings = radar / "pelicanconf.py"
    settings.write_text(settings.read_text().replace("EXTRA_CSS = []", 'EXTRA_CSS = ["custom.css"]'))

    assert cli("build", "--no-search", cwd=radar).returncode == 0
    paper = next((radar / "output" / "papers").glob("*.html")).read_text()
    assert "OURS-ONLY" in paper and '<link rel="stylesheet" href="../theme/custom.css">' in paper
    assert (radar / "output" / "theme" / "custom.css").is_file()
    assert "OURS-ONLY" not in (radar / "output" / "index.html").read_text()

    newer = newer_package(tmp_path / "newer", "0.1.1")
    done = cli("build", "--no-search", cwd=radar, pythonpath=newer)
    assert done.returncode == 0, done.stderr
    paper = next((radar / "output" / "papers").glob("*.html")).read_text()
    index = (radar / "output" / "index.html").read_text()
    assert "OURS-ONLY" in paper and "NEW-IN-0.1.1" in paper  # the override extends the newer base template
    assert "NEW-IN-0.1.1" in index and "custom.css" in index
    # and the newer package says what to bring up to date: the pin only
    check = cli("init", "--upgrade", cwd=radar, pythonpath=newer)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "requirements.txt: pins 0.1.0; this is 0.1.1" in check.stderr
    assert "templates/article.html" not in check.stderr


def test_a_stylesheet_that_is_not_there_is_refused(radar, tmp_path):
    settings = radar / "pelicanconf.py"
    before = settings.read_text()
    settings.write_text(before + 'EXTRA_CSS = ["missing.css"]\n')
    try:
        done = cli("build", "--no-search", cwd=radar)
    finally:
        settings.write_text(before)
    assert done.returncode == 1 and "EXTRA_CSS names missing.css" in done.stderr and "Traceback" not in done.stderr


def test_upgrade_says_what_is_outdated_and_what_to_do(tmp_path):
    radar = tmp_path / "radar"
    assert cli("init", str(radar), "--no-input", "--package", "academichub==0.1.0", cwd=tmp_path).returncode == 0
    fresh = cli("init", "--upgrade", str(radar), cwd=tmp_path)
    assert fresh.returncode == 0 and "up to date with AcademicHub 0.1.0" in fresh.stderr, fresh.stderr

    # a radar made by an older release: copies of the theme and the settings, an old workflow, no rebuild
    (radar / ".github" / "workflows" / "daily.yml").write_text("name: Daily radar (old)\n")
    (radar / ".github" / "workflows" / "rebuild.yml").unlink()
    shutil.copytree(THEME, radar / "theme" / "templates")
    (radar / "pelicanconf.py").write_text('SITENAME = "Old Radar"\nTHEME = "theme"\n')
    (radar / "publishconf.py").write_text('SITEURL = "https://academichub.github.io/academichub"\n')
    (radar / "templates").mkdir()
    (radar / "templates" / "gone.html").write_text("{% extends 'base.html' %}\n")
    (radar / "requirements.txt").write_text("academichub==0.0.9\n")
    done = cli("init", "--upgrade", str(radar), cwd=tmp_path)
    assert done.returncode == 1
    report = done.stderr
    for expected in (
        "requirements.txt: pins 0.0.9; this is 0.1.0",
        "pelicanconf.py: a full copy of an older release's settings",
        "publishconf.py: falls back to AcademicHub's own address",
        "theme/: a copy of an older release's theme",
        "templates/gone.html: replaces a template the theme no longer has",
        ".github/workflows/daily.yml: a full copy of an older release's workflow",
        ".github/workflows/rebuild.yml: missing",
        # the callers made for 0.1.0 do not go with the pin of 0.0.9
        ".github/workflows/pr.yml: calls academichub/academichub@v0.1.0; requirements.txt pins academichub==0.0.9",
    ):
        assert expected in report, report
    assert "8 things to bring up to AcademicHub 0.1.0" in report
    assert len(report.splitlines()) <= 24  # one screen
    assert cli("init", "--upgrade", str(tmp_path), cwd=tmp_path).returncode == 2  # not a radar


def test_settings_of_an_earlier_release_still_build(radar, tmp_path):
    """A radar's settings file as an earlier release wrote it, with the site plugin's old folder settings
    and the variables read by itself: it builds, and the folders come from the command (rules/ and state/
    beside the file), not from those settings."""
    old = radar / "old-pelicanconf.py"
    old.write_text(
        (radar / "pelicanconf.py").read_text() + '\nACADEMICHUB_RULES = "no-such-rules"\n'
        'ACADEMICHUB_STATE = "no-such-state"\n'
        'SITEURL = os.environ.get("ACADEMICHUB_SITEURL", "http://127.0.0.1:8000").rstrip("/")\n'
    )
    done = cli(
        "build",
        "--no-search",
        "--settings",
        old.name,
        "--output",
        str(tmp_path / "out"),
        cwd=radar,
        env={"ACADEMICHUB_SITEURL": "https://lab.example/radar"},
    )
    assert done.returncode == 0, done.stderr
    topics = {p.stem for p in (tmp_path / "out" / "topics").glob("*.html")}
    assert {"quantum-information", "language-models"} <= topics
    assert "https://lab.example/radar/" in (tmp_path / "out" / "feeds" / "all.atom.xml").read_text()
    assert "state/runs.jsonl" not in (tmp_path / "out" / "status.html").read_text()  # the radar's runs are listed


def test_upgrade_reports_copied_workflows_older_references_and_leftovers(tmp_path):
    """A radar of an older init: full copies of the workflows with the setup action and commit script
    they used, a caller at an older release, a Dependabot that bumps the pin alone; each is named, with
    what to do, on one screen — and a radar made today is up to date."""
    radar = tmp_path / "radar"
    assert cli("init", str(radar), "--no-input", "--package", "academichub==0.1.0", cwd=tmp_path).returncode == 0
    github = radar / ".github"
    old_daily = yaml.safe_dump(
        {
            "name": "Daily radar",
            "on": {"workflow_dispatch": None},
            "jobs": {
                "update": {
                    "runs-on": "ubuntu-latest",
                    "steps": [{"uses": "./.github/actions/setup"}, {"run": "bash .github/scripts/commit-back.sh"}],
                }
            },
        }
    )
    (github / "workflows" / "daily.yml").write_text(old_daily)
    pr = github / "workflows" / "pr.yml"
    pr.write_text(pr.read_text().replace("radar-pr.yml@v0.1.0", "radar-pr.yml@v0.0.9"))
    for name in ("actions/setup/action.yml", "scripts/commit-back.sh"):
        (github / name).parent.mkdir(parents=True)
        (github / name).write_text("# copied by an older init\n")
    (github / "dependabot.yml").write_text(
        yaml.safe_dump(
            {
                "version": 2,
                "updates": [
                    {"package-ecosystem": "pip", "directory": "/", "schedule": {"interval": "weekly"}},
                    {"package-ecosystem": "github-actions", "directory": "/", "schedule": {"interval": "weekly"}},
                ],
            }
        )
    )
    done = cli("init", "--upgrade", str(radar), cwd=tmp_path)
    assert done.returncode == 1
    report = done.stderr
    for expected in (
        ".github/workflows/daily.yml: a full copy of an older release's workflow",
        ".github/workflows/pr.yml: calls academichub/academichub@v0.0.9; requirements.txt pins academichub==0.1.0",
        "change the reference to academichub/academichub/…@v0.1.0",
        ".github/actions/setup/action.yml, .github/scripts/commit-back.sh: no longer used",
        ".github/dependabot.yml: does not bump requirements.txt and the workflows together",
        "academichub init NEW --no-input --package 'academichub==0.1.0'",
    ):
        assert expected in report, report
    assert "4 things to bring up to AcademicHub 0.1.0" in report and len(report.splitlines()) <= 24
    # the report is right: following it brings the radar up to date
    fresh = tmp_path / "fresh"
    assert cli("init", str(fresh), "--no-input", "--package", "academichub==0.1.0", cwd=tmp_path).returncode == 0
    for name in ("workflows/daily.yml", "workflows/pr.yml", "dependabot.yml"):
        (github / name).write_bytes((fresh / ".github" / name).read_bytes())
    shutil.rmtree(github / "actions")
    shutil.rmtree(github / "scripts")
    assert cli("init", "--upgrade", str(radar), cwd=tmp_path).returncode == 0
    # a caller the owner changed (another schedule) at the pinned release is the radar's own
    daily = github / "workflows" / "daily.yml"
    daily.write_text(daily.read_text().replace('"37 5 * * *"', '"5 7 * * *"'))
    assert cli("init", "--upgrade", str(radar), cwd=tmp_path).returncode == 0
    # after Dependabot's bump of requirements.txt alone, the workflows' reference is reported
    (radar / "requirements.txt").write_text("academichub @ git+https://github.com/me/academichub@v0.2.0\n")
    behind = cli("init", "--upgrade", str(radar), cwd=tmp_path).stderr
    assert "calls academichub/academichub@v0.1.0" in behind and "me/academichub/…@v0.2.0" in behind, behind
