"""`academichub init`: a new site scaffolded into a temporary folder, checked and built."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
import yaml
from sample_site import fetch_samples

from pipeline.config import Rule, load_rules, load_yaml
from pipeline.console import ask
from pipeline.errors import InitError
from pipeline.fetch.sources import load_sources
from pipeline.project.scaffold import InitOptions, SiteChoices, catalogue, choose, create, skeleton

ROOT = Path(__file__).resolve().parents[2]


def test_skeleton_links_resolve_to_the_repository_files():
    links = [p for p in skeleton().rglob("*") if p.is_symlink()]
    assert links, "the skeleton is made of links to the repository's own files"
    for link in links:
        assert link.exists(), f"{link} points to a missing file"
    assert (skeleton() / "github" / "workflows" / "daily.yml").read_bytes() == (
        ROOT / ".github/workflows/daily.yml"
    ).read_bytes()


def test_init_writes_a_complete_site(tmp_path, run_cli):
    site = tmp_path / "radar"
    done = run_cli(
        "init",
        str(site),
        "--no-input",
        "--name",
        "Quantum & <Agents>",
        "--language",
        "en",
        "--tagline",
        'Qubits "daily"',
        "--repository",
        "https://github.com/me/quantum",
        "--topics",
        "quantum-information,llm-agents",
        "--follow",
        "Ada Lovelace",
        "--follow",
        "José Núñez",
        "--package",
        "academichub==0.1.0",
    )
    assert done.returncode == 0, done.stderr
    for name in (".github/PULL_REQUEST_TEMPLATE.md", ".github/ISSUE_TEMPLATE/rule-proposal.yml", "CONTRIBUTING.md"):
        assert (site / name).read_bytes() == (ROOT / name).read_bytes(), name
    for name in ("daily.yml", "pr.yml", "rebuild.yml"):  # this repository's callers, calling by address
        ours = (ROOT / ".github/workflows" / name).read_text()
        called = f"academichub/academichub/.github/workflows/radar-{name}@v0.1.0"
        written = (site / ".github/workflows" / name).read_text()
        assert written == ours.replace(f"./.github/workflows/radar-{name}", called)
    assert not (site / "theme").exists(), "the theme is the package's, not a copy"
    assert not (site / ".github/actions").exists() and not (site / ".github/scripts").exists()
    rules = {r.id: r for r in load_rules(site / "rules")}
    assert set(rules) == {"quantum-information", "llm-agents", "followed-authors"}
    assert (site / "rules/llm-agents.yml").read_bytes() == (ROOT / "rules/llm-agents.yml").read_bytes()
    assert rules["followed-authors"].include.authors == ["Ada Lovelace", "José Núñez"]
    assert (site / "rules/followed-authors.yml").read_text().startswith("# Following authors")
    sources = {s.id: s for s in load_sources(site / "sources.yml").sources}
    assert sources["arxiv-quant-ph"].categories == ["quant-ph"]
    assert set(sources["arxiv-cs"].categories) == {"cs.AI", "cs.CL", "cs.LG", "cs.MA", "cs.SE"}
    assert sources["arxiv-followed-authors"].query == 'au:"Ada Lovelace" OR au:"José Núñez"'
    assert not any(s.kind in ("rss", "crossref", "biorxiv") for s in sources.values())  # every topic has categories
    settings = runpy.run_path(str(site / "pelicanconf.py"))
    assert settings["SITENAME"] == "Quantum & <Agents>" and settings["SITESUBTITLE"] == 'Qubits "daily"'
    assert settings["DEFAULT_LANG"] == "en" and settings["THEME_TEMPLATES_OVERRIDES"] == ["templates"]
    assert settings["REPOSITORY_URL"] == "https://github.com/me/quantum" and Path(settings["THEME"]).is_dir()
    assert "from pipeline.site.defaults import *" in (site / "pelicanconf.py").read_text()
    assert yaml.safe_load((site / "brief.yml").read_text())["languages"] == ["en"]  # English briefs only
    assert (site / "requirements.txt").read_text().strip().endswith("academichub==0.1.0")
    readme = (site / "README.md").read_text()
    assert readme.startswith("# Quantum & <Agents>\n") and "Settings → Pages" in readme
    assert "output/" in (site / ".gitignore").read_text()
    assert "state/.lock" in (site / ".gitignore").read_text().splitlines()  # the run lock is never committed
    check = run_cli("rules", "check", cwd=site)
    assert check.returncode == 0 and "3 rule files are valid" in check.stderr


def test_keyword_only_topics_bring_the_journals(tmp_path):
    create(tmp_path / "s", SiteChoices(topics=["cancer-biology"]))
    site_sources = load_sources(tmp_path / "s" / "sources.yml").sources
    assert {s.kind for s in site_sources} == {"rss", "crossref", "biorxiv"}
    assert all(getattr(s, "mailto", "") == "" for s in site_sources)  # the project's address is not the new site's


def test_the_scaffolded_site_builds(tmp_path, run_cli):
    site = tmp_path / "radar"
    assert (
        run_cli(
            "init",
            str(site),
            "--no-input",
            "--name",
            "Radar Test",
            "--language",
            "zh",
            "--topics",
            "language-models,cancer-biology",
            "--package",
            "academichub==0.1.0",
        ).returncode
        == 0
    )
    fetch_samples(run_cli, site, site / "rules")
    done = run_cli("build", cwd=site, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(list((site / "output" / "papers").glob("*.html"))) > 0
    index = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert "<title>Radar Test" in index and 'lang="zh' in index


def test_the_package_to_install_can_be_chosen(tmp_path, run_cli):
    spec = "academichub @ git+https://github.com/me/academichub@v0.1.0"
    assert run_cli("init", str(tmp_path / "s"), "--no-input", "--package", spec).returncode == 0
    assert (tmp_path / "s" / "requirements.txt").read_text().splitlines()[-1] == spec
    assert (
        "uses: me/academichub/.github/workflows/radar-daily.yml@v0.1.0"
        in (tmp_path / "s" / ".github/workflows/daily.yml").read_text()
    )


def called(site: Path) -> set[tuple[str, str]]:
    """The (repository, ref) of every reusable workflow a radar's workflows call."""
    calls = set()
    for path in (site / ".github" / "workflows").glob("*.yml"):
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            repository, ref = job["uses"].split("/.github/workflows/")[0], job["uses"].rsplit("@", 1)[1]
            calls.add((repository, ref))
    return calls


