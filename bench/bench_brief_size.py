"""What a brief costs the published site, by tier: bytes per briefed paper.

Builds a radar's site four times from copies of its ``content/`` (and ``state/``): with the briefs
its entries have and with every brief removed (``Brief_status: pending``, no ``Brief:`` line, no
brief section, as before the brief step ran), each once with every paper in the current tier
(``ARCHIVE_CURRENT_PAPERS = 0``) and once with only the newest month current (``= 1``, the older
months archived as shards). The difference of the output's bytes, divided by the briefed papers of
each tier, is what a brief adds to a current paper and to an archived one (its page, its API file,
its search entry, the lists that show its summary).

    python bench/bench_brief_size.py RADAR        # RADAR: a folder with content/, state/, rules/

A radar with briefed entries is what ``bench/bench_repository.py --work DIR`` leaves in DIR/history
(bilingual briefs from the model server of tests/support/fake_openai.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from kinds import cost_by_kind

from pipeline.archive.entry import read_entries, with_brief
from pipeline.files import atomic_write
from pipeline.site import build
from pipeline.site.build import periods_report
from pipeline.site.periods import Manifest


def site(radar: Path, work: Path, briefs: bool, current_papers: int) -> tuple[dict[str, int], dict]:
    """The output's bytes by kind of file (bench/kinds.py; the closed months' files as "archive tier: …")
    of one build of a copy of ``radar``, and its tiers."""
    project = work / f"{'briefs' if briefs else 'none'}-{current_papers}"
    for name in ("content", "state", "rules"):
        shutil.copytree(radar / name, project / name)
    conf = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    (project / "pelicanconf.py").write_text(
        conf + f"\nARCHIVE_CURRENT_PAPERS = {current_papers}\nCACHE_PATH = {str(project / 'cache')!r}\n",
        encoding="utf-8",
    )
    if not briefs:
        for entry in read_entries(project / "content"):
            atomic_write(entry.path, with_brief(entry, "pending", None))
    settings = project / "pelicanconf.py"
    build(
        project / "content",
        project / "output",
        settings_file=settings,
        rules=project / "rules",
        state=project / "state",
        jobs=1,
    )
    tiers = periods_report(project / "content", project / "output", settings_file=settings)
    manifests = [Manifest.load(path) for path in (project / "cache").glob("*/periods/*.json")]  # and entries.json
    archived = frozenset(name for manifest in manifests if manifest for name in manifest.files)
    return {kind: size for kind, (_, size) in cost_by_kind(project / "output", archived).items()}, tiers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("radar", type=Path)
    options = parser.parse_args()
    briefed = sum(1 for e in read_entries(options.radar / "content") if e.brief)
    work = Path(tempfile.mkdtemp(prefix="bench-brief-size-"))
    try:
        # every paper current: what a brief adds to each kind of file, per current paper
        with_, _ = site(options.radar, work, True, 0)
        without, tiers = site(options.radar, work, False, 0)
        papers = sum(p["papers"] for p in tiers["current"])
        current = {kind: (with_.get(kind, 0) - without.get(kind, 0)) / papers for kind in with_.keys() | without.keys()}
        # the older months archived: what it adds to the shards' files, per archived paper
        with_, _ = site(options.radar, work, True, 1)
        without, tiers = site(options.radar, work, False, 1)
        papers = sum(p["papers"] for p in tiers["closed"])
        archived = {
            kind: (with_.get(kind, 0) - without.get(kind, 0)) / papers
            for kind in with_.keys() | without.keys()
            if kind.startswith("archive tier: ")
        }
        print(
            json.dumps(
                {
                    "briefed": briefed,
                    "archived papers": papers,
                    "per current paper": {k: round(v) for k, v in sorted(current.items(), key=lambda i: -i[1])},
                    "per archived paper": {k: round(v) for k, v in sorted(archived.items(), key=lambda i: -i[1])},
                    "per current paper, all": round(sum(current.values())),
                    "per archived paper, all (its shard's files)": round(sum(archived.values())),
                },
                indent=1,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
