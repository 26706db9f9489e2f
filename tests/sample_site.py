"""A project folder with real fetched content: the bundled sample feeds, fetched by the real CLI."""

from __future__ import annotations

from pathlib import Path

from pipeline.demo import DEMO_DAY, samples_dir, serve_samples


def fetch_samples(run_cli, folder: Path, rules: Path) -> None:
    """`academichub fetch` of the demo's captured feeds (served on 127.0.0.1) into folder/content and state."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve_samples() as base:
        text = (samples_dir() / "sources.yml").read_text(encoding="utf-8").replace("{base}", base)
        (folder / "samples.yml").write_text(text, encoding="utf-8")
        done = run_cli("fetch", "--sources", "samples.yml", "--rules", str(rules), "--date", DEMO_DAY.isoformat(),
                       cwd=folder)
    (folder / "samples.yml").unlink()
    assert done.returncode == 0, done.stderr
