"""Clients nobody on the project wrote, run on a built site: the W3C feed checker, the JSON Feed
1.1 schema, the newsboat feed reader and the current Nu HTML Checker."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEEDVALIDATOR = ROOT / "tests" / "vendor" / "feedvalidator" / "validate.py"
JSONFEED_SCHEMA = ROOT / "tests" / "tools" / "node_modules" / "jsonfeed-schema" / "schema-v1.1.json"
NEWSBOAT = shutil.which("newsboat")
# the Nu HTML Checker as the W3C publishes it on npm (vnu-jar), run on Java
VNU = ROOT / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


# what the checker says only because it reads files: it judges the pages' Content-Security-Policy
# against file: addresses, not the site's origin, and guesses one language for pages that are
# bilingual by design (every Chinese and English passage carries its own lang)
NOT_FOR_FILES = ("Content Security Policy", "appears to be written in")


def html_checker(output: Path) -> list[str]:
    """Every error and warning the Nu HTML Checker reports on every page of the site, as
    ``page:line.col: message``."""
    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "gnu", *pages], cwd=output, capture_output=True, text=True, timeout=600
    )
    assert done.returncode in (0, 1), done.stderr
    return [
        line.replace(f'"file:{output}/', '"')
        for line in done.stderr.splitlines()
        if line.strip() and not any(text in line for text in NOT_FOR_FILES)
    ]


def feed_files(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in (output / "feeds").rglob("*.xml"))


def feed_checker(output: Path, siteurl: str, files: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) the W3C feed checker reports on ``files`` (default: every Atom and RSS feed of the site)."""
    done = subprocess.run(
        [sys.executable, str(FEEDVALIDATOR), "--base", siteurl, "--root", str(output), *(files or feed_files(output))],
        cwd=output,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors, warnings, name = [], [], ""
    for line in done.stdout.splitlines():
        if not line.startswith(" "):
            name = line.split(":")[0]
        elif line.strip().startswith("error"):
            errors.append(f"{name}: {line.strip()}")
        elif line.strip().startswith("warning"):
            warnings.append(f"{name}: {line.strip()}")
    assert done.returncode in (0, 1) and " passed, " in done.stdout, done.stdout + done.stderr
    return errors, warnings


def json_feed_errors(output: Path) -> list[str]:
    """What the JSON Feed 1.1 schema rejects in feed.json."""
    import jsonschema

    schema = json.loads(JSONFEED_SCHEMA.read_text(encoding="utf-8"))
    feed = json.loads((output / "feed.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(feed)]


def newsboat_read(output: Path, names: list[str] | None = None) -> tuple[dict[str, str], set[str]]:
    """newsboat's reload of the site's feeds ``names`` (default: every Atom and RSS feed), served on
    127.0.0.1: ({feed path: title newsboat shows}, ids of the items it stored)."""
    from pipeline.site import make_server

    server = make_server(output, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with tempfile.TemporaryDirectory(prefix="newsboat-") as folder:
        home = Path(folder)
        (home / "urls").write_text("".join(f"{base}{name}\n" for name in names or feed_files(output)), encoding="utf-8")
        (home / "config").write_text("", encoding="utf-8")
        try:
            done = subprocess.run(
                [
                    NEWSBOAT,
                    "-x",
                    "reload",
                    "-u",
                    str(home / "urls"),
                    "-c",
                    str(home / "cache.db"),
                    "-C",
                    str(home / "config"),
                ],
                capture_output=True,
                text=True,
                timeout=300,
                env={"HOME": folder, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            )
        finally:
            server.shutdown()
        assert done.returncode == 0, done.stdout + done.stderr
        with sqlite3.connect(home / "cache.db") as db:
            titles = {url.removeprefix(base): title for url, title in db.execute("select rssurl, title from rss_feed")}
            items = {guid for (guid,) in db.execute("select guid from rss_item")}
    return titles, items
