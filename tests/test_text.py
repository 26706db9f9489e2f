"""pipeline.text: what text may hold inside AcademicHub, and what XML may hold."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pipeline.models import RawAuthor, RawItem
from pipeline.text import clean, clean_record, xml_document, xml_safe


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("plain ASCII", "plain ASCII"),
        ("tab\tand\nnewline kept", "tab\tand\nnewline kept"),
        ("CR\r\nLF and \rCR", "CR\nLF and \nCR"),
        ("nul\x00 bell\x07 esc\x1b del\x7f", "nul bell esc del"),
        ("C1 \x85 \x9f", "C1  "),
        ("lone \ud83d surrogate", "lone \ufffd surrogate"),
        (
            "noncharacters \ufffe \uffff \ufdd0 \U0001fffe \U0010ffff",
            "noncharacters \ufffd \ufffd \ufffd \ufffd \ufffd",
        ),
        ("decomposed e\u0301", "decomposed \u00e9"),
        ("a real pair \U0001f600 and 中文", "a real pair \U0001f600 and 中文"),
    ],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned
    assert clean(cleaned) == cleaned  # once is enough


def test_clean_record_reaches_nested_records_and_keeps_clean_ones():
    item = RawItem(source_id="s", title="T\ufffe", authors=(RawAuthor("A\ud83d", ("Inst\x01",)),), links=("x\x02",))
    cleaned = clean_record(item)
    assert cleaned.title == "T\ufffd" and cleaned.authors[0].name == "A\ufffd"
    assert cleaned.authors[0].affiliations == ("Inst",) and cleaned.links == ("x",)
    tidy = RawItem(source_id="s", title="T")
    assert clean_record(tidy) is tidy


def test_xml_safe_and_xml_document():
    assert xml_safe("a\x00b\ud83dc\ufffed\uffffe\tf") == "abcde\tf"
    document = b'<a t="&#xD83D;">&#xFFFE; &#1; &#65; &#x1F600; \xef\xbf\xbe \x02 &#99999999999;</a>'
    root = ET.fromstring(xml_document(document))
    assert root.text == "\ufffd \ufffd A \U0001f600 \ufffd \ufffd \ufffd" and root.get("t") == "\ufffd"
    latin = "<a>José &#xFFFE;</a>".encode("latin-1")  # not UTF-8: bytes kept but for the reference
    assert xml_document(latin) == "<a>José &#xFFFD;</a>".encode("latin-1")
    fine = b"<a>fine</a>"
    assert xml_document(fine) is fine
