"""The semantic stage: embed the archive, score a day's candidates against the rules.

``embed_archive`` gives every entry in ``content/`` a vector (only the ones that have
none, or whose text changed, cost anything); ``rule_similarities`` is what the fetch
job calls before curating when a rule has ``similar_to``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..archive.entry import read_record
from ..config import Rule
from ..config.semantic import load_config
from ..errors import ConfigError
from ..layout import Layout
from ..models import Paper
from . import has_local_model, has_numpy
from .embedders import Embedder, make_embedder, paper_text
from .references import resolve_text, rule_references
from .store import Store

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

CHUNK = 256  # papers embedded and saved at a time: a stopped run keeps what it computed
DEFAULT_CONFIG = Path("semantic.yml")


def archive_papers(content: Path) -> list[Paper]:
    """Every paper in ``content/papers`` (from its ``Record`` line)."""
    papers = []
    for path in Layout(content).entry_files():
        paper = read_record(path)
        if paper is not None:
            papers.append(paper)
    return papers


def texts(papers: list[Paper]) -> list[str]:
    return [paper_text(p.title, p.abstract) for p in papers]


@dataclass
class EmbedReport:
    model: str
    papers: int = 0
    embedded: int = 0
    seconds: float = 0.0


def embed_archive(
    content: Path, state: Path, embedder: Embedder, on_progress: Callable[[int, int], None] = lambda done, total: None
) -> EmbedReport:
    """Embed the entries that have no vector yet (or whose title or abstract changed)."""
    started = time.perf_counter()
    papers = archive_papers(content)
    store = Store(state, embedder.key)
    report = EmbedReport(embedder.key, len(papers))
    manifest = store.manifest()
    todo = papers if not manifest or manifest.get("model") != embedder.key else store.missing(papers)
    for start in range(0, len(todo), CHUNK):
        batch = todo[start : start + CHUNK]
        rows = embedder.embed(texts(batch))
        store.prepare(rows.shape[1])
        store.put(batch, rows)
        report.embedded += len(batch)
        on_progress(report.embedded, len(todo))
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class RunSimilarity:
    """What a fetch run learnt from the vectors: scores per rule, and the vectors to keep."""

    scores: dict[str, dict[str, tuple[float, str]]]
    store: Store
    papers: dict[str, Paper] = field(default_factory=dict)
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def save(self, kept: list[Paper]) -> None:
        """Store the vectors of the papers the run wrote (the rejected ones are not kept)."""
        import numpy as np

        chosen = [p for p in kept if p.id in self.rows]
        if chosen:
            rows = np.vstack([self.rows[p.id] for p in chosen])
            self.store.prepare(rows.shape[1])
            self.store.put(chosen, rows)


def default_embedder(
    config_path: Path | None = None,
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
) -> Embedder:
    """The embedder ``semantic.yml`` describes, with the command line's choices over it."""
    return make_embedder(load_config(config_path or DEFAULT_CONFIG), backend=backend, model=model, base_url=base_url)


def _paper_vectors(papers: list[Paper], store: Store, embedder: Embedder) -> np.ndarray:
    """Rows for ``papers``: stored vectors where the text is unchanged, the rest embedded now."""
    import numpy as np

    manifest = store.manifest()
    stale = set(p.id for p in (store.missing(papers) if manifest and manifest.get("model") == embedder.key else papers))
    stored = store.load({p.id for p in papers if p.id not in stale}) if len(stale) < len(papers) else None
    fresh = [p for p in papers if p.id in stale or stored is None or p.id not in stored]
    rows = embedder.embed(texts(fresh)) if fresh else None
    width = rows.shape[1] if rows is not None else stored.matrix.shape[1]
    out = np.zeros((len(papers), width), dtype=np.float32)
    computed = {p.id: i for i, p in enumerate(fresh)}
    for i, paper in enumerate(papers):
        out[i] = rows[computed[paper.id]] if paper.id in computed else stored.get(paper.id)
    return out


def _known_papers(papers: list[Paper], content: Path, state: Path, wanted: set[str]) -> dict[str, Paper]:
    """Identity key -> paper, for the referenced papers in the archive (through the index) and the run."""
    from ..archive.checkout import open_index, sparse_checkout
    from ..archive.identity import keys

    known: dict[str, Paper] = {}
    index = open_index(Layout(content, state), sparse_checkout(content))  # a month left out: read when a key asks
    for key in sorted(wanted):
        paper_id = index.lookup(key)
        found = index.read(paper_id) if paper_id is not None else None
        if found is not None:
            known.update({k: found for k in keys(found)})
    for paper in papers:
        known.update({k: paper for k in keys(paper)})
    return known


def rule_similarities(
    papers: list[Paper], rules: list[Rule], content: Path, state: Path, embedder: Embedder | None = None
) -> RunSimilarity:
    """Cosine similarity of every paper to the nearest paper each ``similar_to`` rule lists."""

    from .analysis import best_match

    embedder = embedder or default_embedder()
    store = Store(state, embedder.key)
    semantic_rules = [r for r in rules if r.similar_to]
    result = RunSimilarity({}, store)
    if not semantic_rules or not papers:
        return result
    references = {rule.id: rule_references(rule) for rule in semantic_rules}
    known = _known_papers(papers, content, state, {r.key for refs, _ in references.values() for r in refs if r.key})
    anchors: dict[str, tuple[list[str], list[str]]] = {}  # rule id -> (labels, texts)
    for rule in semantic_rules:
        refs, problems = references[rule.id]
        labels, bodies = [], []
        for ref in refs:
            found = resolve_text(ref, known)
            if found is None:
                problems.append(
                    f"{rule.path or rule.id}: similar_to: {ref.label} is not in the archive and has no "
                    "title to compare with (add it to a BibTeX file with its title and abstract)"
                )
                continue
            labels.append(ref.label)
            bodies.append(paper_text(*found))
        result.problems.extend(problems)
        anchors[rule.id] = (labels, bodies)
    for problem in result.problems:
        log.warning("%s", problem)
    matrix = _paper_vectors(papers, store, embedder)
    result.rows = {p.id: matrix[i] for i, p in enumerate(papers)}
    result.papers = {p.id: p for p in papers}
    for rule in semantic_rules:
        labels, bodies = anchors[rule.id]
        if not bodies:
            continue
        best, which = best_match(embedder.embed(bodies), matrix)
        result.scores[rule.id] = {p.id: (round(float(best[i]), 3), labels[int(which[i])]) for i, p in enumerate(papers)}
    return result


def step_available(config_path: Path | None = None) -> bool:
    """``academichub run``'s semantic step can run: numpy, and the bundled model when the backend is
    local (an invalid ``semantic.yml`` counts as local: the step itself reports it)."""
    try:
        backend = load_config(config_path or DEFAULT_CONFIG).backend
    except ConfigError:
        backend = "local"
    return has_numpy() and (backend != "local" or has_local_model())
