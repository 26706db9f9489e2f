"""The extractive brief's TL;DR quotes the sentence that states the paper's contribution (SciTLDR's
finding: that sentence, not the first, is what authors and reviewers summarise), else the lead."""

from __future__ import annotations

import pytest

from pipeline.brief.extractive import extractive_brief
from pipeline.models import Paper

BACKGROUND = "Incremental class learning involves learning classes in bursts of examples from one class."
CONTRIBUTION = "Here, we propose FearNet for incremental class learning without storing previous examples."
RESULT = "FearNet achieves state-of-the-art accuracy on CIFAR-100 and CUB-200."


def brief_of(abstract: str) -> dict:
    return extractive_brief(
        Paper(id="arxiv:2601.00001", title="FearNet", source="arxiv", source_label="arXiv", abstract=abstract)
    )["en"]


@pytest.mark.parametrize(
    "cue",
    [
        "We introduce FearNet, a dual-memory model.",
        "This paper presents FearNet, a dual-memory model.",
        "In this work, FearNet consolidates memories during sleep.",
        "Here we show that a dual-memory model does not forget.",
        "We find that a dual-memory model does not forget.",
    ],
)
def test_the_tldr_is_the_first_sentence_with_a_contribution_cue(cue):
    text = brief_of(f"{BACKGROUND} Storing examples makes that hard to scale. {cue} {RESULT}")
    assert text["tldr"] == cue


def test_without_a_cue_the_tldr_is_the_lead_sentence():
    text = brief_of(f"{BACKGROUND} Memory consolidation happens during sleep. {RESULT}")
    assert text["tldr"] == BACKGROUND and text["results"] == RESULT


def test_the_tldr_sentence_is_not_repeated_as_the_method():
    text = brief_of(f"{BACKGROUND} {CONTRIBUTION} We present a module for choosing the memory. {RESULT}")
    assert text["tldr"] == CONTRIBUTION
    assert text["method"] == "We present a module for choosing the memory." and text["results"] == RESULT


def test_a_paper_without_an_abstract_has_its_title_as_tldr():
    assert brief_of("")["tldr"] == "FearNet"
