"""AcademicHub starts where POSIX-only modules are missing (Windows has no fcntl): the lock and every
other OS-specific call go through filelock, and the command line runs with `fcntl` hidden."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource", "posix", "tty", "pty"}
# the interpreter with fcntl gone: importing it fails as it does on Windows
WITHOUT_FCNTL = (
    "import runpy, sys; sys.modules['fcntl'] = None; sys.argv[0] = 'academichub'; "
    "runpy.run_module('pipeline.cli', run_name='__main__', alter_sys=True)"
)


def test_the_package_imports_no_posix_only_module():
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            found = {name.split(".")[0] for name in names} & POSIX_ONLY
            assert not found, f"{path.relative_to(ROOT)}:{node.lineno}: imports {found}; use filelock or os"


def without_fcntl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", WITHOUT_FCNTL, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"},
    )


def test_the_hiding_works(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['fcntl'] = None; import fcntl"], capture_output=True, text=True
    )
    assert done.returncode == 1 and "ModuleNotFoundError" in done.stderr


def test_the_command_line_runs_without_fcntl(tmp_path):
    imported = subprocess.run(
        [
            sys.executable,
            "-W",
            "ignore",
            "-c",
            WITHOUT_FCNTL.replace(
                "runpy.run_module('pipeline.cli', run_name='__main__', alter_sys=True)",
                "import pipeline.cli, pipeline.archive.lock, pipeline.site, pipeline.notify, pipeline.fetch; "
                "print(sorted(name for name, module in sys.modules.items() if module))",
            ),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert imported.returncode == 0 and "pipeline.archive.lock" in imported.stdout, imported.stderr
    assert "'fcntl'" not in imported.stdout
    helped = without_fcntl("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "init" in helped.stdout, helped.stderr
    made = without_fcntl(
        "init", "radar", "--no-input", "--package", "academichub==0.1.0", "--language", "en", cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    checked = without_fcntl("rules", "check", cwd=tmp_path / "radar")
    assert checked.returncode == 0 and "rule files are valid" in checked.stderr, checked.stderr
    upgrade = without_fcntl("init", "--upgrade", cwd=tmp_path / "radar")
    assert upgrade.returncode == 0 and "up to date" in upgrade.stderr, upgrade.stderr
