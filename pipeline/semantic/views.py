"""What the site and the daily brief show of the vectors: read-only, NumPy only.

* ``SiteSemantics`` — related papers across the archive for every paper page, and
  the map of each day (a 2-D projection coloured by topic, with its clusters);
* ``day_clusters`` — the day's clusters across topics, as lines for the daily brief.

Everything returns plain data (numbers, ids, the site's own article objects); the
templates turn it into markup with autoescaping, so no text becomes markup here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.semantic import SemanticConfig, load_config
from ..errors import ConfigError
from .store import Store, Vectors

log = logging.getLogger(__name__)

# Okabe–Ito: told apart with the common colour-vision deficiencies; the map repeats them after eight topics
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 640, 400, 28
MAP_LABELS = 60  # a day with more papers numbers only its first 30 cards on the map


def load_vectors(state: Path) -> Vectors | None:
    """The stored vectors, or None without NumPy or without a store."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        return None
    store = Store(state)
    if store.manifest() is None:
        return None
    vectors = store.load()
    return vectors if len(vectors) else None


# ---------------------------------------------------------------- the site


@dataclass(frozen=True)
class Point:
    article: Any
    number: int  # the card number on the day's page ("01." …)
    x: float
    y: float
    topic: str
    color: str
    cluster: int  # 1-based; 0 when the paper is in no cluster
    labelled: bool = True  # its number is written beside it (on a crowded day, only the first cards')


@dataclass(frozen=True)
class DayCluster:
    number: int
    points: list[Point]
    topics: list[str]
    cohesion: float


@dataclass(frozen=True)
class DayMap:
    points: list[Point]
    legend: list[tuple[str, str]]  # (topic id, colour)
    clusters: list[DayCluster]
    unclustered: list[Point]
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT


def _primary(article) -> str:
    return str(article.category)


@dataclass
class SiteSemantics:
    """Related papers and day maps for one build."""

    vectors: Vectors
    config: SemanticConfig
    state: Path
    related: dict[str, list[tuple[Any, float, str]]] = field(default_factory=dict)  # id -> (article, cosine, topic)

    @classmethod
    def build(
        cls, state: Path, articles: list, config_file: Path | None = None, cache_dir: Path | None = None
    ) -> SiteSemantics | None:
        """``cache_dir`` keeps the archive's neighbours between builds: a build then compares only
        the papers added since with the archive (a day against 50,000 papers takes a second)."""
        vectors = load_vectors(state)
        if vectors is None:
            return None
        try:
            config = load_config(config_file)
        except ConfigError as exc:  # an invalid semantic.yml: the defaults, and say so
            log.warning("%s", exc)
            config = SemanticConfig()
        site = cls(vectors, config, state)
        site._related(articles, cache_dir)
        return site

    def _neighbours(self, ids: list[str], matrix, cache_dir: Path | None):
        """(ids, index, scores) of every paper's nearest papers, from the cache when it still holds."""
        import hashlib

        import numpy as np

        from .analysis import extend_nearest, nearest

        k = self.config.related
        keys = np.asarray([hashlib.blake2b(row.tobytes(), digest_size=8).hexdigest() for row in matrix])
        path = None
        if cache_dir is not None:
            space = hashlib.sha1(str(Store(self.state).manifest()).encode()).hexdigest()[:12]
            path = cache_dir / f"semantic-related-{space}-k{k}.npz"
        cached = None
        if path is not None and path.is_file():
            try:
                with np.load(path, allow_pickle=False) as data:
                    cached = {name: data[name] for name in ("ids", "keys", "index", "scores")}
            except (OSError, ValueError, KeyError) as exc:
                log.warning("%s: unreadable (%s); neighbours computed again", path, exc)
        position = {paper_id: i for i, paper_id in enumerate(ids)}
        old_ids = [str(i) for i in cached["ids"]] if cached else []
        reusable = bool(old_ids) and all(
            i in position and keys[position[i]] == key for i, key in zip(old_ids, cached["keys"])
        )
        if reusable:  # papers were only added: the old ones keep their rows, the new ones follow
            old = set(old_ids)
            order = old_ids + [i for i in ids if i not in old]
            rows = matrix[[position[i] for i in order]]
            index, scores = extend_nearest(rows, len(old_ids), cached["index"], cached["scores"], k)
            ids, keys = order, keys[[position[i] for i in order]]
        else:
            index, scores = nearest(matrix, k)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, ids=np.asarray(ids), keys=keys, index=index, scores=scores)
            tmp.replace(path)
        return ids, index, scores

    def _related(self, articles: list, cache_dir: Path | None = None) -> None:
        by_id = {a.paper.id: a for a in articles}
        ids, matrix = self.vectors.take(sorted(by_id))
        if not ids or not self.config.related:
            return
        ids, index, scores = self._neighbours(ids, matrix, cache_dir)
        index = index.copy()
        index[scores < self.config.related_min_similarity] = -1
        for row, paper_id in enumerate(ids):
            article = by_id[paper_id]
            own = [t.rule for t in article.paper.topics]
            found = []
            for col, score in zip(index[row], scores[row]):
                if col < 0:
                    continue
                other = by_id[ids[col]]
                theirs = [t.rule for t in other.paper.topics]
                shared = next((t for t in own if t in theirs), theirs[0] if theirs else _primary(other))
                found.append((other, float(score), shared))
            self.related[paper_id] = found

    def day_map(self, articles: Sequence) -> DayMap | None:
        """The map of one day's papers, numbered in the order given (the day page's card order)."""
        from .analysis import clusters, project

        present = [a for a in articles if a.paper.id in self.vectors]
        if len(present) < 3:
            return None
        _, matrix = self.vectors.take([a.paper.id for a in present])
        xy = project(matrix)
        groups = clusters(matrix, self.config.cluster_similarity)
        member_of = {i: n for n, group in enumerate(groups, 1) for i in group.members}
        topics = list(dict.fromkeys(_primary(a) for a in present))
        colors = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(topics)}
        number = {id(a): i for i, a in enumerate(articles, 1)}
        points = [
            Point(
                a,
                number[id(a)],
                round(MAP_PAD + float(xy[i, 0]) * (MAP_WIDTH - 2 * MAP_PAD), 1),
                round(MAP_PAD + (1 - float(xy[i, 1])) * (MAP_HEIGHT - 2 * MAP_PAD), 1),
                _primary(a),
                colors[_primary(a)],
                member_of.get(i, 0),
                len(articles) <= MAP_LABELS or number[id(a)] <= MAP_LABELS // 2,
            )
            for i, a in enumerate(present)
        ]
        day_clusters_ = [
            DayCluster(
                n,
                [points[i] for i in g.members],
                list(dict.fromkeys(_primary(present[i]) for i in g.members)),
                round(g.cohesion, 2),
            )
            for n, g in enumerate(groups, 1)
        ]
        alone = [points[i] for i in range(len(present)) if i not in member_of]
        return DayMap(points, list(colors.items()), day_clusters_, alone)


