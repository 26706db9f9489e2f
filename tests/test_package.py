"""The package's shape: its folders are its stages, imports go one way, errors have one tree, and only
the command line talks to the terminal (docs/developer/architecture.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
EDGES = ("pipeline.cli", "pipeline.console")  # the only modules that print or read the terminal
# what each part may import besides the shared records, layout, files and errors
SHARED = {
    "pipeline",
    "pipeline.models",
    "pipeline.layout",
    "pipeline.files",
    "pipeline.errors",
    "pipeline.markdown",
    "pipeline.text",
    "pipeline.wording",
    "pipeline.environment",
}
ENVIRONMENT = "pipeline.environment"  # the only module that reads the ACADEMICHUB_* variables
MAY_IMPORT = {
    "pipeline.config": set(),
    "pipeline.archive": set(),
    "pipeline.fetch": {"pipeline.config", "pipeline.archive", "pipeline.semantic"},
    "pipeline.semantic": {"pipeline.config", "pipeline.archive"},
    "pipeline.brief": {"pipeline.config", "pipeline.archive", "pipeline.semantic"},
    "pipeline.notify": {"pipeline.config", "pipeline.archive", "pipeline.brief"},
    "pipeline.publish": {"pipeline.archive"},
    "pipeline.site": {
        "pipeline.config",
        "pipeline.archive",
        "pipeline.semantic",
        "pipeline.notify",
        "pipeline.publish",
    },
    "pipeline.mcp_server": {"pipeline.config", "pipeline.archive", "pipeline.semantic"},
    "pipeline.ops": {"pipeline.config", "pipeline.archive", "pipeline.fetch", "pipeline.notify"},
}


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = (path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


MODULES = _modules()


def _imports(name: str, path: Path, tree: ast.Module) -> set[str]:
    """The package's modules ``name`` imports, at its top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            out |= {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
    return {m for m in out if m in MODULES and m != name}


def _part(name: str) -> str:
    """The stage a module belongs to: ``pipeline.brief.daily`` → ``pipeline.brief``."""
    return ".".join(name.split(".")[:2])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            if component:
                found.append(sorted([node, *component]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


GRAPH = {name: _imports(name, path, tree) for name, (path, tree) in MODULES.items()}
STAGES: dict[str, set[str]] = {}
for _name, _targets in GRAPH.items():
    STAGES.setdefault(_part(_name), set()).update(_part(t) for t in _targets if _part(t) != _part(_name))


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back():
    assert cycles(GRAPH) == []


def test_no_two_stages_import_each_other():
    assert cycles(STAGES) == []


@pytest.mark.parametrize("stage", sorted(MAY_IMPORT))
def test_a_stage_imports_only_what_it_may(stage):
    assert STAGES[stage] - SHARED - MAY_IMPORT[stage] == set()


def test_every_error_derives_from_the_one_base_in_errors_py():
    for name, (path, tree) in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and (b.id.endswith(("Error", "Exception")) or b.id == "ValueError")
                for b in node.bases
            ):
                assert name == "pipeline.errors", f"{path}:{node.lineno}: {node.name} belongs in errors.py"
    import pipeline.errors as errors

    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert classes and all(issubclass(c, errors.AcademicHubError) for c in classes)


def test_only_the_command_line_prints_or_reads_arguments():
    for name, (path, tree) in MODULES.items():
        if name in EDGES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "input"), f"{path}:{node.lineno}: {node.func.id}() below the CLI"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n == "argparse" or n.startswith("rich") for n in names), (
                    f"{path}:{node.lineno}: argparse or rich below the CLI"
                )


# keys of other formats' records, which name a paper's id and title their own way
FOREIGN_KEYS = {"content_html"}  # a JSON Feed 1.1 item


def hand_built_papers(tree: ast.Module) -> list[int]:
    """The lines of dict literals that spell out a paper: its id, its title and another field of the
    paper's view (pipeline.models.PaperView) as keys, with values to compute (a table of names is none)."""
    from pipeline.models import PaperView

    known = set(PaperView.__dataclass_fields__) | set(PaperView.ALIASES)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and not all(isinstance(v, ast.Constant) for v in node.values):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            if {"id", "title"} <= keys and len(keys & known) > 2 and not keys & FOREIGN_KEYS:
                found.append(node.lineno)
    return found


def test_a_paper_is_spelled_out_only_by_its_view():
    """Pages, cards, data/index.json, the API and the MCP server take a paper's fields from its view by
    declared key lists (PaperView.pick): no module builds its own paper dict."""
    built = [
        f"{path}:{line}"
        for name, (path, tree) in MODULES.items()
        if name != "pipeline.models"
        for line in hand_built_papers(tree)
    ]
    assert not built, f"a paper built by hand (declare its keys on PaperView): {built}"
    assert hand_built_papers(ast.parse('card = {"id": p.id, "title": p.title, "authors": names}'))


