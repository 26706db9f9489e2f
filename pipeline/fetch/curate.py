"""Select papers with the community's curation rules.

Matching is literal: keywords are whole words or phrases, case-insensitive,
with hyphens and spaces treated alike and full-width forms as their plain ones
(NFKC: ``ＬＬＭ`` is ``LLM``); a trailing ``*`` matches any word ending
(``agent*`` matches agents, agentic).  Chinese, Japanese and Korean put no
spaces between words, so inside a run of Han, kana or Hangul every character is
a word of its own: ``量子纠错`` matches ``基于量子纠错码的…`` as a phrase.
Rules never contain regular expressions: texts are tokenised once and keywords
compared as token sequences, so matching runs in time linear in the text
whatever a rule says.

A rule selects a paper when
  * one of its ``include.authors`` wrote it (followed authors are always kept), or
  * the paper is in one of ``include.categories`` (when given) and at least
    ``min_score`` of ``include.keywords`` appear in its title or abstract
    (``min_score`` defaults to 1 when keywords are given, 0 otherwise),
and no ``exclude`` keyword, author or category applies (a paper a muted author
wrote is left out even when a followed author wrote it too).  A title hit counts
double for ranking, which decides what stays when ``max_per_day`` cuts.

A rule with ``similar_to`` (the semantic extra) also selects a paper, within its
categories, whose cosine similarity to one of the listed papers reaches the rule's
threshold; being in its categories alone then selects nothing (keywords still do).
The similarities are computed before curating (``semantic.stage``) and passed in,
so curating itself stays free of any model.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..archive.identity import CJK, name_key
from ..config import Rule
from ..models import Paper, Selection

_SEPARATORS = str.maketrans("-_/", "   ")


def fold(text: str) -> str:
    """Compatibility forms folded (NFKC), lower-case, hyphens/underscores/slashes as spaces (matching form)."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_SEPARATORS)


# words, each Han, kana or Hangul character, and every other visible character on its own
_TOKEN = re.compile(f"[^\\W{CJK}]+|[{CJK}]|[^\\w\\s]")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class _Keyword:
    """A keyword as a token sequence; with ``wild`` its last token is a word prefix (``agent*``)."""

    label: str
    words: tuple[str, ...]
    wild: bool

    @classmethod
    def build(cls, keyword: str) -> _Keyword:
        return cls(keyword, tuple(tokens(keyword.rstrip("*"))), keyword.endswith("*"))


class _Text:
    """One field of a paper, tokenised once; keyword lookups are then index probes.

    Matching is a comparison of token sequences, never a regular expression over the text,
    so it takes time linear in the text whatever the rules say.
    """

    __slots__ = ("tokens", "words", "_vocab")

    def __init__(self, text: str):
        self.tokens = tokens(text)
        self.words = set(self.tokens)
        self._vocab: list[str] | None = None

    def _has_prefix(self, prefix: str) -> bool:
        if self._vocab is None:
            self._vocab = sorted(self.words)
        at = bisect.bisect_left(self._vocab, prefix)
        return at < len(self._vocab) and self._vocab[at].startswith(prefix)

    def has(self, keyword: _Keyword) -> bool:
        words, n = keyword.words, len(keyword.words)
        if not n:
            return False
        if n == 1:
            return self._has_prefix(words[0]) if keyword.wild else words[0] in self.words
        if words[0] not in self.words:
            return False
        start, head, last = -1, list(words[:-1]), words[-1]
        while True:
            try:
                start = self.tokens.index(words[0], start + 1)
            except ValueError:
                return False
            seq = self.tokens[start : start + n]
            if len(seq) == n and seq[:-1] == head and (seq[-1] == last or (keyword.wild and seq[-1].startswith(last))):
                return True

    def endings(self, keyword: _Keyword) -> list[str]:
        """The words a wildcard keyword's last word is in this text, first seen first (``agents``,
        ``agentic`` for ``agent*``); one pass over the tokens."""
        words, n = keyword.words, len(keyword.words)
        found: list[str] = []
        if not n:
            return found
        for start, token in enumerate(self.tokens[: len(self.tokens) - n + 1]):
            last = self.tokens[start + n - 1]
            if (
                (token == words[0] or n == 1)
                and last.startswith(words[-1])
                and last not in found
                and tuple(self.tokens[start : start + n - 1]) == words[:-1]
            ):
                found.append(last)
        return found


def _named(keyword: _Keyword, texts: tuple[_Text, ...]) -> list[str]:
    """The words a matched keyword names on the paper's keyword pages: the keyword as the rule writes
    it, or each form a wildcard keyword took in the texts, written with the rule's own beginning
    (``quantum comput*`` → "quantum computing", never the stem)."""
    if not keyword.wild:
        return [keyword.label]
    stem = keyword.label.rstrip("*")
    last = keyword.words[-1] if keyword.words else ""
    forms = dict.fromkeys(form for text in texts for form in text.endings(keyword))
    if fold(stem).endswith(last):
        return [stem + form[len(last) :] for form in forms]
    return [" ".join(keyword.words[:-1] + (form,)) for form in forms]


def matched_words(keywords: tuple[str, ...], title: str, abstract: str) -> tuple[str, ...]:
    """The words ``keywords`` (a selection's, as the rule writes them) matched in a title and abstract."""
    texts = (_Text(title), _Text(abstract))
    return tuple(dict.fromkeys(w for k in keywords for w in _named(_Keyword.build(k), texts)))


