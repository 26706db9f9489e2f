"""Connections, key phrases and contribution sentences computed without a model."""

from __future__ import annotations

from pipeline.brief.connect import Document, connections, key_phrases, terms
from pipeline.brief.extractive import contribution_sentence

DOCS = [
    Document("a", "ml", "Sparse attention for long contexts. We propose sparse attention that shrinks the KV cache."),
    Document("b", "systems", "Serving with a small KV cache. This paper presents a KV cache for sparse attention."),
    Document("c", "ml", "Graph neural networks for molecules. We study message passing on molecular graphs."),
    Document("d", "bio", "Protein folding dynamics. Message passing over molecular graphs reveals folding pathways."),
]


def test_terms_keep_content_words_and_adjacent_phrases():
    assert terms("We propose sparse attention for the KV cache") == [
        "sparse",
        "attention",
        "sparse attention",
        "kv",
        "cache",
        "kv cache",
    ]


def test_connections_pair_papers_of_different_topics_with_their_shared_terms():
    found = connections(DOCS)
    assert [c.ids for c in found] == [("a", "b"), ("c", "d")]
    assert found[0].topics == ("ml", "systems") and found[0].measure == "TF-IDF"
    assert set(found[0].terms) >= {"sparse attention"}
    assert "molecular graphs" in found[1].terms
    assert connections(DOCS) == found  # deterministic


def test_papers_of_one_topic_are_never_connected():
    same = [Document(d.id, "ml", d.text) for d in DOCS]
    assert connections(same) == []


def test_measured_groups_come_first_and_need_a_shared_term():
    found = connections(DOCS, measured=[(("a", "d"), 0.9), (("d", "c"), 0.8)])  # a and d share no term
    assert [(c.ids, c.measure, c.similarity) for c in found] == [
        (("c", "d"), "embedding", 0.8),
        (("a", "b"), "TF-IDF", found[1].similarity),
    ]
    assert found[0].topics == ("ml", "bio")
    assert connections(DOCS, measured=[(("a", "d"), 0.9)], threshold=2) == []  # nothing names the link


def test_key_phrases_are_distinctive_per_topic():
    docs = DOCS + [Document("e", "ml", "Sparse attention again. Sparse attention at scale.")]
    phrases = key_phrases(docs)
    assert phrases["ml"][0] == "sparse attention"
    assert "sparse" not in phrases["ml"]  # a word inside a chosen phrase is not repeated


def test_contribution_sentence_prefers_the_cue_over_the_lead():
    abstract = "Long contexts are costly. Prior work prunes tokens. We propose a sparse cache. It is 2x faster."
    assert contribution_sentence(abstract) == "We propose a sparse cache."
    assert contribution_sentence("This paper presents a map. Done.") == "This paper presents a map."
    assert contribution_sentence("Here we also show X. Y.") == "Here we also show X."
    assert contribution_sentence("Nothing to see. At all.") == "Nothing to see."
    assert contribution_sentence("", "A title") == "A title"