def _variable_names(tree: ast.AST) -> list[tuple[int, str]]:
    """The ``ACADEMICHUB_*`` names a module's code spells out (a name inside a longer text is prose)."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"ACADEMICHUB_[A-Z0-9_]+", node.value)
    ]


def test_the_variables_a_radar_sets_are_read_in_one_module():
    """No module but environment.py reads an ``ACADEMICHUB_*`` variable, and the build hands the site
    plugin its folders and tiers as one typed record (site/settings.py), not as ``ACADEMICHUB_*`` settings;
    the project's own settings files take the variables from the package too."""
    files = {name: (path, tree) for name, (path, tree) in MODULES.items() if name != ENVIRONMENT}
    for conf in ("pelicanconf.py", "publishconf.py"):
        files[conf] = (ROOT / conf, ast.parse((ROOT / conf).read_text(encoding="utf-8")))
    found = [f"{path}:{line}: {value}" for path, tree in files.values() for line, value in _variable_names(tree)]
    assert found == []
    assert _variable_names(ast.parse('os.environ.get("ACADEMICHUB_SITEURL", "")')) == [(1, "ACADEMICHUB_SITEURL")]


def test_the_environment_record_names_each_variable():
    from pipeline.environment import Environment

    env = Environment.read({"ACADEMICHUB_SITEURL": "https://r.example", "ACADEMICHUB_S3_BUCKET": "b", "OTHER": "x"})
    assert (env.siteurl, env.s3_bucket, env.model) == ("https://r.example", "b", "")


def test_commit_subjects_fit_on_one_line():
    """Every commit since the changelog began has a subject of at most 72 characters (git's one-line
    views and the changelog's release notes show no more)."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    git = ["git", "-C", str(ROOT)]
    first = subprocess.run(
        [*git, "log", "--diff-filter=A", "--format=%H", "--", "CHANGELOG.md"], capture_output=True, text=True
    ).stdout.split()
    if not first:
        pytest.skip("no changelog in this checkout's history")
    log = subprocess.run([*git, "log", "--format=%h %s", f"{first[-1]}^..HEAD"], capture_output=True, text=True)
    if log.returncode:
        pytest.skip(f"the history is cut short here: {log.stderr.strip()}")
    subjects = log.stdout.splitlines()
    assert [s for s in subjects if len(s.split(" ", 1)[1]) > 72] == []


CITATION_WRITERS = {  # what writing each format takes: an entry or field template, a tagged line, a CSL date
    "BibTeX": re.compile(
        r"@\$\{|@\{\{|@\{'|@(?:article|misc|inproceedings|book)\{"
        r"|= \{\$\{|= \{\{\{"
    ),
    "RIS": re.compile(r"ER  - |  - \$\{|  - \{"),
    "CSL-JSON": re.compile(r"""["']?date-parts["']?\s*:\s*\[\["""),
}
CITATION_WRITER = PACKAGE / "site" / "citations.py"


def test_each_citation_format_has_one_writer():
    """BibTeX, RIS and CSL-JSON are written by pipeline/site/citations.py alone: the pages show its
    text, the API publishes it, the browser's exports fetch it; no template of theirs elsewhere."""
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "theme").rglob("*.js"), *(ROOT / "theme").rglob("*.html")]
    writers = {kind: [] for kind in CITATION_WRITERS}
    for path in files:
        if "katex" in path.parts:  # the vendored TeX renderer
            continue
        text = path.read_text(encoding="utf-8")
        for kind, pattern in CITATION_WRITERS.items():
            writers[kind] += [
                f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}" for m in pattern.finditer(text)
            ]
    assert {kind: {w.split(":")[0] for w in found} for kind, found in writers.items()} == {
        kind: {str(CITATION_WRITER.relative_to(ROOT))} for kind in CITATION_WRITERS
    }, writers


def test_the_scripts_take_the_scripts_ranges_from_the_build():
    """The Han and CJK ranges the theme's scripts match are the package's (views.HAN, identity.CJK),
    from the module the build writes (site/scripts.py), not a second copy in the theme."""
    copies = re.compile(r"\\u\{?(?:3400|4E00|AC00|3040)\b|\\p\{Script=(?:Han|Hangul|Hiragana)\}", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}"
        for path in (ROOT / "theme" / "static" / "js").rglob("*.js")
        if copies.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize("check", [["check"], ["format", "--check"]], ids=["rules", "format"])
def test_the_code_passes_ruff(check):
    """ruff (pinned in the dev extra) with the rules pyproject.toml names, and its formatter: the same
    checks as .pre-commit-config.yaml, run by every test run, so CI runs them too."""
    import subprocess

    from ruff.__main__ import find_ruff_bin

    done = subprocess.run([find_ruff_bin(), *check, "."], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