def with_matched_words(paper: Paper) -> Paper:
    """The paper with the matched words of every selection that lacks them (a record curated before
    they were kept)."""
    if all(t.words or not t.keywords for t in paper.topics):
        return paper
    return replace(
        paper,
        topics=tuple(
            t if t.words or not t.keywords else replace(t, words=matched_words(t.keywords, paper.title, paper.abstract))
            for t in paper.topics
        ),
    )


@dataclass(frozen=True)
class _Prepared:
    """What every rule looks at, computed once per paper."""

    paper: Paper
    title: _Text
    body: _Text
    author_keys: tuple[str, ...]
    categories: frozenset[str]

    @classmethod
    def of(cls, paper: Paper) -> _Prepared:
        return cls(
            paper,
            _Text(paper.title),
            _Text(paper.abstract),
            tuple(name_key(a.name) for a in paper.authors),
            frozenset(c.casefold() for c in paper.categories),
        )


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    include: tuple[_Keyword, ...]
    exclude: tuple[_Keyword, ...]
    authors: dict[str, str]  # name key -> name as written in the rule
    categories: frozenset[str]
    exclude_categories: frozenset[str]
    exclude_authors: frozenset[str]  # name keys
    sources: frozenset[str]

    @classmethod
    def build(cls, rule: Rule) -> CompiledRule:
        return cls(
            rule=rule,
            include=tuple(_Keyword.build(k) for k in rule.include.keywords),
            exclude=tuple(_Keyword.build(k) for k in rule.exclude.keywords),
            authors={name_key(a): a for a in rule.include.authors},
            categories=frozenset(c.casefold() for c in rule.include.categories),
            exclude_categories=frozenset(c.casefold() for c in rule.exclude.categories),
            exclude_authors=frozenset(name_key(a) for a in rule.exclude.authors),
            sources=frozenset(rule.include.sources),
        )

    @property
    def min_score(self) -> int:
        if self.rule.min_score is not None:
            return self.rule.min_score
        return 1 if self.include else 0

    def match(self, prepared: _Prepared, similar: tuple[float, str] | None = None) -> tuple[Selection, float] | None:
        """(why it matched, ranking score) or None; ``similar``: (similarity, nearest listed paper)."""
        paper = prepared.paper
        if self.sources and paper.source not in self.sources:
            return None
        if any(prepared.title.has(k) or prepared.body.has(k) for k in self.exclude):
            return None
        if prepared.categories & self.exclude_categories or self.exclude_authors.intersection(prepared.author_keys):
            return None
        followed = tuple(self.authors[k] for k in prepared.author_keys if k in self.authors)
        in_title = [k for k in self.include if prepared.title.has(k)]
        in_body = [k for k in self.include if k not in in_title and prepared.body.has(k)]
        matched = in_title + in_body
        keywords = tuple(k.label for k in matched)
        words = tuple(dict.fromkeys(w for k in matched for w in _named(k, (prepared.title, prepared.body))))
        matched_categories = tuple(c for c in paper.categories if c.casefold() in self.categories)
        category_ok = not self.categories or bool(matched_categories)
        spec = self.rule.similar_to
        semantic = similar if spec and similar and similar[0] >= spec.threshold else None
        # with similar_to, the categories bound where similarity applies: they select nothing alone
        selected = (
            bool(followed)
            or (category_ok and len(keywords) >= self.min_score and bool(keywords or (matched_categories and not spec)))
            or (category_ok and semantic is not None)
        )
        if not selected:
            return None
        rank = 100 * len(followed) + 2 * len(in_title) + len(in_body) + (1 if matched_categories else 0)
        if semantic:  # counts like two title keywords at the threshold, more the closer the paper is
            rank += 2 * semantic[0] / spec.threshold
        why = Selection(
            self.rule.id,
            len(keywords) + len(followed) + (1 if semantic else 0),
            keywords,
            followed,
            matched_categories,
            *(semantic or (None, "")),
            words=words,
        )
        return why, rank


def compile_rules(rules: list[Rule]) -> list[CompiledRule]:
    return [CompiledRule.build(rule) for rule in rules]


def curate(
    papers: list[Paper],
    rules: list[CompiledRule],
    similarity: Mapping[str, Mapping[str, tuple[float, str]]] | None = None,
) -> tuple[list[Paper], int]:
    """Keep papers some rule selects, each carrying why; returns (kept, rejected count).

    ``similarity`` (rule id -> paper id -> (cosine, nearest listed paper)) feeds the
    rules that have ``similar_to``; without it they match by keywords alone.

    ``max_per_day`` is applied per rule, best-ranked first; a paper dropped by
    one rule's cap can still be kept by another rule.  The kept paper's topics
    are ordered best match first (that one becomes its Pelican category).
    """
    matches: dict[str, list[tuple[int, Selection]]] = {}
    prepared = [_Prepared.of(paper) for paper in papers]
    for rule in rules:
        hits = []
        similar = (similarity or {}).get(rule.rule.id, {})
        for item in prepared:
            found = rule.match(item, similar.get(item.paper.id))
            if found:
                hits.append((found[1], item.paper.id, found[0]))
        hits.sort(key=lambda h: (-h[0], h[1]))
        if rule.rule.max_per_day:
            hits = hits[: rule.rule.max_per_day]
        for rank, paper_id, why in hits:
            matches.setdefault(paper_id, []).append((rank, why))
    kept = []
    for paper in papers:
        found = matches.get(paper.id)
        if not found:
            continue
        found.sort(key=lambda m: (-m[0], m[1].rule))
        kept.append(replace(paper, topics=tuple(why for _, why in found)))
    return kept, len(papers) - len(kept)
