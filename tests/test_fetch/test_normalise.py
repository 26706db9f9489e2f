from datetime import UTC, datetime

import pytest

from pipeline.archive.identity import dedupe, normalise_doi, split_arxiv_id
from pipeline.fetch.normalise import (
    badge,
    clean_abstract,
    clean_title,
    display_name,
    find_code_links,
    normalise,
    safe_url,
)
from pipeline.fetch.sources.rss import split_author_list
from pipeline.models import RawAuthor, RawItem

T1 = datetime(2026, 6, 17, 4, tzinfo=UTC)
T2 = datetime(2026, 6, 18, 4, tzinfo=UTC)


def raw(**kw):
    base = dict(
        source_id="s",
        title="PowerOPD: Stabilizing On-Policy Distillation with Bounded Power Transformation",
        arxiv_id="oai:arXiv.org:2606.17199v1",
        categories=("cs.LG", "cs.AI"),
        published=T1,
    )
    return RawItem(**{**base, **kw})


def test_arxiv_announcement_prefix_is_removed():
    text = "arXiv:2606.17199v1 Announce Type: cross \nAbstract: Standard on-policy distillation (OPD) for large"
    assert clean_abstract(text) == "Standard on-policy distillation (OPD) for large"
    assert clean_abstract("arXiv:2504.17830v2 Announce Type: replace-cross Abstract: We") == "We"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<jats:p>We <jats:italic>show</jats:italic> that &amp; more</jats:p>", "We show that & more"),
        ("<p>First.</p><p>Second &lt;b&gt;</p>", "First. Second <b>"),
        ("<script>alert(1)</script>Real text", "Real text"),
        ("p&lt;0.05 and x<y", "p<0.05 and x<y"),
        ("O_ST_ABSBackgroundC_ST_ABSThe shunt O_SCPLOWmBTTSC_SCPLOW works", "Background: The shunt mBTTS works"),
        ("HighlightsO_LIFirst point.\nC_LIO_LISecond.\nC_LI", "Highlights • First point. • Second."),
    ],
)
def test_abstract_cleaning(text, expected):
    assert clean_abstract(text) == expected


def test_api_abstracts_are_text_not_html():
    assert clean_abstract("V_max<17.5 and <b> stays", fmt="text") == "V_max<17.5 and <b> stays"


def test_titles_keep_latex_and_text():
    assert clean_title("Bounds on $\\alpha_{s}$\n   at  two loops") == "Bounds on $\\alpha_{s}$ at two loops"
    assert clean_title("Catalysis of an S<sub>N</sub>2 pathway", "html") == "Catalysis of an SN2 pathway"
    assert clean_title("A <script> in a text title", "text") == "A <script> in a text title"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Fan, Yingqi", "Yingqi Fan"),
        ("Yingqi  Fan", "Yingqi Fan"),
        ("King, Jr.", "King, Jr."),
        ("李 明", "李 明"),
    ],
)
def test_display_names(name, expected):
    assert display_name(name) == expected


def test_author_lists_in_one_field():
    assert split_author_list("LAPALU, N., SIMON, A., Plaumann, P.-L.") == ["LAPALU, N.", "SIMON, A.", "Plaumann, P.-L."]
    assert split_author_list("Julie M. Fox, Feng Long and Ada Lovelace") == [
        "Julie M. Fox",
        "Feng Long",
        "Ada Lovelace",
    ]


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://arxiv.org/abs/1", True),
        ("http://x.org/a?b=c", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>", False),
        ("/relative", False),
        ('https://x.org/"onmouseover=', False),
        ("ftp://x.org", False),
    ],
)
def test_only_http_urls_are_kept(url, kept):
    assert (safe_url(url) == url) is kept


def test_identifiers():
    assert split_arxiv_id("http://arxiv.org/abs/astro-ph/0601001v1") == ("astro-ph/0601001", 1)
    assert split_arxiv_id("oai:arXiv.org:2606.17199v12") == ("2606.17199", 12)
    assert normalise_doi("doi: 10.3390/fluids9060120.") == "10.3390/fluids9060120"
    assert normalise_doi("https://doi.org/10.1103/PhysRevB.71.184511") == "10.1103/physrevb.71.184511"


