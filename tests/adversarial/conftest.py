"""The adversarial suite records each case's outcome; docs/robustness.md is the table of them.

``pytest tests/adversarial --write-robustness`` writes the document after a full run of the suite.
A full run without the option writes nothing tracked: it fails the session when the committed
document no longer lists the cases that ran, as they ran (area, attack, expected, result; the
observed column may differ from machine to machine). A filtered run checks nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parents[2] / "docs" / "robustness.md"
_results: dict[str, dict] = {}
_collected: set[str] = set()
_ran: dict[str, bool] = {}  # every case of the suite that ran: passed or not, described or not


@pytest.fixture
def case(request):
    """Call ``case(area, attack, expected, observed)`` once in a test to describe it in the report."""

    def record(area: str, attack: str, expected: str, observed: str) -> None:
        _results[request.node.nodeid] = {"area": area, "attack": attack, "expected": expected, "observed": observed}

    return record


def pytest_collection_modifyitems(session, config, items):
    _collected.update(i.nodeid for i in items if "tests/adversarial/" in i.nodeid.replace("\\", "/"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and item.nodeid in _collected:
        _ran[item.nodeid] = report.passed
        if item.nodeid in _results:
            _results[item.nodeid]["passed"] = report.passed


def _cell(text: str) -> str:
    """Markdown table cell showing the text literally (the attacks contain markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")


def _whole_suite(config) -> bool:
    """True when no filter narrowed the run and every file of the suite was collected."""
    if config.option.keyword or config.option.markexpr or any("::" in str(arg) for arg in config.args):
        return False
    files = {path.name for path in Path(__file__).parent.glob("test_*.py")}
    return files <= {nodeid.split("::")[0].rsplit("/", 1)[-1] for nodeid in _collected}


def pytest_sessionfinish(session, exitstatus):
    done = {k: v for k, v in _results.items() if "passed" in v}
    undescribed_failure = any(not passed and nodeid not in done for nodeid, passed in _ran.items())
    if not _collected or set(_ran) != _collected or undescribed_failure or not _whole_suite(session.config):
        return
    rows = sorted(done.values(), key=lambda r: (r["area"], r["attack"]))
    text = _document(rows)
    if session.config.getoption("write_robustness"):
        REPORT.parent.mkdir(exist_ok=True)
        if not REPORT.exists() or REPORT.read_text(encoding="utf-8") != text:
            REPORT.write_text(text, encoding="utf-8")
    elif _cases(text) != _cases(REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"{REPORT.relative_to(REPORT.parents[1])} is stale: the adversarial suite's cases "
                "changed; run `pytest tests/adversarial --write-robustness` and commit it",
                red=True,
            )


def _document(rows: list[dict]) -> str:
    lines = [
        "# Robustness and security: the adversarial suite",
        "",
        "Written by `pytest tests/adversarial --write-robustness` after a full run of the suite; every",
        "case runs the real code (the `academichub` command against a server on 127.0.0.1, or a built",
        "site in Chromium). A full test run fails when this table no longer matches the suite.",
        "",
        f"{len(rows)} cases, {sum(r['passed'] for r in rows)} passed.",
        "",
        "| area | attack | expected | observed | result |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [r["area"], r["attack"], r["expected"], r["observed"], "pass" if r["passed"] else "**FAIL**"]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _cases(document: str) -> list[tuple[str, ...]]:
    """The table's rows without their observed column (cells split on unescaped bars)."""
    rows = []
    for line in document.splitlines():
        if line.startswith("| ") and not line.startswith(("| area |", "|---")):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows.append((*cells[:3], cells[-1]))
    return rows
