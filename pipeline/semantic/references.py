"""The papers a rule's ``similar_to`` names: arXiv ids, DOIs, or a BibTeX file.

A reference is found, in this order, in the site's own archive (``content/``: its
title and abstract are embedded, or its stored vector is used), among the papers of
the run, or in the BibTeX entry itself (its title and, when the export carries one,
its abstract — Zotero and Better BibTeX write ``abstract`` fields).  A reference that
is none of these cannot be embedded and is reported, never guessed.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from ..archive.identity import normalise_doi, split_arxiv_id
from ..config import Rule
from ..errors import MissingExtra, SemanticError
from ..models import Paper


@dataclass(frozen=True)
class Reference:
    label: str  # what the rule says (an id, or "file.bib: key")
    key: str  # "arxiv:2604.22038" / "doi:10.…" / "" (BibTeX entry without an id)
    title: str = ""
    abstract: str = ""


def reference_key(text: str) -> str:
    """An identity key (as ``normalise.keys`` makes them) for an arXiv id or a DOI, or ""."""
    doi = normalise_doi(text)
    if doi and "arxiv" not in doi:
        return f"doi:{doi}"
    if doi:  # 10.48550/arXiv.2604.22038: arXiv's own DOI
        text = doi.split("arxiv.", 1)[-1]
    arxiv_id, _ = split_arxiv_id(re.sub(r"^arxiv:\s*", "", text.strip(), flags=re.IGNORECASE))
    return f"arxiv:{arxiv_id}" if arxiv_id else ""


_BRACES = re.compile(r"[{}]")


def _field(fields: dict, name: str) -> str:
    value = fields.get(name)
    return " ".join(_BRACES.sub("", str(value.value)).split()) if value is not None else ""


def read_bibtex(path: Path, display: str) -> list[Reference]:
    """Every entry of a BibTeX file (a Zotero export, say) with an id, a title or both."""
    try:
        import bibtexparser
        from bibtexparser.middlewares import LatexDecodingMiddleware
    except ImportError as exc:
        raise MissingExtra(f"{display}: reading BibTeX") from exc
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SemanticError(f"{display}: cannot read: {exc}") from exc
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    if library.failed_blocks and not library.entries:
        block = library.failed_blocks[0]
        raise SemanticError(f"{display}:{block.start_line + 1}: not valid BibTeX: {block.error}")
    found = []
    for entry in library.entries:
        fields = {k.lower(): v for k, v in entry.fields_dict.items()}
        ids = [_field(fields, name) for name in ("eprint", "arxiv", "arxivid", "doi", "url")]
        key = next((k for k in map(reference_key, ids) if k), "")
        title = _field(fields, "title")
        if key or title:
            found.append(Reference(f"{display}: {entry.key}", key, title, _field(fields, "abstract")))
    return found


def bibtex_path(rule: Rule) -> Path:
    path = Path(rule.similar_to.bibtex)
    return path if path.is_absolute() else (Path(rule.path).parent if rule.path else Path("rules")) / path


def check_rules(rules: list[Rule]) -> list[str]:
    """What ``rules check`` reports about ``similar_to``: ids that are not ids, missing or broken BibTeX files.

    Without the semantic extra the BibTeX files are only checked to exist.
    """
    readable = importlib.util.find_spec("bibtexparser") is not None
    return [problem for rule in rules for problem in rule_references(rule, read=readable)[1]]


def rule_references(rule: Rule, read: bool = True) -> tuple[list[Reference], list[str]]:
    """(references, problems) of one rule; problems name the rule file.  ``read=False``: the BibTeX
    file is only checked to exist."""
    spec = rule.similar_to
    if spec is None:
        return [], []
    where = rule.path or f"rules/{rule.id}.yml"
    refs, problems = [], []
    for item in spec.papers:
        key = reference_key(item)
        if key:
            refs.append(Reference(item, key))
        else:
            problems.append(f"{where}: similar_to.papers: {item!r} is neither an arXiv id nor a DOI")
    if spec.bibtex:
        path = bibtex_path(rule)
        if not path.is_file():
            problems.append(f"{where}: similar_to.bibtex: {path} does not exist")
        elif read:
            try:
                refs.extend(read_bibtex(path, spec.bibtex))
            except SemanticError as exc:
                problems.append(f"{where}: similar_to.bibtex: {exc}")
    return refs, problems


def resolve_text(ref: Reference, known: dict[str, Paper]) -> tuple[str, str] | None:
    """(title, abstract) to embed for a reference, or None when nothing is known about it."""
    paper = known.get(ref.key) if ref.key else None
    if paper is not None:
        return paper.title, paper.abstract
    if ref.title:
        return ref.title, ref.abstract
    return None
