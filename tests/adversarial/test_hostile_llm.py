"""A misbehaving model server, and a brief job killed mid-batch, through the real `academichub brief`.

Expected every time: the run ends cleanly, no entry is half-written, papers without a good
answer stay pending, and the next run (with a healthy server) finishes the work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import fake_openai
import pytest
from helpers import fetch, read_entry, write_sources

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def papers(feed_server, run_cli, tmp_path):
    """Six real entries fetched by the real command from captured cs.AI and cs.CL feeds."""
    feed_server.add("/ai", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
    feed_server.add("/cl", "arxiv_rss/rss-cs.CL-2026-04-27-3items.xml")
    write_sources(
        tmp_path,
        [
            {"id": "ai", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/ai"},
            {"id": "cl", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/cl"},
        ],
    )
    assert fetch(run_cli, tmp_path).returncode == 0
    return tmp_path


def brief_args(tmp: Path, *extra: str) -> list[str]:
    return [
        "brief",
        "--content",
        str(tmp / "content"),
        "--state",
        str(tmp / "state"),
        "--rules",
        str(ROOT / "rules"),
        "--model",
        "gpt-4o-mini",
        "--timeout",
        "5",
        *extra,
    ]


def statuses(tmp: Path) -> dict[str, str]:
    return {e["paper_id"]: e["brief_status"] for e in map(read_entry, sorted((tmp / "content/papers").rglob("*.md")))}


def env_for(fake) -> dict:
    return {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.url}


def finish_with_a_healthy_server(run_cli, tmp: Path) -> dict[str, str]:
    with fake_openai.serve() as healthy:
        result = run_cli(*brief_args(tmp, "--no-daily"), env=env_for(healthy))
    assert result.returncode == 0, result.stderr
    return statuses(tmp)


@pytest.mark.parametrize(
    "fault, label",
    [
        ("malformed", "malformed JSON in every answer"),
        ("length", "every answer cut off (finish_reason length)"),
        ("refusal", "the model refuses every paper"),
        ("obey", "the model obeys instructions instead of answering"),
    ],
)
def test_bad_answers_leave_papers_pending_then_a_later_run_finishes(papers, run_cli, case, fault, label):
    with fake_openai.serve() as fake:
        fake.triggers.append(("<paper>", fault))
        result = run_cli(*brief_args(papers, "--no-daily"), env=env_for(fake))
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    left = set(statuses(papers).values())
    assert left <= {"pending", "failed"}, left  # "failed" entries are retried like pending ones
    assert set(finish_with_a_healthy_server(run_cli, papers).values()) == {"done"}
    case(
        "model server",
        label,
        "no brief written from a bad answer; the next run finishes",
        f"all 6 {'/'.join(sorted(left))} after the bad run, all 6 done after the next",
    )


def test_a_429_storm_is_waited_out(papers, run_cli, case):
    with fake_openai.serve() as fake:
        fake.faults.extend([(429, 1)] * 8)
        started = time.monotonic()
        result = run_cli(*brief_args(papers, "--no-daily", "--concurrency", "2"), env=env_for(fake))
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert set(statuses(papers).values()) == {"done"} and elapsed >= 1
    case(
        "model server",
        "eight HTTP 429 answers with Retry-After: 1",
        "waited as asked, then every paper briefed",
        "6 done after the storm",
    )


def test_killed_during_a_batch_job_then_resumed(papers, run_cli, case):
    with fake_openai.serve() as fake:
        fake.polls_until_done = 10**6  # the batch never finishes while the first process polls
        command = [sys.executable, "-m", "pipeline.cli", *brief_args(papers, "--batch", "--no-daily")]
        process = subprocess.Popen(
            command,
            cwd=papers,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env_for(fake)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        saved = papers / "state/brief-batch.json"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (saved.exists() and fake.calls["/v1/batches"]):
            time.sleep(0.05)
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert saved.exists() and set(statuses(papers).values()) == {"pending"}
        fake.polls_until_done = 1
        resumed = run_cli(*brief_args(papers, "--batch", "--no-daily"), env=env_for(fake))
        assert resumed.returncode == 0, resumed.stderr
        assert fake.calls["/v1/batches"] == 1, "the resumed run must not submit a second batch"
    assert set(statuses(papers).values()) == {"done"} and not saved.exists()
    assert not list((papers / "content").rglob("*.tmp"))
    case(
        "process",
        "SIGKILL while a batch brief job polls, then a second run",
        "the saved batch id is resumed, no second batch, every paper briefed",
        "1 batch submitted, 6 done",
    )
