"""What `academichub init` pins in requirements.txt: what really installs this AcademicHub again."""

from __future__ import annotations

import subprocess

import pytest

from pipeline.errors import InitError
from pipeline.project.origin import HOME_REPOSITORY, git_origin, requirement_for, workflow_source

COMMIT = "4f2a9c0d1e2b3a4c5d6e7f8091a2b3c4d5e6f708"


def git(folder, *args):
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def checkout(tmp_path):
    """A git checkout with one commit and no remote."""
    folder = tmp_path / "academichub"
    folder.mkdir()
    git(folder, "init", "--quiet")
    (folder / "pyproject.toml").write_text("[project]\nname = 'academichub'\n")
    git(folder, "add", ".")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "start")
    return folder


def test_a_release_from_an_index_pins_that_release():
    assert requirement_for(None, "0.3.1") == "academichub==0.3.1"


def test_a_vcs_install_pins_its_url_at_the_installed_commit():
    direct = {
        "url": "https://github.com/me/academichub.git",
        "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"},
    }
    assert requirement_for(direct, "0.3.1") == f"academichub @ git+https://github.com/me/academichub.git@{COMMIT}"


def test_an_archive_from_the_web_pins_its_address():
    direct = {"url": "https://example.org/academichub-0.3.1-py3-none-any.whl", "archive_info": {}}
    assert requirement_for(direct, "0.3.1") == "academichub @ https://example.org/academichub-0.3.1-py3-none-any.whl"


def test_a_checkout_with_a_remote_pins_the_remote_at_its_commit(checkout):
    git(checkout, "remote", "add", "origin", "https://github.com/me/academichub.git")
    head = git(checkout, "rev-parse", "HEAD")
    editable = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    assert requirement_for(editable, "0.3.1") == f"academichub @ git+https://github.com/me/academichub.git@{head}"
    # an SSH remote is read as its https address: a workflow has no SSH key
    git(checkout, "remote", "set-url", "origin", "git@github.com:me/academichub.git")
    assert git_origin(checkout) == ("https://github.com/me/academichub.git", head)
    # running from the checkout itself (on the path, not installed)
    assert requirement_for(None, "0.3.1", checkout).endswith(f"@{head}")


@pytest.mark.parametrize("remote", [None, "/srv/git/academichub.git", "file:///srv/git/academichub.git"])
def test_a_local_path_without_a_remote_on_the_web_is_refused_with_the_way_out(checkout, tmp_path, remote):
    if remote:
        git(checkout, "remote", "add", "origin", remote)
    for direct in (
        {"url": checkout.as_uri(), "dir_info": {}},
        {"url": (tmp_path / "academichub-0.3.1-py3-none-any.whl").as_uri(), "archive_info": {}},
    ):
        with pytest.raises(InitError, match="installed from .* cannot install from") as raised:
            requirement_for(direct, "0.3.1")
        assert "--package academichub==0.3.1" in str(raised.value) and "git+https://" in str(raised.value)


def test_init_without_a_pin_it_can_make_says_how_to_choose(tmp_path, run_cli, checkout):
    """The CLI runs from a source folder that is no installable place: init stops before writing."""
    env = {"PYTHONPATH": ""}  # the package is found only as installed: in this checkout (editable), no remote
    done = run_cli("init", str(tmp_path / "radar"), "--no-input", env=env)
    if done.returncode == 0:  # this checkout has a remote on the web: then it is pinned at its commit
        assert "academichub @ git+" in (tmp_path / "radar" / "requirements.txt").read_text()
    else:
        assert done.returncode == 1 and "--package" in done.stderr and not (tmp_path / "radar").exists()


@pytest.mark.parametrize(
    "requirement,expected",
    [
        ("academichub==0.3.1", (HOME_REPOSITORY, "v0.3.1")),
        ("academichub[s3,semantic] == 0.3.1", (HOME_REPOSITORY, "v0.3.1")),
        (f"academichub @ git+https://github.com/me/academichub.git@{COMMIT}", ("me/academichub", COMMIT)),
        ("academichub @ git+https://github.com/me/academichub@v0.3.1", ("me/academichub", "v0.3.1")),
    ],
)
def test_the_workflows_go_with_the_requirement(requirement, expected):
    assert workflow_source(requirement) == expected


def test_a_requirement_no_workflow_can_follow_gets_this_releases_workflows():
    from pipeline import __version__

    for requirement in (
        "academichub @ https://example.org/academichub-0.3.1-py3-none-any.whl",
        f"academichub @ git+https://gitlab.com/me/academichub@{COMMIT}",
    ):
        assert workflow_source(requirement) == (HOME_REPOSITORY, f"v{__version__}")


def test_the_home_repository_is_the_packages_homepage():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]
    assert project["urls"]["Homepage"] == f"https://github.com/{HOME_REPOSITORY}"