def test_code_links():
    assert find_code_links(
        "Code: https://github.com/EIT-NLP/StreamingLLM/tree/main/AdaSR.",
        "see https://example.org and https://huggingface.co/x/y",
    ) == ("https://github.com/EIT-NLP/StreamingLLM/tree/main/AdaSR", "https://huggingface.co/x/y")


def test_badge_uses_the_primary_category():
    assert badge("arXiv ({CATEGORY})", ("cs.AI", "cs.LG")) == "arXiv (CS.AI)"
    assert badge("arXiv ({CATEGORY})", ()) == "arXiv"


def test_normalise_builds_links_and_ids():
    paper = normalise(raw(authors=(RawAuthor("Fan, Yingqi", ("Lab",)),)), "arXiv ({CATEGORY})")
    assert paper.id == "arxiv:2606.17199" and paper.version == 1
    assert paper.url == "https://arxiv.org/abs/2606.17199" and paper.pdf == "https://arxiv.org/pdf/2606.17199v1"
    assert paper.authors[0].name == "Yingqi Fan" and paper.authors[0].affiliations == ("Lab",)
    assert paper.source_label == "arXiv (CS.LG)"
    with pytest.raises(ValueError):
        normalise(raw(arxiv_id="", doi=""), "x")
    with pytest.raises(ValueError):
        normalise(raw(title="  "), "x")


def test_cross_list_duplicate_and_new_version_merge_into_one():
    new = normalise(raw(announce_type="new"), "a")
    cross = normalise(raw(source_id="t", announce_type="cross", categories=("cs.LG", "stat.ML")), "b")
    v2 = normalise(raw(arxiv_id="2606.17199v2", announce_type="replace", published=T2, abstract="Better."), "a")
    journal = normalise(
        RawItem(
            source_id="j",
            title="PowerOPD: stabilizing on-policy distillation with bounded power transformation",
            doi="10.1000/xyz",
            published=T2,
        ),
        "J",
    )
    unique, merged = dedupe([new, cross, v2, journal])
    assert len(unique) == 1 and len(merged) == 3
    paper = unique[0]
    assert paper.id == "arxiv:2606.17199" and paper.version == 2
    assert paper.categories == ("cs.LG", "cs.AI", "stat.ML")
    assert paper.doi == "10.1000/xyz" and paper.abstract == "Better."
    assert paper.published == T1 and paper.updated == T2
    # merging is idempotent: seeing the same records again changes nothing
    assert dedupe([paper, new, cross, v2, journal])[0] == [paper]


def test_short_titles_are_not_identities():
    a = normalise(RawItem(source_id="j", title="Editorial", doi="10.1000/a"), "J")
    b = normalise(RawItem(source_id="j", title="Editorial", doi="10.1000/b"), "J")
    assert len(dedupe([a, b])[0]) == 2


def test_identifiers_decide_before_titles():
    first = normalise(raw(), "a")
    # another arXiv id, the same title in other case and punctuation: another paper
    other = normalise(raw(arxiv_id="2606.17200v1", title=first.title.upper() + "?"), "a")
    # a journal article whose Crossref record names the preprint as its own: one paper, though the
    # preprint carries a DOI of its own
    linked = normalise(raw(doi="10.1000/preprint-doi"), "a")
    article = normalise(
        RawItem(source_id="j", title=first.title, doi="10.1000/article", links=("arXiv:2606.17199",)), "J"
    )
    # a record with the title and no identifier that disagrees: merged by title, and said so
    journal = normalise(RawItem(source_id="j", title=first.title, doi="10.1000/journal"), "J")
    unique, merged = dedupe([linked, other, article, journal])
    assert [p.id for p in unique] == ["arxiv:2606.17199", "arxiv:2606.17200"]
    assert [(m.record.id, m.into, m.by_title) for m in merged] == [
        ("doi:10.1000/article", "arxiv:2606.17199", False),
        ("doi:10.1000/journal", "arxiv:2606.17200", True),
    ]
    assert unique[1].title == other.title and unique[1].doi == "10.1000/journal"
