"""Checks of a built site's JSON API (api/v1/) against the schemas the package ships."""

from __future__ import annotations

import json
import re
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
    """Every data file of the site's API by its path relative to the site root, parsed."""
    root = output / API_ROOT
    return {f"{API_ROOT}/{p.relative_to(root).as_posix()}": json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(root.rglob("*.json")) if "schemas" not in p.relative_to(root).parts}


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
            if key in ("api", "html", "first", "newer", "older", "day", "day_api", "brief") and isinstance(item, str) \
                    and not item.startswith(("http://", "https://")) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
                found.append(item)
            elif key in ("index", "topic", "paper") and isinstance(item, str) and item.endswith(".schema.json"):
                found.append(item)
            else:
                found += links_in(item)
    elif isinstance(value, list):
        for item in value:
            found += links_in(item)
    return found