# ---------------------------------------------------------------- the daily brief


@dataclass(frozen=True)
class MeasuredLink:
    """Papers of one day, from different topics, whose abstracts are measurably alike."""

    kind: str  # "cluster" (average-linkage group) or "pair" (each other's nearest paper)
    ids: tuple[str, ...]
    topics: tuple[str, ...]
    similarity: float  # mean pairwise cosine (cluster) or the pair's cosine


def day_links(
    state: Path, papers: Sequence[tuple[str, str]], config_file: Path | None = None, pairs: int = 6
) -> list[MeasuredLink]:
    """The day's measured links (``links_among``) from the stored vectors.

    ``papers``: (paper id, topic) of the day's papers.  Empty without stored vectors.
    """
    vectors = load_vectors(state)
    if vectors is None:
        return []
    topic_of = dict(papers)
    ids, matrix = vectors.take(sorted(topic_of))
    try:
        config = load_config(config_file or state.parent / "semantic.yml")
    except ConfigError as exc:
        log.warning("%s", exc)
        config = SemanticConfig()
    return links_among(ids, matrix, topic_of, config, pairs)


def links_among(
    ids: Sequence[str], matrix: Any, topic_of: dict[str, str], config: SemanticConfig, pairs: int = 6
) -> list[MeasuredLink]:
    """The clusters that span topics, then the closest cross-topic pairs not already in one.

    ``matrix``: the papers' L2-normalised rows, in the order of ``ids``.
    """
    from .analysis import clusters

    if len(ids) < 2:
        return []
    threshold = config.cluster_similarity
    links = []
    covered: set[frozenset] = set()
    for group in clusters(matrix, threshold):
        members = tuple(ids[i] for i in group.members)
        topics = tuple(dict.fromkeys(topic_of[m] for m in members))
        if len(topics) > 1:
            links.append(MeasuredLink("cluster", members, topics, round(group.cohesion, 2)))
            covered.update(frozenset((a, b)) for a in members for b in members if a != b)
    import numpy as np

    sims = matrix @ matrix.T
    topic_ids = np.asarray([topic_of[i] for i in ids], dtype=object)
    candidates = np.triu(sims >= config.link_similarity, k=1) & (topic_ids[:, None] != topic_ids[None, :])
    found = {}
    for a_row, b_row in zip(*np.nonzero(candidates)):
        a, b = ids[a_row], ids[b_row]
        if frozenset((a, b)) not in covered:
            found[(a, b)] = MeasuredLink(
                "pair", (a, b), (topic_of[a], topic_of[b]), round(float(sims[a_row, b_row]), 2)
            )
    links += sorted(found.values(), key=lambda link: (-link.similarity, link.ids))[:pairs]
    return links