@pytest.mark.parametrize(
    "package,expected",
    [
        ("academichub==0.3.1", ("academichub/academichub", "v0.3.1")),
        ("academichub[semantic]==0.3.1", ("academichub/academichub", "v0.3.1")),
        (
            "academichub @ git+https://github.com/me/academichub.git@4f2a9c0d1e2b3a4c5d6e7f8091a2b3c4d5e6f708",
            ("me/academichub", "4f2a9c0d1e2b3a4c5d6e7f8091a2b3c4d5e6f708"),
        ),
    ],
)
def test_the_workflows_call_the_release_the_requirements_pin(tmp_path, package, expected):
    """The callers name the very version requirements.txt pins, and Dependabot bumps both in one group."""
    create(tmp_path / "s", SiteChoices(package=package))
    assert called(tmp_path / "s") == {expected}
    pin = (tmp_path / "s" / "requirements.txt").read_text().splitlines()[-1]
    version = re.search(r"==(\S+)$|@([0-9a-f]{40})$", pin)
    assert expected[1] in (f"v{version.group(1)}", version.group(2))
    bot = yaml.safe_load((tmp_path / "s" / ".github/dependabot.yml").read_text())
    updates = {u["package-ecosystem"]: u for u in bot["updates"]}
    assert set(updates) == {"pip", "github-actions"}
    (group,) = bot["multi-ecosystem-groups"]
    assert {u["multi-ecosystem-group"] for u in updates.values()} == {group}
    assert updates["pip"]["patterns"] == ["academichub"] and updates["github-actions"]["patterns"] == [expected[0]]
    zizmor = yaml.safe_load((tmp_path / "s" / ".github/zizmor.yml").read_text())
    assert zizmor["rules"]["unpinned-uses"]["config"]["policies"] == {f"{expected[0]}/*": "ref-pin"}


