"""The documentation: a short README whose commands are the ones CI runs, and a site built with
``mkdocs build --strict`` (a broken link, a missing anchor or a page outside the nav fails it) whose
references are generated from the code: every command and option, every settings key, the entry
format and every API schema."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DEMO = "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && academichub demo"


def _needs_mkdocs():
    """The docs extra is installed by .ci/run: on CI its absence is a failure, elsewhere a skip."""
    try:
        import material  # noqa: F401
        import mkdocs  # noqa: F401
    except ImportError:
        message = "the docs extra is not installed: pip install -e '.[docs]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def build(root: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        check=False,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    _needs_mkdocs()
    out = tmp_path_factory.mktemp("docs") / "site"
    done = build(ROOT, out)
    assert done.returncode == 0, done.stderr
    return out


# ------------------------------------------------------------------------------------------ README


def test_the_readme_is_short_and_its_test_command_is_the_one_ci_runs():
    assert len(README.splitlines()) <= 200
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    assert DEMO in commands
    (tests,) = [c for c in commands if c.endswith("pytest -q")]
    script = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert script[-1] == tests
    assert {"dev", "semantic", "docs"} <= set(re.search(r"-e '\.\[([a-z,]+)\]'", tests).group(1).split(","))


def test_the_readmes_links_lead_to_files_of_the_repository():
    targets = [t for t in re.findall(r"\]\(([^)\s]+)\)", README) if not t.startswith(("http://", "https://"))]
    assert "docs/index.md" in targets and "docs/tutorial/index.md" in targets
    for target in targets:
        assert (ROOT / target.split("#")[0]).is_file(), target


# ------------------------------------------------------------------------------------ the built site


def test_every_page_of_docs_is_built_and_in_the_navigation(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    pages = [p.relative_to(ROOT / "docs") for p in (ROOT / "docs").rglob("*.md") if "hooks" not in p.parts]
    assert Path("robustness.md") in pages and len(pages) >= 25
    for source in pages:
        url = source.with_suffix("").as_posix()
        url = url.removesuffix("index").rstrip("/")
        built = site / url / "index.html" if url else site / "index.html"
        assert built.is_file(), source
        assert f'href="{url}/"' in home or not url, f"{source} is not in the navigation"


def test_the_cli_reference_has_every_command_and_option(site):
    import argparse

    from pipeline.cli import build_parser

    text = page(site, "reference/cli")
    found = 0

    def walk(parser, path):
        nonlocal found
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, path + (name,))
            elif path and action.option_strings and "--help" not in action.option_strings:
                assert action.help, f"academichub {' '.join(path)} {action.option_strings[0]}: give it a help text"
                assert f'id="academichub-{"-".join(path)}"' in text, path
                assert any(option in text for option in action.option_strings), (path, action.option_strings)
                found += 1

    walk(build_parser(), ())
    assert found > 80
    assert "--lock-timeout SECONDS" in text and "Extras to install" not in text


def hook():
    """The documentation's build hook, as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location("docs_reference_hook", ROOT / "docs" / "hooks" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_settings_reference_has_every_key_with_its_comment(site):
    reference = hook()
    text = page(site, "reference/settings")
    models = [model for model, _ in reference._settings_files().values()]
    seen = set()
    while models:
        model = models.pop()
        if model in seen:
            continue
        seen.add(model)
        section = text.split(f'id="{model.__name__.lower()}"', 1)[1].split("<h3", 1)[0]
        said = reference.described(model)
        for name, field in model.model_fields.items():
            if not field.exclude:
                assert f"<code>{name}</code>" in section, (model.__name__, name)
                # a key people write is documented where it is declared: a comment on its line or above it
                assert said.get(name), f"{model.__name__}.{name}: write what it is in a comment in pipeline/config/"
        models += [m for field in model.model_fields.values() for m in reference._models(field.annotation)]
    assert len(seen) >= 12
    # a key's comment in the model is its description; bounds and defaults come from the model
    assert "the OAI set, e.g. &quot;cs&quot; or &quot;physics:quant-ph&quot;" in text
    assert "cosine similarity to the nearest of those papers" in text and "≤ 512" in text
    site_settings = page(site, "reference/site-settings")
    assert "<code>AUTHOR_PAGE_MIN_PAPERS</code>" in site_settings
    assert "Authors with at least this many papers" in site_settings


def test_the_entry_example_is_an_entry_the_archive_reads_back(site, tmp_path):
    from pipeline.archive.entry import read_record

    text = page(site, "reference/entry-format")
    shown = re.search(r"<pre[^>]*>(.*?Title:.*?)</pre>", text, re.DOTALL).group(1)
    block = html.unescape(re.sub(r"<[^>]+>", "", shown))
    (tmp_path / "entry.md").write_text(block.lstrip(), encoding="utf-8")
    paper = read_record(tmp_path / "entry.md")
    assert paper is not None and paper.id.startswith("arxiv:") and paper.topics
    assert f"Paper_id: {paper.id}" in block and "Received: 2026-04-27" in block


