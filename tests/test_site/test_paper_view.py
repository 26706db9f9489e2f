"""One view of a paper: read from its Record once, damaged or not, and the API's schemas list exactly
the keys the view's field lists give a paper, each of the type the view holds."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from pipeline.models import Author, Event, PaperView, Selection
from pipeline.site.api import SCHEMAS

PAPER_SCHEMA = json.loads((SCHEMAS / "paper.schema.json").read_text(encoding="utf-8"))
# the JSON Schema of each kind of value the view holds, when an output gives it as it is
PLAIN = {"str": {"type": "string"}, "tuple[str, ...]": {"type": "array", "items": {"type": "string"}}}


def _resolved(schema: dict) -> dict:
    while "$ref" in schema:
        schema = PAPER_SCHEMA["$defs"][schema["$ref"].rpartition("/")[2]]
    return schema


@pytest.mark.parametrize(("keys", "definition"), [(PaperView.API_FIELDS, "paper"), (PaperView.CARD_FIELDS, "card")])
def test_the_schema_lists_every_key_of_the_view_and_nothing_else(keys, definition):
    schema = PAPER_SCHEMA["$defs"][definition]
    assert list(schema["properties"]) == list(keys)
    assert set(schema["required"]) <= set(keys)
    types = {f.name: f.type for f in fields(PaperView)}
    for key in keys:
        name = PaperView.field_of(key)
        if name is None:
            continue
        found = _resolved(schema["properties"][key])
        if types[name] in PLAIN:  # given as the view holds it
            assert {k: found[k] for k in PLAIN[types[name]]} == PLAIN[types[name]], key
        else:  # a list of records, each output rendering it its own way
            assert types[name].startswith("tuple[") and found["type"] == "array", key


def test_a_key_neither_computed_nor_of_the_view_fails():
    view = PaperView(id="arxiv:1", title="T")
    assert view.pick(("id", "source", "day"), {"day": "2026-04-27"}) == {
        "id": "arxiv:1",
        "source": "",
        "day": "2026-04-27",
    }
    with pytest.raises(KeyError):
        view.pick(("id", "published"), {})
    with pytest.raises(KeyError):  # a value no list names would be lost without a word
        view.pick(("id",), {"published": "2026-04-27"})
    with pytest.raises(TypeError):  # records need the output's own rendering
        PaperView(authors=(Author("A"),)).pick(("authors",), {})


def test_a_damaged_record_is_read_as_far_as_it_goes():
    record = {
        "id": "arxiv:2604.22038",
        "title": "",
        "version": 0,
        "categories": "cs.CL",
        "abstract": None,
        "authors": [{"name": "Ada", "affiliations": ["UCL", 3, None, " "]}, {"name": ""}, "Bob", None],
        "topics": [{"rule": "agents", "score": "high", "keywords": ["agent"], "similarity": "0.9"}, {"score": 2}],
        "events": [{"day": "2026-05-02", "kind": "version", "version": 2}, {"day": "yesterday"}, 7],
        "code_links": ["javascript:alert(1)", "https://github.com/a/b"],
        "received": 20260427,
    }
    fallback = PaperView(id="fallback", title="From the metadata", version="3", brief_status="done")
    view = PaperView.from_record(record, fallback)
    assert (view.id, view.title, view.version, view.categories, view.abstract) == (
        "arxiv:2604.22038",
        "From the metadata",
        "3",
        (),
        "",
    )
    assert view.authors == (Author("Ada", ("UCL", "3")),)
    assert view.topics == (Selection("agents", 0, keywords=("agent",)),)
    assert view.events == (Event.from_json({"day": "2026-05-02", "kind": "version", "version": 2}),)
    assert view.code_links == ("https://github.com/a/b",)
    assert (view.received, view.brief_status) == ("20260427", "done")
    for broken in (None, [], "not a record", {"authors": 5, "topics": {"rule": "x"}}):
        assert PaperView.from_record(broken, fallback).title == "From the metadata"
