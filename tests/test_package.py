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
SHARED = {"pipeline", "pipeline.models", "pipeline.layout", "pipeline.files", "pipeline.errors", "pipeline.markdown",
          "pipeline.text", "pipeline.wording", "pipeline.environment"}
ENVIRONMENT = "pipeline.environment"  # the only module that reads the ACADEMICHUB_* variables
MAY_IMPORT = {
    "pipeline.config": set(),
    "pipeline.archive": set(),
    "pipeline.fetch": {"pipeline.config", "pipeline.archive", "pipeline.semantic"},
    "pipeline.semantic": {"pipeline.config", "pipeline.archive"},
    "pipeline.brief": {"pipeline.config", "pipeline.archive", "pipeline.semantic"},
    "pipeline.notify": {"pipeline.config", "pipeline.archive", "pipeline.brief"},
    "pipeline.publish": {"pipeline.archive"},
    "pipeline.site": {"pipeline.config", "pipeline.archive", "pipeline.semantic", "pipeline.notify", "pipeline.publish"},
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
                    for b in node.bases):
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
                assert not any(n == "argparse" or n.startswith("rich") for n in names), \
                    f"{path}:{node.lineno}: argparse or rich below the CLI"


def _variable_names(tree: ast.AST) -> list[tuple[int, str]]:
    """The ``ACADEMICHUB_*`` names a module's code spells out (a name inside a longer text is prose)."""
    return [(node.lineno, node.value) for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and re.fullmatch(r"ACADEMICHUB_[A-Z0-9_]+", node.value)]


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
    first = subprocess.run([*git, "log", "--diff-filter=A", "--format=%H", "--", "CHANGELOG.md"],
                           capture_output=True, text=True).stdout.split()
    if not first:
        pytest.skip("no changelog in this checkout's history")
    log = subprocess.run([*git, "log", "--format=%h %s", f"{first[-1]}^..HEAD"], capture_output=True, text=True)
    if log.returncode:
        pytest.skip(f"the history is cut short here: {log.stderr.strip()}")
    subjects = log.stdout.splitlines()
    assert [s for s in subjects if len(s.split(" ", 1)[1]) > 72] == []
