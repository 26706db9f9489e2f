"""How two records of one paper merge: a policy per field, and a field added later merged too."""

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime

from pipeline.archive.identity import DEFAULT_POLICY, MERGE, POLICIES, merge
from pipeline.models import Author, Paper, Selection

V1 = Paper(
    id="arxiv:2604.22038",
    title="Old title",
    source="arxiv-cs",
    source_label="arXiv",
    version=1,
    authors=(Author("Ada Lovelace"),),
    abstract="First abstract.",
    categories=("cs.CL", "cs.LG"),
    announce_type="new",
    published=datetime(2026, 4, 27, tzinfo=UTC),
    url="https://arxiv.org/abs/1",
    arxiv_id="2604.22038",
    code_links=("https://github.com/a/b",),
    links=("doi:10.1/x",),
    topics=(Selection("language-models", 3),),
    received=date(2026, 4, 27),
)
V2 = Paper(
    id="arxiv:2604.22038v2",
    title="New title",
    source="journal",
    source_label="Journal",
    version=2,
    categories=("cs.AI", "cs.CL"),
    published=datetime(2026, 5, 2, tzinfo=UTC),
    updated=datetime(2026, 5, 2, tzinfo=UTC),
    url="https://arxiv.org/abs/2",
    doi="10.1/x",
    journal_ref="Nature 1, 2 (2026)",
    code_links=("https://github.com/c/d",),
    links=("arxiv:2604.22038",),
    topics=(Selection("agents", 5),),
    received=date(2026, 5, 2),
)


def test_every_field_of_the_record_has_a_named_policy():
    assert {f.name for f in fields(Paper)} == set(MERGE)
    assert set(MERGE.values()) | {DEFAULT_POLICY} <= set(POLICIES)


def test_the_newer_version_wins_and_nothing_known_is_lost():
    merged = merge(V1, V2)
    assert (merged.id, merged.source, merged.source_label, merged.received) == (
        "arxiv:2604.22038",
        "arxiv-cs",
        "arXiv",
        date(2026, 4, 27),
    )  # the first record's
    assert (merged.title, merged.version, merged.url, merged.topics) == ("New title", 2, V2.url, V2.topics)
    assert merged.updated == V2.updated
    assert (merged.authors, merged.abstract, merged.doi, merged.arxiv_id) == (
        V1.authors,
        V1.abstract,
        "10.1/x",
        "2604.22038",
    )
    assert merged.published == V1.published  # the earliest
    assert merged.categories == ("cs.AI", "cs.CL", "cs.LG")  # the newer's first
    assert merged.code_links == ("https://github.com/c/d", "https://github.com/a/b")
    assert merged.links == ("doi:10.1/x", "arxiv:2604.22038")  # in the order they arrived
    assert merged.announce_type == "new"


def test_records_matched_by_title_keep_the_first_records_fields():
    merged = merge(V1, V2, by_title=True)
    assert (merged.title, merged.version, merged.doi) == ("Old title", 1, "10.1/x")


def test_a_field_the_table_does_not_name_is_kept_whichever_record_has_it():
    @dataclass(frozen=True)
    class Annotated(Paper):
        note: str = ""

    older = Annotated(**{f.name: getattr(V1, f.name) for f in fields(Paper)}, note="seen at a conference")
    newer = Annotated(**{f.name: getattr(V2, f.name) for f in fields(Paper)})
    assert "note" not in MERGE
    assert merge(older, newer).note == "seen at a conference"
    assert (
        merge(
            newer, Annotated(**{**{f.name: getattr(V1, f.name) for f in fields(Paper)}, "version": 3}, note="replaced")
        ).note
        == "replaced"
    )
