"""Select papers with the community's curation rules.

Matching is literal: keywords are whole words or phrases, case-insensitive,
with hyphens and spaces treated alike; a trailing ``*`` matches any word
ending (``agent*`` matches agents, agentic).  Rules never contain regular
expressions, so matching runs in time linear in the text whatever a rule file
says.

A rule selects a paper when
  * one of its ``include.authors`` wrote it (followed authors are always kept), or
  * the paper is in one of ``include.categories`` (when given) and at least
    ``min_score`` of ``include.keywords`` appear in its title or abstract
    (``min_score`` defaults to 1 when keywords are given, 0 otherwise),
and no ``exclude`` keyword or category applies.  A title hit counts double for
ranking, which decides what stays when ``max_per_day`` cuts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .config import Rule
from .models import Paper, Selection
from .normalise import name_key


def fold(text: str) -> str:
    """Lower-case, hyphens/underscores as spaces, whitespace collapsed (matching form)."""
    return " " + " ".join(re.sub(r"[-_/]", " ", text.casefold()).split()) + " "


@dataclass(frozen=True)
class _Keyword:
    label: str
    pattern: re.Pattern

    @classmethod
    def build(cls, keyword: str) -> "_Keyword":
        folded = fold(keyword.rstrip("*")).strip()
        body = r"\s".join(re.escape(word) for word in folded.split())
        tail = r"\w*" if keyword.endswith("*") else ""
        # \b on both sides: whole words only; the body is literal text, so no backtracking blow-up
        return cls(keyword, re.compile(rf"(?<!\w){body}{tail}(?!\w)"))

    def search(self, folded_text: str) -> bool:
        return self.pattern.search(folded_text) is not None


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    include: tuple[_Keyword, ...]
    exclude: tuple[_Keyword, ...]
    authors: dict[str, str]  # name key -> name as written in the rule
    categories: frozenset[str]
    exclude_categories: frozenset[str]
    sources: frozenset[str]

    @classmethod
    def build(cls, rule: Rule) -> "CompiledRule":
        return cls(
            rule=rule,
            include=tuple(_Keyword.build(k) for k in rule.include.keywords),
            exclude=tuple(_Keyword.build(k) for k in rule.exclude.keywords),
            authors={name_key(a): a for a in rule.include.authors},
            categories=frozenset(c.casefold() for c in rule.include.categories),
            exclude_categories=frozenset(c.casefold() for c in rule.exclude.categories),
            sources=frozenset(rule.include.sources),
        )

    @property
    def min_score(self) -> int:
        if self.rule.min_score is not None:
            return self.rule.min_score
        return 1 if self.include else 0

    def match(self, paper: Paper) -> tuple[Selection, int] | None:
        """(why it matched, ranking score) or None."""
        if self.sources and paper.source not in self.sources:
            return None
        title, body = fold(paper.title), fold(paper.abstract)
        both = title + body
        if any(k.search(both) for k in self.exclude):
            return None
        categories = {c.casefold() for c in paper.categories}
        if categories & self.exclude_categories:
            return None
        followed = tuple(self.authors[k] for k in (name_key(a.name) for a in paper.authors) if k in self.authors)
        in_title = [k.label for k in self.include if k.search(title)]
        in_body = [k.label for k in self.include if k.label not in in_title and k.search(body)]
        keywords = tuple(in_title + in_body)
        matched_categories = tuple(c for c in paper.categories if c.casefold() in self.categories)
        category_ok = not self.categories or bool(matched_categories)
        selected = bool(followed) or (
            category_ok and len(keywords) >= self.min_score and (keywords or matched_categories)
        )
        if not selected:
            return None
        rank = 100 * len(followed) + 2 * len(in_title) + len(in_body) + (1 if matched_categories else 0)
        why = Selection(self.rule.id, len(keywords) + len(followed), keywords, followed, matched_categories)
        return why, rank


def compile_rules(rules: list[Rule]) -> list[CompiledRule]:
    return [CompiledRule.build(rule) for rule in rules]


def curate(papers: list[Paper], rules: list[CompiledRule]) -> tuple[list[Paper], int]:
    """Keep papers some rule selects, each carrying why; returns (kept, rejected count).

    ``max_per_day`` is applied per rule, best-ranked first; a paper dropped by
    one rule's cap can still be kept by another rule.  The kept paper's topics
    are ordered best match first (that one becomes its Pelican category).
    """
    matches: dict[str, list[tuple[int, Selection]]] = {}
    for rule in rules:
        hits = []
        for paper in papers:
            found = rule.match(paper)
            if found:
                hits.append((found[1], paper.id, found[0]))
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