def test_refuses_a_folder_that_is_not_empty(tmp_path, run_cli):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine")
    done = run_cli("init", str(tmp_path / "site"), "--no-input", "--package", "academichub==0.1.0")
    assert done.returncode == 1 and "not empty" in done.stderr
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["notes.txt"]
    forced = run_cli("init", str(tmp_path / "site"), "--no-input", "--force", "--package", "academichub==0.1.0")
    assert forced.returncode == 0
    assert (tmp_path / "site" / "notes.txt").read_text() == "mine"


def test_bad_choices_are_refused(tmp_path):
    with pytest.raises(InitError, match="unknown topic nope; choose from: cancer-biology"):
        create(tmp_path / "a", SiteChoices(topics=["nope"]))
    with pytest.raises(InitError, match="at least one topic"):
        create(tmp_path / "b", SiteChoices(topics=[]))
    with pytest.raises(InitError, match="needs a name"):
        create(tmp_path / "c", SiteChoices(name=" "))
    assert not (tmp_path / "a").exists()


def test_list_topics_and_missing_folder(run_cli):
    listed = run_cli("init", "--list-topics")
    assert listed.returncode == 0
    assert "quantum-information" in listed.stderr and "followed-authors" not in listed.stderr
    assert run_cli("init").returncode == 2


def test_questions_when_interactive(monkeypatch):
    answers = iter(
        [
            "Bio Radar",
            "Cells daily",
            "fr",
            "zh",
            "de",
            "zh,en",
            "https://github.com/me/bio",
            "cancer-biology, ecology-climate",
            "Rachel Carson",
        ]
    )
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    choices = choose(InitOptions(package="academichub==0.1.0"), catalogue(), ask)
    assert choices == SiteChoices(
        "Bio Radar",
        "Cells daily",
        "zh",
        ["zh", "en"],
        ["cancer-biology", "ecology-climate"],
        ["Rachel Carson"],
        "academichub==0.1.0",
        "https://github.com/me/bio",
    )
    # options win over questions; defaults without a terminal
    assert choose(InitOptions(name="X", package="academichub==0.1.0"), catalogue()) == SiteChoices(name="X")


def test_brief_languages_follow_the_site_unless_both_are_asked(tmp_path):
    create(tmp_path / "en", SiteChoices(language="en"))
    assert yaml.safe_load((tmp_path / "en" / "brief.yml").read_text())["languages"] == ["en"]
    create(tmp_path / "zh", SiteChoices(language="zh"))
    assert yaml.safe_load((tmp_path / "zh" / "brief.yml").read_text())["languages"] == ["zh"]
    create(tmp_path / "both", SiteChoices(language="en", brief_languages=["en", "zh"]))
    assert yaml.safe_load((tmp_path / "both" / "brief.yml").read_text())["languages"] == ["en", "zh"]
    # the rest of the project's brief.yml comes along, comments and prices included
    written = (tmp_path / "both" / "brief.yml").read_text()
    assert written.replace("[en, zh]", "[zh, en]") == (ROOT / "brief.yml").read_text()
    with pytest.raises(InitError, match="unknown brief language fr"):
        create(tmp_path / "fr", SiteChoices(brief_languages=["fr"]))


def test_contributing_example_rule_is_valid(tmp_path):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "id: graph-learning" in b)
    path = tmp_path / "graph-learning.yml"
    path.write_text("\n".join(line[3:] if line.startswith("   ") else line for line in block.splitlines()))
    rule = load_yaml(path, Rule)
    assert rule.id == "graph-learning" and rule.max_per_day == 30
    follow = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "id: followed-authors" in b)
    path.write_text(follow)
    assert load_yaml(path, Rule).include.authors == ["Ada Lovelace"]
    assert yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/rule-proposal.yml").read_text())["body"]
