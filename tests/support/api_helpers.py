"""Checks of a built site's JSON API (api/v1/) against the schemas the package ships."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from pipeline.site.api import API_ROOT, KINDS, SCHEMAS

PATTERNS = [
    (re.compile(r"index\.json"), "index"),
    (re.compile(r"days/\d{4}-\d{2}-\d{2}\.json"), "day"),
    (re.compile(r"topics/[^/]+\.json"), "topic"),
    (re.compile(r"papers/[^/]+\.json"), "paper"),
    (re.compile(r"briefs/(daily|weekly)/[^/]+\.json"), "brief"),
]


def validators(folder: Path = SCHEMAS) -> dict[str, Draft202012Validator]:
    """A validator per kind, the schemas' references between each other resolved from ``folder``."""
    schemas = {kind: json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8")) for kind in KINDS}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    return {kind: Draft202012Validator(schema, registry=registry) for kind, schema in schemas.items()}


def kind_of(rel: str) -> str | None:
    """The kind of an API file by its path below api/v1/ (None: not a data file)."""
    return next((kind for pattern, kind in PATTERNS if pattern.fullmatch(rel)), None)


def api_files(output: Path) -> dict[str, dict]:
    """Every data file of the site's API by its path relative to the site root, parsed (not the papers'
    CSL-JSON citations beside them, whose format is CSL's)."""
    root = output / API_ROOT
    return {
        f"{API_ROOT}/{p.relative_to(root).as_posix()}": json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("*.json"))
        if "schemas" not in p.relative_to(root).parts and not p.name.endswith(".csl.json")
    }


def schema_errors(output: Path) -> list[str]:
    """Every way the site's API files fail their schemas (or have no kind); empty when all validate."""
    checks = validators(output / API_ROOT / "schemas")
    errors = []
    for rel, data in api_files(output).items():
        kind = kind_of(rel.removeprefix(API_ROOT + "/"))
        if kind is None:
            errors.append(f"{rel}: no schema for this file")
            continue
        errors += [f"{rel}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in checks[kind].iter_errors(data)]
    return errors


def links_in(value) -> list[str]:
    """Every site path a file links to (values under a "links" key, and the index's api/html/schema paths)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (
                key in ("api", "html", "first", "newer", "older", "day", "day_api", "brief")
                and isinstance(item, str)
                and not item.startswith(("http://", "https://"))
                and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item)
            ):
                found.append(item)
            elif key in ("index", "topic", "paper") and isinstance(item, str) and item.endswith(".schema.json"):
                found.append(item)
            else:
                found += links_in(item)
    elif isinstance(value, list):
        for item in value:
            found += links_in(item)
    return found


class PaperPage(HTMLParser):
    """What a paper page shows, read as a browser reads it: its meta tags, its JSON-LD, the text of
    its title, source badge, abstract, brief (per language: TL;DR, each field by its label, keyword
    chips), its topic chips and its link buttons."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.ld: dict = {}
        self.texts: dict[str, list[str]] = {}  # "h1", "abstract", "badge", "zh:tldr", "en:Method", "en:chip"
        self.topics: list[str] = []
        self.buttons: list[str] = []
        self._stack: list[tuple[str, str | None]] = []  # open elements and the name their text is kept under
        self._lang = ""  # the brief's language being read
        self._label = ""  # the last <dt> of the brief
        self._script = False
        self.feed(text)

    def _name(self, tag: str, a: dict, cls: list[str]) -> str | None:
        if tag == "h1" and "math" in cls:
            return "h1"
        if tag == "div" and "abstract" in cls:
            return "abstract"
        if tag == "span" and "badge" in cls:
            return "badge"
        if tag == "span" and "tldr-label" in cls:
            return "skip"
        if self._lang:
            if tag == "p" and "tldr" in cls:
                return f"{self._lang}:tldr"
            if tag == "dt":
                return "dt"
            if tag == "dd":
                return f"{self._lang}:{self._label}"
            if tag == "li" and "chip" in cls:
                return f"{self._lang}:chip"
        return None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "meta" and a.get("name"):
            self.meta.setdefault(a["name"], []).append(a.get("content") or "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = True
        if tag == "div" and cls[:1] in (["zh"], ["en"]) and any(n == "brief-box" for _, n in self._stack):
            self._lang = cls[0]
        if tag == "a" and "chip" in cls and a.get("data-topic"):
            self.topics.append(a["data-topic"])
        if tag == "a" and any(t == "p" and n == "links" for t, n in self._stack):
            self.buttons.append(a.get("href") or "")
        if tag in ("meta", "link", "br", "img", "input"):
            return
        name = self._name(tag, a, cls)
        if tag == "section" and "brief-box" in cls:
            name = "brief-box"
        elif tag == "p" and "links" in cls:
            name = "links"
        self._stack.append((tag, name))
        if name not in (None, "skip", "brief-box", "links"):
            self.texts.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        self._script = self._script and tag != "script"
        while self._stack:
            open_tag, name = self._stack.pop()
            if name == "dt":
                self._label = self.texts["dt"][-1].strip()
            elif name == "brief-box":
                self._lang = ""
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._script:
            self.ld = json.loads(data)
            return
        name = next((n for _, n in reversed(self._stack) if n), None)
        if name not in (None, "skip", "brief-box", "links"):
            self.texts[name][-1] += data

    def text(self, name: str) -> list[str]:
        """The texts kept under ``name``, white space as a browser shows it."""
        return [" ".join(t.split()) for t in self.texts.get(name, [])]
