"""The release: an sdist and a wheel that carry everything a radar needs, checked as PyPI checks them,
notes drafted from CHANGELOG.md, and the wheel alone running a radar made by `academichub init`
in a fresh virtual environment — no checkout anywhere on its path — against feeds and a model
served on 127.0.0.1: fetch → brief → build → notify (dry run).

Nothing is downloaded: the build runs in this environment (--no-isolation), the wheel is installed
by name from the built files only (--no-index), and the fresh environment finds the wheel's
dependencies in this environment's site-packages through a .pth line (which adds that folder to
the path without running its own .pth files, so this checkout's editable install stays out)."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import fake_openai
import pytest
import yaml
from sample_site import sample_sources

from pipeline import __version__
from pipeline.project.demo import DEMO_DAY, serve_samples

ROOT = Path(__file__).resolve().parent.parent
NOTES = runpy.run_path(str(ROOT / ".github" / "scripts" / "release_notes.py"))


def run(*args, cwd: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """`python -m build`: the sdist and the wheel of this checkout."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=out)
    return out


def packaged_files() -> dict[str, bytes]:
    """What the package must carry besides its modules, as the checkout has it (links followed)."""
    package = ROOT / "pipeline"
    wanted = {}
    for folder in ("site/theme", "project/skeleton", "project/samples", "site/schemas", "brief/prompts"):
        for path in sorted((package / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                wanted[f"pipeline/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    return wanted


def test_the_wheel_and_the_sdist_carry_everything_a_radar_needs(dist):
    wanted = packaged_files()
    assert len([name for name in wanted if "/theme/templates/" in name]) >= 15
    assert any(name.endswith("skeleton/github/workflows/rebuild.yml") for name in wanted)
    (wheel,) = dist.glob(f"academichub-{__version__}-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name, data in wanted.items():
            assert name in names, f"the wheel lacks {name}"
            assert archive.read(name) == data, name
        assert "pipeline/site/defaults.py" in names
        metadata = archive.read(f"academichub-{__version__}.dist-info/METADATA").decode()
        entry_points = archive.read(f"academichub-{__version__}.dist-info/entry_points.txt").decode()
    assert f"Version: {__version__}" in metadata and "Requires-Dist: filelock" in metadata
    assert "academichub = pipeline.cli:main" in entry_points
    (sdist,) = dist.glob(f"academichub-{__version__}.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1]: m for m in archive.getmembers() if "/" in m.name}
        for name, data in wanted.items():
            assert name in members and members[name].isfile(), f"the sdist lacks {name} (or holds a link)"
            assert archive.extractfile(members[name]).read() == data, name


def test_twine_check_strict_passes(dist):
    done = run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()), cwd=dist)
    assert done.stdout.count("PASSED") == 2


def test_release_notes_come_from_the_changelog_section_of_the_tag():
    changelog = (
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n## [0.2.0] - 2027-01-10\n\n### Added\n\n- A.\n\n"
        "### Changed\n\n### Fixed\n\n- B.\n\n## [0.1.0] - 2026-12-04\n\nThe first version.\n"
    )
    assert NOTES["notes"](changelog, "0.2.0") == "### Added\n\n- A.\n\n### Fixed\n\n- B.\n"
    assert NOTES["notes"](changelog, "0.1.0") == "The first version.\n"
    with pytest.raises(SystemExit, match="no section '## \\[0.3.0\\]'"):
        NOTES["notes"](changelog, "0.3.0")
    with pytest.raises(SystemExit, match="is empty"):
        NOTES["notes"]("## [0.4.0]\n\n### Added\n\n### Fixed\n", "0.4.0")
    script = ROOT / ".github" / "scripts" / "release_notes.py"
    done = subprocess.run([sys.executable, script, f"v{__version__}"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip(), done.stderr
    wrong = subprocess.run([sys.executable, script, "v9.9.9"], capture_output=True, text=True)
    assert wrong.returncode == 1 and f"not the package's version {__version__}" in wrong.stderr


def test_the_release_workflow_publishes_with_trusted_publishing():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    assert workflow[True]["push"]["tags"] == ["v*"]
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"} and publish["environment"]["name"] == "pypi"
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for s in publish["steps"])
    assert not any("password" in s.get("with", {}) for s in steps), "no token: trusted publishing"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "release_notes.py" in runs and "twine check --strict" in runs and "--notes-file" in runs


def test_the_wheel_alone_runs_a_radar_in_a_fresh_environment(dist, tmp_path):
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    # no checkout on the path: a clean environment, run from a folder outside the repository
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith(("OPENAI_", "ACADEMICHUB_"))
    }
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PIP_DISABLE_PIP_VERSION_CHECK="1", COLUMNS="160")
    work = tmp_path / "work"
    work.mkdir()
    # by name from the built files, as from an index (a file path would be a local install init cannot pin)
    run(
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        "--find-links",
        dist,
        f"academichub=={__version__}",
        cwd=work,
        env=env,
    )
    site_packages = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work, env=env)
    (Path(site_packages.stdout.strip()) / "academichub-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    where = json.loads(
        run(
            python,
            "-c",
            "import json, sys, pipeline; print(json.dumps([pipeline.__file__, sys.path]))",
            cwd=work,
            env=env,
        ).stdout
    )
    assert where[0].startswith(str(env_dir))
    dependencies = sysconfig.get_path("purelib")
    assert [p for p in where[1] if p.startswith(str(ROOT)) and p != dependencies] == []  # no checkout

    radar = work / "radar"
    run(
        "academichub",
        "init",
        radar,
        "--no-input",
        "--name",
        "Quantum Radar",
        "--language",
        "en",
        "--topics",
        "quantum-information,language-models",
        cwd=work,
        env=env,
    )
    assert (radar / "requirements.txt").read_text().splitlines()[-1] == f"academichub=={__version__}"
    # the workflows' install step, from the built artefacts
    run(
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-index",
        "--find-links",
        dist,
        "-r",
        "requirements.txt",
        cwd=radar,
        env=env,
    )
    (radar / "notify.yml").write_text(
        yaml.safe_dump({"channels": [{"id": "lab-slack", "kind": "slack", "webhook_env": "RADAR_SLACK"}]})
    )

    day = DEMO_DAY.isoformat()
    with serve_samples() as base, fake_openai.serve() as model:
        (radar / "sources.yml").write_text(yaml.safe_dump(sample_sources(base)))
        model_env = {**env, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": model.url}
        # the daily workflow's steps
        run("academichub", "rules", "check", cwd=radar, env=env)
        run("academichub", "run", "--date", day, "--no-build", "--no-notify", cwd=radar, env=model_env)
        site_env = {
            **env,
            "ACADEMICHUB_SITEURL": "https://me.github.io/quantum-radar",
            "ACADEMICHUB_REPOSITORY": "https://github.com/me/quantum-radar",
        }
        run("academichub", "build", "--publish", cwd=radar, env=site_env)
        sent = run("academichub", "notify", "--date", day, "--dry-run", cwd=radar, env=site_env)
    schemas = [
        r["response_format"]["json_schema"]["schema"]
        for r in model.requests
        if (r.get("response_format") or {}).get("type") == "json_schema"
    ]
    assert schemas and all(set(s["properties"]) == {"en"} for s in schemas), "English briefs only"
    papers = sorted((radar / "content" / "papers").rglob("*.md"))
    assert papers and all("model" in p.read_text() for p in papers[:1])
    index = (radar / "output" / "index.html").read_text()
    assert "Quantum Radar" in index and 'lang="en"' in index
    assert json.loads((radar / "output" / "api" / "v1" / "index.json").read_text())["name"] == "Quantum Radar"
    output = sent.stdout + sent.stderr
    assert "lab-slack" in output and "Quantum Radar · Daily brief" in output
    assert "https://me.github.io/quantum-radar/briefs/" in output
