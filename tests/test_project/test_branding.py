"""A radar is its owner's: built from `academichub init --name "Quantum Radar"`, every page, feed,
API file and message names Quantum Radar, and "AcademicHub" appears only in the small credit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from radar import cli, make_radar

from pipeline.project.demo import DEMO_DAY

CREDIT = re.compile(r'<p class="credit">.*?</p>', re.S)
UPSTREAM = "github.com/academichub/academichub"


@pytest.fixture(scope="module")
def radar(tmp_path_factory) -> Path:
    folder = make_radar(
        tmp_path_factory.mktemp("branding") / "quantum",
        "--name",
        "Quantum Radar",
        "--tagline",
        "Qubits, daily",
        "--language",
        "en",
        "--repository",
        "https://github.com/qlab/quantum-radar",
        "--topics",
        "quantum-information,language-models",
    )
    done = cli("build", "--publish", cwd=folder, env={"ACADEMICHUB_SITEURL": "https://qlab.github.io/quantum-radar"})
    assert done.returncode == 0, done.stderr
    return folder


def site_files(output: Path, *suffixes: str) -> list[Path]:
    # the theme's own files (scripts, fonts) and the search index are AcademicHub's code, not the site's text;
    # the API's JSON Schemas describe the AcademicHub API format by its name
    skip = ("theme", "pagefind")
    return [
        p
        for p in sorted(output.rglob("*"))
        if p.is_file()
        and p.suffix in suffixes
        and p.relative_to(output).parts[0] not in skip
        and "schemas" not in p.parts
    ]


def test_every_page_names_the_radar_and_credits_academichub_once(radar):
    pages = site_files(radar / "output", ".html")
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        credits = CREDIT.findall(html)
        rest = CREDIT.sub("", html)
        assert "AcademicHub" not in rest and UPSTREAM not in rest, page
        assert len(credits) <= 1 and all("AcademicHub" in c for c in credits), page
    index = (radar / "output" / "index.html").read_text(encoding="utf-8")
    assert '<span class="brand-mark" aria-hidden="true">Q</span><span class="brand-text">Quantum Radar</span>' in index
    assert '<meta name="description" content="Qubits, daily">' in index
    assert 'title="Quantum Radar (Atom)"' in index and "<strong>Quantum Radar</strong> · Qubits, daily" in index
    assert '<a href="https://github.com/qlab/quantum-radar">' in index  # "Source & rules": this radar's rules
    assert len(CREDIT.findall(index)) == 1


def test_every_feed_and_api_file_names_the_radar(radar):
    output = radar / "output"
    files = site_files(output, ".xml", ".json", ".opml", ".txt")
    assert any(p.name == "all.atom.xml" for p in files) and any(p.name == "index.json" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "AcademicHub" not in text and UPSTREAM not in text, path
    atom = (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "<title>Quantum Radar</title>" in atom
    assert json.loads((output / "feed.json").read_text())["title"] == "Quantum Radar"
    api = json.loads((output / "api" / "v1" / "index.json").read_text())
    assert api["name"] == "Quantum Radar"
    assert "<title>Quantum Radar feeds</title>" in (output / "feeds.opml").read_text()


def test_every_message_is_signed_with_the_radar(radar):
    (radar / "notify.yml").write_text(
        yaml.safe_dump(
            {
                "channels": [
                    {
                        "id": "mail",
                        "kind": "email",
                        "smtp_host": "127.0.0.1",
                        "sender": "radar@qlab.example",
                        "to_env": "TO",
                    },
                    {"id": "chat", "kind": "slack", "webhook_env": "SLACK"},
                    {"id": "tg", "kind": "telegram", "token_env": "TG", "chat_id": "@qlab_radar"},
                ]
            }
        )
    )
    done = cli(
        "notify",
        "--date",
        DEMO_DAY.isoformat(),
        "--dry-run",
        cwd=radar,
        env={"ACADEMICHUB_SITEURL": "https://qlab.github.io/quantum-radar"},
    )
    assert done.returncode == 0, done.stderr
    shown = done.stdout
    assert shown.count("===== ") == 3
    assert "AcademicHub" not in shown, shown
    assert "From: Quantum Radar <radar@qlab.example>" in shown and "Quantum Radar · Daily brief" in shown
    assert "每日简报" not in shown  # an English radar's briefs and messages are in English
