"""A project folder with real fetched content: the bundled sample feeds, fetched by the real CLI."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.project.demo import DEMO_DAY, samples_dir, serve_samples


def sample_sources(base: str) -> dict:
    """The demo's sources file served from ``base``, every captured record taken as the day's news
    (old Crossref ones too: the site tests want every kind of record)."""
    config = yaml.safe_load((samples_dir() / "sources.yml").read_text(encoding="utf-8").replace("{base}", base))
    for source in config["sources"]:
        source["max_age_days"] = None
    return config


def fetch_samples(run_cli, folder: Path, rules: Path) -> None:
    """`academichub fetch` of the demo's captured feeds (served on 127.0.0.1) into folder/content and state."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve_samples() as base:
        (folder / "samples.yml").write_text(yaml.safe_dump(sample_sources(base)), encoding="utf-8")
        done = run_cli(
            "fetch", "--sources", "samples.yml", "--rules", str(rules), "--date", DEMO_DAY.isoformat(), cwd=folder
        )
    (folder / "samples.yml").unlink()
    assert done.returncode == 0, done.stderr
