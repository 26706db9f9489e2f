"""Three radar days from every kind of source, through the real CLI: the captured feeds served on
127.0.0.1 with their dates moved next to the run days, as the feeds would be on them — arXiv's RSS (the
day's announcements, a replacement on the second day), a journal's RSS whose issue is dated days earlier,
bioRxiv and medRxiv with ``days: 2``, an arXiv author query over the last week, and Crossref (a 2012
record, and on the third day a journal article naming its arXiv preprint)."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import FEEDS, RULES, read_entry

ROOT = Path(__file__).resolve().parents[2]
D1, D2, D3 = "2026-04-27", "2026-04-28", "2026-04-29"
REPLACED = "2604.21935"  # a D1 arXiv paper: v2 is announced on D2, its journal version found on D3


def fixture_text(name: str) -> str:
    return (FEEDS / name).read_text(encoding="utf-8")


def arxiv_rss(day_name: str, rfc_day: str, fixture: str, replaced: bool = False) -> bytes:
    text = fixture_text(fixture).replace("Mon, 27 Apr 2026", f"{day_name}, {rfc_day} Apr 2026")
    if replaced:  # the paper's second version, announced as arXiv announces replacements
        text = text.replace(f"arXiv:{REPLACED}v1 Announce Type: new", f"arXiv:{REPLACED}v2 Announce Type: replace")
        text = text.replace(f"oai:arXiv.org:{REPLACED}v1", f"oai:arXiv.org:{REPLACED}v2")
        text = text.replace(
            "<arxiv:announce_type>new</arxiv:announce_type>", "<arxiv:announce_type>replace</arxiv:announce_type>", 1
        )
    return text.encode()


def crossref_journal_version() -> bytes:
    """A Crossref work-list with one journal article whose record says it has the D1 arXiv preprint."""
    data = json.loads(fixture_text("crossref/works-query-ecology-rows2-2026-06-16.json"))
    work = copy.deepcopy(data["message"]["items"][1])
    work.update(
        {
            "DOI": "10.5555/jmt.2026.0042",
            "title": ["Math takes two: emergent mathematical reasoning in communication"],
            "container-title": ["Journal of Machine Thought"],
            "subject": [],
            "published": {"date-parts": [[2026, 4, 28]]},
            "published-online": {"date-parts": [[2026, 4, 28]]},
            "issued": {"date-parts": [[2026, 4, 28]]},
            "relation": {
                "has-preprint": [{"id-type": "doi", "id": f"10.48550/arXiv.{REPLACED}", "asserted-by": "subject"}]
            },
        }
    )
    data["message"]["items"] = [work]
    data["message"]["total-results"] = 1
    return json.dumps(data).encode()


def serve_day(s, day: str) -> None:
    """What each source answers on ``day``."""
    nature = fixture_text("nature/nature-rss1-rdf-current-2024-07-18-truncated.xml")
    # the journal's current issue, dated three and two days before the first run day
    s.add("/nature.rss", body=nature.replace("2024-07-17", "2026-04-24").replace("2024-07-18", "2026-04-25").encode())
    biorxiv = fixture_text("biorxiv/biorxiv-api-details-cancer-biology-2026-09-07-truncated.json")
    # bioRxiv's details for the last two days: yesterday's preprints
    s.add("/bio/details/*", body=biorxiv.replace("2026-09-07", "2026-04-26").encode(), content_type="application/json")
    medrxiv = fixture_text("medrxiv/medrxiv-api-details-2026-09-15-3of72-reserialized.json")
    s.add("/med/details/*", body=medrxiv.replace("2026-09-15", "2026-04-26").encode(), content_type="application/json")
    query = fixture_text("arxiv_api/api-query-cat-csLG-OR-csAI-max20-2026-04-30.xml")
    # the author query returns last week's submissions
    s.add("/api/query", body=re.sub(r"2026-04-(29|30)", "2026-04-22", query).encode())
    if day == D1:
        s.add("/rss/cs.AI", body=arxiv_rss("Mon", "27", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml"))
        s.add("/crossref/works", "crossref/works-query-ecology-rows2-2026-06-16.json")  # a 2012 and a 2022 record
    elif day == D2:
        s.add(
            "/rss/cs.AI",
            body=arxiv_rss("Tue", "28", "arxiv_rss/rss-cs.CL-2026-04-27-3items.xml").replace(
                b"</channel>", replacement_item() + b"</channel>"
            ),
        )
        s.add(
            "/crossref/works",
            body=b'{"status":"ok","message-type":"work-list","message":{"items":[],"total-results":0}}',
            content_type="application/json",
        )
    else:
        s.add("/rss/cs.AI", body=arxiv_rss("Wed", "29", "arxiv_rss/rss-cs.LG-2026-04-27-3items.xml"))
        s.add("/crossref/works", body=crossref_journal_version(), content_type="application/json")


def replacement_item() -> bytes:
    feed = arxiv_rss("Tue", "28", "arxiv_rss/rss-cs.AI-2026-04-27-3items.xml", replaced=True).decode()
    return re.search(r"<item>.*?</item>", feed, re.S).group(0).encode()


def day_sources(s) -> list[dict]:
    return [
        {"id": "arxiv-ai", "kind": "arxiv_rss", "label": "arXiv ({CATEGORY})", "url": s.base + "/rss/cs.AI"},
        {"id": "nature", "kind": "rss", "label": "Nature", "url": s.base + "/nature.rss"},
        {
            "id": "biorxiv",
            "kind": "biorxiv",
            "label": "bioRxiv",
            "category": "cancer_biology",
            "days": 2,
            "base_url": s.base + "/bio",
        },
        {
            "id": "medrxiv",
            "kind": "biorxiv",
            "label": "medRxiv",
            "server": "medrxiv",
            "days": 2,
            "base_url": s.base + "/med",
        },
        {
            "id": "followed",
            "kind": "arxiv_api",
            "label": "arXiv ({CATEGORY})",
            "query": "cat:cs.LG OR cat:cs.AI",
            "days": 7,
            "page_size": 20,
            "max_results": 20,
            "base_url": s.base + "/api/query",
        },
        {
            "id": "ecology",
            "kind": "crossref",
            "label": "Crossref",
            "issn": ["0012-9658"],
            "mailto": "tests@example.org",
            "default_category": "cs.AI",
            "base_url": s.base + "/crossref",
        },
    ]


def write_day_sources(tmp: Path, sources: list[dict]) -> None:
    # written here rather than by helpers.write_sources: these sources keep their kinds' max_age_days
    http = {"arxiv_interval": 0, "retries": 0, "connect_timeout": 2, "read_timeout": 5, "contact": "tests@example.org"}
    (tmp / "sources.yml").write_text(yaml.safe_dump({"http": http, "sources": sources}), encoding="utf-8")


def run_day(run_cli, tmp: Path, day: str, *extra: str, rules: Path = RULES):
    done = run_cli(
        "run",
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
        "--no-build",
        "--no-embed",
        *extra,
        cwd=tmp,
        env={"OPENAI_API_KEY": ""},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def run_three_days(run_cli, tmp: Path, server, rules: Path = RULES) -> dict[str, subprocess.CompletedProcess]:
    """`academichub run` on D1, D2 and D3 in ``tmp``, ``server`` answering as each day's sources would;
    a copy of content/ after each day is kept in after-<day>/. Returns each day's run."""
    write_day_sources(tmp, day_sources(server))
    outputs = {}
    for day in (D1, D2, D3):
        serve_day(server, day)
        outputs[day] = run_day(run_cli, tmp, day, rules=rules)
        shutil.copytree(tmp / "content", tmp / f"after-{day}")
    return outputs


def entries_by_id(tmp: Path) -> dict[str, dict]:
    return {e["paper_id"]: e for e in map(read_entry, (tmp / "content" / "papers").rglob("*.md"))}


def brief_ids(tmp: Path, day: str) -> dict[str, list[str]]:
    head = (tmp / "content" / "briefs" / f"{day}.md").read_text(encoding="utf-8").split("\n\n", 1)[0]
    meta = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    return {k: [x for x in meta.get(k, "").split("; ") if x] for k in ("Papers", "Updates")}


def runner(tmp: Path):
    """The real `academichub` command in a subprocess, in ``tmp`` (the conftest runner is per test)."""

    def run(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
        return subprocess.run(
            [sys.executable, "-m", "pipeline.cli", *args],
            cwd=cwd or tmp,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160", **(env or {})},
        )

    return run
