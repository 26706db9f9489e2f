"""Which records are the same paper: identity keys (arXiv id, DOI, the links between a preprint and
its journal version, the title as a last resort), the conflicts that keep two papers apart, and the
merge of two records of one paper."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from urllib.parse import unquote

from ..models import Paper

ARXIV_NEW_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v(\d+))?(?!\d)")
ARXIV_OLD_ID = re.compile(r"([a-z][a-z.-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?")
DOI_RE = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)


_OPENER = {")": "(", "]": "["}


_NOT_WORD = re.compile(r"[^\w\s]")

# Scripts written without spaces between words (Han, kana, Hangul, Bopomofo), as ranges of a character
# class: inside a run of them every character is a word of its own for matching (the theme's scripts
# read the same ranges from the module the site's build writes, pipeline/site/scripts.py).
CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3100-\u318f\u31a0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0003ffff"
)
_CJK_GAP = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")


def name_key(name: str) -> str:
    """A matching key for author names: accents, case, punctuation and width ignored, and the spaces
    inside a name written in Han, kana or Hangul (张 伟 is 张伟, 王·小明 is 王小明)."""
    if name.isascii():
        return " ".join(_NOT_WORD.sub(" ", name.casefold()).split())
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _CJK_GAP.sub("", " ".join(_NOT_WORD.sub(" ", folded.casefold()).split()))


def normalise_doi(value: str) -> str:
    """A DOI as Crossref compares them: lower case, without doi:/URL prefix or trailing punctuation and slashes."""
    value = value or ""
    if "%" in value:
        value = unquote(value)
    match = DOI_RE.search(value)
    if not match:
        return ""
    doi = match.group(0)
    while doi[-1] in ".,;:/'" or doi.count(doi[-1]) > doi.count(_OPENER.get(doi[-1], doi[-1])):
        doi = doi[:-1]  # a closing bracket is part of the DOI only when the DOI opened it
    return doi.lower()


def title_key(title: str) -> str:
    """A normalised title used as the last-resort duplicate key."""
    return re.sub(r"[\W_]+", "", name_key(title))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _recency(paper: Paper) -> tuple[int, datetime]:
    return paper.version, paper.updated or paper.published or _EPOCH


# How two records of one paper are merged, field by field. ``old`` is the record known first, ``new`` the
# one that arrived; ``newer`` the later version of the two (its number, else its date), ``older`` the other.
POLICIES: dict[str, Callable[[Paper, Paper, Paper, Paper, str], object]] = {
    "first": lambda old, new, newer, older, name: getattr(old, name),
    "newer": lambda old, new, newer, older, name: getattr(newer, name),
    "newer-else-older": lambda old, new, newer, older, name: getattr(newer, name) or getattr(older, name),
    "new-else-old": lambda old, new, newer, older, name: getattr(new, name) or getattr(old, name),
    "earliest": lambda old, new, newer, older, name: min(
        filter(None, (getattr(old, name), getattr(new, name))), default=None
    ),
    "union": lambda old, new, newer, older, name: tuple(dict.fromkeys(getattr(newer, name) + getattr(older, name))),
    "union-first": lambda old, new, newer, older, name: tuple(dict.fromkeys(getattr(old, name) + getattr(new, name))),
}
# a field this table does not name takes the newer record's value when it has one, else the older's
DEFAULT_POLICY = "newer-else-older"
MERGE = {
    "id": "first",
    "source": "first",
    "source_label": "first",
    # the radar day the paper first arrived (the archive's index sets it again from what it recorded)
    "received": "first",
    "title": "newer",
    "version": "newer",
    "updated": "newer",
    "url": "newer",
    "topics": "newer",
    "events": "newer",
    "authors": "newer-else-older",
    "abstract": "newer-else-older",
    "pdf": "newer-else-older",
    "doi": "newer-else-older",
    "arxiv_id": "newer-else-older",
    "journal_ref": "newer-else-older",
    "comment": "newer-else-older",
    "venue": "newer-else-older",
    "announce_type": "new-else-old",
    "published": "earliest",
    "categories": "union",
    "code_links": "union",
    "links": "union-first",
}


def merge(old: Paper, new: Paper, by_title: bool = False) -> Paper:
    """Combine two records of the same paper; the newer version wins, nothing known is lost (``MERGE``
    says how, field by field).

    Records matched only by their title (a preprint and its journal version that do not link each
    other) keep the first record's fields; the second only fills what the first lacks.
    """
    newer = new if not by_title and _recency(new) >= _recency(old) else old
    older = old if newer is new else new
    policy = {spec.name: POLICIES[MERGE.get(spec.name, DEFAULT_POLICY)] for spec in fields(new) if spec.init}
    return replace(newer, **{name: merged(old, new, newer, older, name) for name, merged in policy.items()})


def keys(paper: Paper) -> list[str]:
    """Every identity key of a paper: ids first, normalised title last."""
    found = [paper.id]
    if paper.arxiv_id:
        found.append(f"arxiv:{paper.arxiv_id}")
    if paper.doi:
        found.append(f"doi:{paper.doi}")
    found += paper.links
    tkey = title_key(paper.title)
    if len(tkey) >= 24:  # short titles ("Editorial", "Correction") are not identities
        found.append("title:" + tkey)
    return list(dict.fromkeys(found))


def _dois(paper: Paper) -> set[str]:
    """The paper's DOI and the DOIs it links to itself (a preprint's journal version)."""
    linked = {normalise_doi(m) for m in DOI_RE.findall(paper.journal_ref)}
    return {paper.doi, *linked} - {""}


def _linked(a: Paper, b: Paper) -> bool:
    """True when one record names the other as its own other version (a journal article its preprint)."""
    return bool(set(a.links) & _ids(b) or set(b.links) & _ids(a))


def _ids(paper: Paper) -> set[str]:
    return {paper.id, f"arxiv:{paper.arxiv_id}", f"doi:{paper.doi}"} - {"arxiv:", "doi:"}


def conflict(a: Paper, b: Paper) -> str:
    """Why two records are two papers whatever their titles say; empty when no identifier disagrees."""
    if _linked(a, b):
        return ""
    if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
        return f"different arXiv ids ({a.arxiv_id}, {b.arxiv_id})"
    if a.doi and b.doi and not _dois(a) & _dois(b):
        return f"different DOIs ({a.doi}, {b.doi})"
    return ""


@dataclass(frozen=True)
class Merged:
    """One record merged into another: ``into`` is the paper id it joined."""

    record: Paper
    into: str
    by_title: bool

    def describe(self) -> str:
        return f"{self.record.id} merged by title into {self.into}: {self.record.title[:80]!r}"


def find_same(paper: Paper, candidates) -> tuple[object, bool] | None:
    """The first candidate holding the same paper, and whether only the title said so.

    ``candidates`` yields (key, handle, record) for each record known under one of the paper's
    keys, in the order of ``keys(paper)``; a record with a conflicting identifier never matches.
    An unreadable record (None) matches by identifier only: the caller reports it.
    """
    for key, handle, known in candidates:
        by_title = key.startswith("title:")
        if known is None and not by_title or known is not None and not conflict(known, paper):
            return handle, by_title
    return None


def dedupe(papers: list[Paper]) -> tuple[list[Paper], list[Merged]]:
    """Merge records of the same paper; returns (unique papers, records merged into another)."""
    by_key: dict[str, list[int]] = {}
    out: list[Paper] = []
    merged_away: list[Merged] = []
    for paper in papers:
        found = find_same(paper, ((k, i, out[i]) for k in keys(paper) for i in by_key.get(k, ())))
        if found is None:
            index = len(out)
            out.append(paper)
        else:
            index, by_title = found
            merged_away.append(Merged(paper, out[index].id, by_title))
            out[index] = merge(out[index], paper, by_title)
        for k in keys(out[index]):
            if index not in by_key.setdefault(k, []):
                by_key[k].append(index)
    return out, merged_away


def split_arxiv_id(value: str) -> tuple[str, int]:
    """'https://arxiv.org/abs/2606.17199v2' -> ('2606.17199', 2); old-style ids too."""
    value = value or ""
    for pattern in (ARXIV_NEW_ID, ARXIV_OLD_ID):
        match = pattern.search(value)
        if match:
            return match.group(1), int(match.group(2) or 0)
    return "", 0
