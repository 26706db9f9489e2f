"""The constants the theme's scripts share with the Python that builds the site, written by the build
into ``theme/js/shared.js`` (an ES module the scripts import) from their one record in the package:
the Han ranges the language of a text is told by (views.text_lang) and the scripts written without
spaces between words (archive.identity.CJK), as the rules match keywords and compare names."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..archive.identity import CJK
from ..files import write_text
from .defaults import THEME
from .views import HAN

SHARED_JS = "theme/js/shared.js"


def _class(ranges: str) -> str:
    """A character class's ranges as JavaScript writes them in a /u pattern, every character escaped."""
    return "".join(ch if ch == "-" else f"\\u{{{ord(ch):X}}}" for ch in ranges)


def shared_js() -> str:
    han = "".join(f"{chr(low)}-{chr(high)}" for low, high in HAN)
    return (
        "// Written by the site's build (pipeline/site/scripts.py) from the package's records: do not edit.\n"
        "/** Han ideographs, as the site tells a text's language (pipeline/site/views.py text_lang). */\n"
        f"export const HAN = /[{_class(han)}]/u;\n"
        "/** A character of a script written without spaces between words (pipeline/archive/identity.py CJK). */\n"
        f"export const CJK = /^[{_class(CJK)}]$/u;\n"
    )


def write_shared_js(output: Path) -> str:
    write_text(output / SHARED_JS, shared_js())
    return SHARED_JS


def scripts_beside_shared(folder: Path, source: Path | None = None) -> Path:
    """The theme's scripts (or those of ``source``, another copy of them) copied into ``folder/js`` with the shared.js
    a build writes beside them: the scripts as a site serves them, for Node or a browser to run outside a built site
    (the benchmarks, the tests)."""
    scripts = folder / "js"
    shutil.copytree(source or Path(THEME) / "static" / "js", scripts)
    write_text(scripts / "shared.js", shared_js())
    return scripts
