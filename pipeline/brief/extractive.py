"""Briefs without a model: sentences quoted from the abstract and key phrases, labelled as such."""

from __future__ import annotations

import re

from ..archive.entry import BriefStatus, Entry, one_line
from ..models import Paper
from .entries import write_entry
from .report import BriefReport
from .schemas import PaperBriefText
from .settings import EXTRACTIVE

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(\[])")


# the sentence that states what the paper contributes: "we propose …", "this paper …", "here we …"; the
# verbs were chosen on SciTLDR's dev set (bench/bench_tldr.py measures the choice on its test set)
_CONTRIBUTION = re.compile(
    r"\b(we (propose|introduce|present|show|find|develop|demonstrate|describe|design|study|investigate|explore|"
    r"report|establish|prove|derive|provide|offer|argue|identify|build|formulate|analy[sz]e|consider|address|"
    r"tackle)|this (paper|work|study|article)|here,? we|in this (paper|work|study|article))\b",
    re.I,
)


_METHOD = re.compile(
    r"\b(we (propose|introduce|present|develop|design|build|describe)|this (paper|work) (proposes|introduces|presents))\b",
    re.I,
)


_NUMBER = re.compile(r"\d")


_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9-]*\b")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(one_line(text)) if s.strip()]


def contribution_sentence(abstract: str, title: str = "") -> str:
    """The abstract's first sentence with a contribution cue ("we propose", "this paper presents"…),
    else its lead sentence, else the title: always quoted, never written."""
    found = sentences(abstract)
    return next((s for s in found if _CONTRIBUTION.search(s)), found[0] if found else one_line(title))


def extractive_brief(paper: Paper) -> dict:
    """The contribution sentence as TL;DR, method and result sentences, and key phrases, all quoted from
    the paper itself."""
    found = sentences(paper.abstract)
    lead = contribution_sentence(paper.abstract, paper.title)
    rest = [s for s in found if s != lead]
    method = next((s for s in rest if _METHOD.search(s)), "")
    results = next((s for s in rest if _NUMBER.search(s) and s != method), "")
    phrases = [kw.rstrip("*") for t in paper.topics for kw in t.keywords]
    counts: dict[str, int] = {}
    for word in _ACRONYM.findall(paper.title + " " + paper.abstract):
        counts[word] = counts.get(word, 0) + 1
    phrases += sorted(counts, key=lambda w: (-counts[w], w))
    text = PaperBriefText(
        tldr=lead,
        problem="",
        method=method,
        results=results,
        why_it_matters="",
        keywords=list(dict.fromkeys(phrases))[:5],
    )
    return {"model": EXTRACTIVE, "prompt_version": "extractive-v2", "extractive": True, "en": text.model_dump()}


def brief_extractive(todo: list[Entry], report: BriefReport) -> list[Entry]:
    written = []
    for entry in todo:
        report.extractive += 1
        written.append(write_entry(entry, BriefStatus.EXTRACTIVE, extractive_brief(entry.paper), report))
    return written
