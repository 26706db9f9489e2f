"""Typed reading of raw records at the source edge.

A JSON API can send a number, a list or null where text belongs, and an XML feed can nest
elements where text belongs.  Each source kind reads its records' fields through these
functions: a field of the wrong type raises ``BadRecord`` naming the field, the source skips
that record with the reason, and normalisation only ever sees text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ...errors import BadRecord


def kind_of(value: Any) -> str:
    """How a JSON value is described in a reason: 'a number', 'a list', 'null' …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def record(value: Any, what: str = "record") -> dict:
    """A JSON record must be an object."""
    if not isinstance(value, dict):
        raise BadRecord(f"the {what} is {kind_of(value)}, not an object")
    return value


def text(data: dict, key: str) -> str:
    """A text field; absent or null is empty text."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRecord(f"{key}: expected text, got {kind_of(value)}")
    return value


def number_or_text(data: dict, key: str) -> str:
    """A field that servers send either as a number or as its digits (a version, a total)."""
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text(data, key)


def texts(data: dict, key: str) -> list[str]:
    """A list of text (Crossref's titles, subjects, container titles); absent or null is empty."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRecord(f"{key}: expected a list of text, got {kind_of(value)}")
    wrong = next((v for v in value if not isinstance(v, str)), "")
    if wrong != "":
        raise BadRecord(f"{key}: expected a list of text, got a list holding {kind_of(wrong)}")
    return value


def objects(data: dict, key: str) -> list[dict]:
    """A list of objects (authors, links, affiliations); absent or null is empty."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRecord(f"{key}: expected a list, got {kind_of(value)}")
    for entry in value:
        record(entry, f"{key} entry")
    return value


def obj(data: dict, key: str) -> dict:
    """A nested object; absent or null is an empty one."""
    value = data.get(key)
    return {} if value is None else record(value, key)


def xml_text(parent: ET.Element, path: str, ns: dict[str, str], name: str = "") -> str:
    """The text of a child element; absent is empty; an element holding elements is refused."""
    element = parent.find(path, ns)
    return element_text(element, name or path.split(":")[-1]) if element is not None else ""


def element_text(element: ET.Element, name: str) -> str:
    if len(element):
        raise BadRecord(f"{name}: expected text, got the element <{element[0].tag.rsplit('}', 1)[-1]}>")
    return element.text or ""
