"""TeX accents and letters in metadata (arXiv writes ``G\\"unther``, ``Cram\\'er``) as Unicode.

Only the accent commands and the named letters are converted, by pylatexenc; math between
``$…$``, ``$$…$$`` or ``\\(…\\)`` is left for KaTeX, and everything else (``%``, ``&``,
``~``, ``--``, unknown commands) stays as written, so text without TeX never changes.
"""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text

_MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$|\\\(.+?\\\))", re.S)
_ACCENT = r"\\[`'^\"~=.]\s*(?:\{[^{}]*\}|[A-Za-z])|\\[uvHckrbdt](?:\s*\{[^{}]*\}|\s+[A-Za-z])"
_LETTER = r"\\(?:ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|[ \t]+)?"
_TEX = re.compile(rf"\{{(?:{_ACCENT}|{_LETTER})\}}|{_ACCENT}|{_LETTER}|\\[&%_#]")
_CONVERT = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def _piece(match: re.Match) -> str:
    return _CONVERT.latex_to_text(match.group(0)) or match.group(0)


def tex_to_unicode(text: str) -> str:
    """``Jakob G\\"unther`` → ``Jakob Günther``; ``$\\alpha$`` and text without TeX unchanged."""
    if "\\" not in text:
        return text
    parts = _MATH.split(text)
    return "".join(part if at % 2 else _TEX.sub(_piece, part) for at, part in enumerate(parts))
