"""Text hygiene: what any text may hold once it is inside AcademicHub, and what XML may hold.

Every text field of every record a source reads passes through ``clean`` once, at the edge where
records enter (``fetch.sources``), before anything is cached, written or rendered: Unicode in NFC,
lone surrogates (``"\\ud83d"`` in scraped JSON) and noncharacters (U+FFFE, U+FFFF …) replaced by
U+FFFD, control characters other than tab and newline removed.  Every XML writer passes its text
through ``xml_safe``, so no input can make a feed, sitemap or OPML file that is not well-formed.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TypeVar
from xml.sax.saxutils import escape

REPLACEMENT = "\ufffd"
# lone surrogates and the noncharacters: U+FDD0–U+FDEF and the last two code points of every plane
_UNUSABLE = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
# C0 controls but tab and newline, DEL and the C1 controls
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CRLF = re.compile("\r\n?")
# what XML 1.0 forbids (its Char production, complemented)
_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_REFERENCE = re.compile(rb"&#(x[0-9a-fA-F]+|[0-9]+);")

T = TypeVar("T")


def clean(text: str) -> str:
    """``text`` in NFC, unusable code points replaced by U+FFFD, controls but tab and newline removed
    (a carriage return becomes a newline)."""
    if text.isascii():
        return _CONTROLS.sub("", _CRLF.sub("\n", text)) if _CONTROLS.search(text) or "\r" in text else text
    text = _CONTROLS.sub("", _CRLF.sub("\n", _UNUSABLE.sub(REPLACEMENT, text)))
    return unicodedata.normalize("NFC", text)


def clean_record(record: T) -> T:
    """A copy of a frozen dataclass record with ``clean`` applied to every text it holds (nested records,
    tuples and lists of them included)."""
    changes = {}
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, field.name)
        cleaned = _cleaned(value)
        if cleaned is not value:
            changes[field.name] = cleaned
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]


def _cleaned(value):
    if isinstance(value, str):
        cleaned = clean(value)
        return value if cleaned == value else cleaned
    if isinstance(value, (tuple, list)):
        items = [_cleaned(v) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else type(value)(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return clean_record(value)
    return value


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (controls, lone surrogates, U+FFFE, U+FFFF)."""
    return _XML_FORBIDDEN.sub("", text)


def xml_text(text: str) -> str:
    """Text for an XML element or a double-quoted attribute: escaped, without what XML 1.0 forbids."""
    return escape(xml_safe(str(text)), {'"': "&quot;"})


def xml_document(content: bytes) -> bytes:
    """An XML response made parseable where only its characters are at fault: references to code
    points XML 1.0 forbids (``&#xD83D;``, ``&#xFFFE;``, ``&#1;``) and, in a UTF-8 document, the
    characters themselves become U+FFFD.  A document in another encoding keeps its bytes but for the
    references (feedparser reads it by its own rules)."""
    content = _XML_REFERENCE.sub(_allowed_reference, content)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return content
    return _XML_FORBIDDEN.sub(REPLACEMENT, text).encode("utf-8") if _XML_FORBIDDEN.search(text) else content


def _allowed_reference(match: re.Match) -> bytes:
    number = match.group(1)
    code = int(number[1:], 16) if number[:1] == b"x" else int(number)
    return match.group(0) if code <= 0x10FFFF and not _XML_FORBIDDEN.match(chr(code)) else b"&#xFFFD;"
