"""GitHub-flavoured Markdown for reports that GitHub renders: job summaries and issues.

Titles, author names, feed errors and rule names are untrusted text.  In a
report they must stay text: no HTML, no links or images they did not come
with, no table cell broken open by a ``|``, no ``@mention`` pinging someone.

Mentions are not Markdown: GitHub finds ``@name`` and ``@org/team`` in the rendered
HTML, after the backslash of ``\\@name`` is consumed, so that escape still notifies
(github/markup#1168, github/cmark-gfm#181).  What GitHub honours is a mention inside a
code span, or an ``@`` not followed by a login character: ``text`` writes a zero-width
space after every ``@``, which reads the same.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

# Every ASCII punctuation character may be backslash-escaped in CommonMark;
# these are the ones that make markup, links or emphasis in the middle of a
# line (report text never starts a line, so # - + . need nothing).
_MARKUP = re.compile(r"([\\`*_\[\]|~])")
# U+200B after "@": GitHub's mention pattern needs a login character right after it
_UNMENTION = "@\u200b"


def text(value: object) -> str:
    """``value`` as inert Markdown text on one line: no markup, no mention that notifies anyone."""
    flat = " ".join(str(value).split())
    return _MARKUP.sub(r"\\\1", html.escape(flat, quote=False)).replace("@", _UNMENTION)


def code(value: object) -> str:
    """``value`` as a code span, for identifiers such as rule ids and source ids."""
    flat = " ".join(str(value).split()).replace("`", "'").replace("|", "\\|")
    return f"`{flat}`"


def link(label: object, url: str) -> str:
    """A link whose label is escaped text; only http(s) addresses become links."""
    if not re.match(r"^https?://[^\s]+$", url or ""):
        return text(label)
    safe = quote(url, safe=":/?#[]@!$&'*+,;=%~-._")
    safe = safe.replace("(", "%28").replace(")", "%29").replace("|", "%7C")
    return f"[{text(label)}]({safe})"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table from cells that are already Markdown."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
