"""The notes of a release, from CHANGELOG.md: the section of the version a tag names.

    python .github/scripts/release_notes.py v0.2.0 > notes.md

Fails (exit 1, saying why) when the tag is not the package's version (pipeline/__init__.py) or the
changelog has no section for it, so a release is never published with a wrong number or no notes.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def package_version(root: Path = ROOT) -> str:
    tree = ast.parse((root / "pipeline" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit("pipeline/__init__.py sets no __version__")


def notes(changelog: str, version: str) -> str:
    """The body of ``## [version]`` (up to the next version's heading), without empty subsections."""
    match = re.search(rf"^## \[{re.escape(version)}\][^\n]*\n(.*?)(?=^## \[|\Z)", changelog, re.M | re.S)
    if not match:
        raise SystemExit(f"CHANGELOG.md has no section '## [{version}]': move the Unreleased lines under it")
    body = re.sub(r"^### [^\n]+\n\s*(?=^### |\Z)", "", match.group(1).strip() + "\n", flags=re.M)
    if not body.strip():
        raise SystemExit(f"CHANGELOG.md: the section of {version} is empty")
    return body.strip() + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        raise SystemExit("usage: release_notes.py TAG (e.g. v0.2.0)")
    version = argv[0].removeprefix("v")
    if version != package_version():
        raise SystemExit(f"the tag {argv[0]} is not the package's version {package_version()} (pipeline/__init__.py)")
    sys.stdout.write(notes((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
