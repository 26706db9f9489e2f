"""The adversarial suite records each case's outcome and writes docs/robustness.md from them.

The table is written only when every case of the suite ran in the session (a filtered run
leaves the document alone), so the committed document is always the output of a full run.
"""

from __future__ import annotations

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
    lines = [
        "# Robustness and security: the adversarial suite",
        "",
        "Written by `pytest tests/adversarial` after a full run of the suite; every case runs the real",
        "code (the `academichub` command against a server on 127.0.0.1, or a built site in Chromium).",
        "",
        f"{len(rows)} cases, {sum(r['passed'] for r in rows)} passed.",
        "",
        "| area | attack | expected | observed | result |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [r["area"], r["attack"], r["expected"], r["observed"], "pass" if r["passed"] else "**FAIL**"]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    REPORT.parent.mkdir(exist_ok=True)
    text = "\n".join(lines) + "\n"
    if not REPORT.exists() or REPORT.read_text(encoding="utf-8") != text:
        REPORT.write_text(text, encoding="utf-8")