def test_the_api_reference_publishes_and_describes_every_schema(site):
    text = page(site, "reference/api")
    schemas = sorted((ROOT / "pipeline" / "site" / "schemas").glob("*.schema.json"))
    assert len(schemas) >= 5
    for path in schemas:
        assert (site / "reference" / "schemas" / path.name).read_bytes() == path.read_bytes()
        assert f'href="../schemas/{path.name}"' in text or f'href="schemas/{path.name}"' in text, path.name
        schema = json.loads(path.read_text(encoding="utf-8"))
        for name in schema.get("properties", {}):
            assert f"<code>{name}</code>" in text, (path.name, name)


def test_the_changelog_and_the_benchmarks_latest_figures_are_included(site):
    assert "Unreleased" in page(site, "changelog")
    benchmarks = page(site, "developer/benchmarks")
    first_row = next(
        line
        for line in (ROOT / "bench" / "results.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| pipeline |")
    )
    assert html.escape(first_row.split("|")[2].strip(), quote=False) in benchmarks
    assert "Papers per GB: which figure is which" in benchmarks


def test_a_broken_link_or_anchor_fails_the_build_and_an_unlisted_page_joins_its_section(tmp_path):
    _needs_mkdocs()
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    # the hook reads the repository's code and files from the package and its checkout
    hook = root / "docs" / "hooks" / "reference.py"
    hook.write_text(
        hook.read_text(encoding="utf-8").replace(
            "ROOT = Path(__file__).resolve().parents[2]", f"ROOT = Path({str(ROOT)!r})"
        ),
        encoding="utf-8",
    )
    guide = root / "docs" / "how-to" / "new-guide.md"
    guide.write_text("# A new guide\n\nSee [the sources](sources.md).\n", encoding="utf-8")
    done = build(root, tmp_path / "ok")
    assert done.returncode == 0, done.stderr
    home = (tmp_path / "ok" / "index.html").read_text(encoding="utf-8")
    assert 'href="how-to/new-guide/"' in home
    guide.write_text("# A new guide\n\n[gone](nowhere.md), [no anchor](sources.md#no-such-heading)\n", encoding="utf-8")
    done = build(root, tmp_path / "broken")
    assert done.returncode != 0
    assert "nowhere.md" in done.stderr and "no-such-heading" in done.stderr


def test_the_guides_examples_are_valid_settings_files(tmp_path):
    """The sources and rules a guide shows load with the real loaders (the notify.yml example is
    checked beside the notify stage)."""
    from pipeline.config import load_rules
    from pipeline.fetch.sources import load_sources

    def example(name: str) -> str:
        text = (ROOT / "docs" / "how-to" / name).read_text(encoding="utf-8")
        return text.split("```yaml\n", 1)[1].split("```", 1)[0]

    (tmp_path / "sources.yml").write_text(example("sources.md"), encoding="utf-8")
    assert [s.kind for s in load_sources(tmp_path / "sources.yml").sources] == ["arxiv_rss"]
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "llm-reasoning.yml").write_text(example("rules.md"), encoding="utf-8")
    (rule,) = load_rules(tmp_path / "rules")
    assert rule.id == "llm-reasoning" and "agent*" in rule.include.keywords


def test_the_tutorials_init_makes_the_folder_it_describes(run_cli, tmp_path):
    """The tutorial's scripted `academichub init` runs as written and writes the files its table names."""
    tutorial = (ROOT / "docs" / "tutorial" / "index.md").read_text(encoding="utf-8")
    (command,) = [c for c in re.findall(r"```sh\n(.*?)\n```", tutorial, re.DOTALL) if "--no-input" in c]
    args = shlex.split(command.replace("\\\n", " "))
    assert args[:3] == ["academichub", "init", "my-radar"]
    # the tutorial installs a release or a git URL, which init pins; this checkout has no such origin
    done = run_cli(*args[1:], "--package", "academichub==0.1.0")
    assert done.returncode == 0, done.stderr
    table = tutorial.split("The folder holds:", 1)[1].split("\n\n", 2)[1]
    named = re.findall(r"^\| `([^`]+)`(?:, `([^`]+)`)?", table, re.MULTILINE)
    files = [name for pair in named for name in pair if name]
    assert len(files) >= 8
    for name in files:
        assert (tmp_path / "my-radar" / name).exists(), name
    assert "Quantum Radar" in (tmp_path / "my-radar" / "pelicanconf.py").read_text(encoding="utf-8")
