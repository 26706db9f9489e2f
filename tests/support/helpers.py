"""Helpers shared by the integration and adversarial tests."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from pipeline.archive.entry import metadata

HERE = Path(__file__).parents[1]  # tests/
RULES = HERE / "fixtures" / "rules"
FEEDS = HERE / "fixtures" / "feeds"


def read_entry(path: Path) -> dict:
    """Metadata (lower-cased keys, as the archive reads them), the Record as stored (JSON, not a
    Paper: the tests check what the file says) and the body of one entry."""
    meta = {key.lower(): value for key, value in metadata(path).items()}
    meta["record"] = json.loads(meta["record"])
    meta["body"] = path.read_text(encoding="utf-8").partition("\n\n")[2]
    return meta


def write_sources(tmp: Path, sources: list[dict], **http) -> Path:
    settings = {
        "arxiv_interval": 0,
        "retries": 1,
        "backoff": 0.01,
        "connect_timeout": 2,
        "read_timeout": 2,
        "contact": "tests@example.org",
        **http,
    }
    # the captured feeds are months or years older than the days the tests fetch: every record is
    # taken as that day's news unless a test sets the source's max_age_days itself
    sources = [{"max_age_days": None, **source} for source in sources]
    path = tmp / "sources.yml"
    path.write_text(yaml.safe_dump({"http": settings, "sources": sources}), encoding="utf-8")
    return path


def fetch_args(day: str = "2026-04-27", rules: Path = RULES) -> tuple[str, ...]:
    """The command line of a fetch of a test folder's sources.yml into its content/ and state/."""
    return (
        "fetch",
        "--sources",
        "sources.yml",
        "--rules",
        str(rules),
        "--content",
        "content",
        "--state",
        "state",
        "--date",
        day,
    )


def fetch(run_cli, tmp: Path, day: str = "2026-04-27", *extra: str, rules: Path = RULES):
    return run_cli(*fetch_args(day, rules), *extra, cwd=tmp)


def entry(tmp: Path, rel: str) -> dict:
    return read_entry(tmp / "content" / "papers" / rel)


def last_run(tmp: Path) -> dict:
    lines = (tmp / "state" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    run = json.loads(lines[-1])
    return {s["source"]: s for s in run["sources"]}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def indexed(state: Path) -> dict[str, dict]:
    """Every paper the index in ``state/papers/`` lists, by id (its path, keys, radar day, brief status)."""
    papers: dict[str, dict] = {}
    for shard in sorted((state / "papers").glob("*.json")):
        papers.update(json.loads(shard.read_text(encoding="utf-8"))["papers"])
    return papers
