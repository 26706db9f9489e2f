"""Embeddings stored compactly beside the pipeline's other state.

``state/embeddings/`` holds

* ``manifest.json`` — the vector space: which backend and model, how many dimensions;
* ``YYYY/MM/YYYY-MM-DD.npy`` — the float16 vectors of the papers of one day (NumPy's
  ``.npy`` format, one row per paper), and beside it
* ``YYYY/MM/YYYY-MM-DD.json`` — the paper id of each row and a hash of the text it was
  computed from (a new version with a changed abstract is embedded again).

A day's files are written once, when its papers arrive, and left alone after that, so
the daily commit adds files rather than rewriting a large one.  Writes are atomic and
skipped when the bytes would not change: embedding a day again changes nothing.
Vectors of another model are never mixed in: a store made with another model is set
aside (renamed ``embeddings.<old model>``) and rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SemanticError
from ..files import atomic_write
from ..layout import Layout
from ..models import Paper
from .embedders import paper_text

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

UNDATED = "undated"


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def shard_of(paper: Paper) -> str:
    """The day a paper's vector is filed under (its entry's date)."""
    if paper.published is None:
        return UNDATED
    return paper.published.astimezone(UTC).date().isoformat()


@dataclass
class Vectors:
    """Every stored vector: ids in row order and a float32 matrix (rows L2-normalised)."""

    ids: list[str]
    matrix: np.ndarray

    def __post_init__(self) -> None:
        self.row = {paper_id: i for i, paper_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, paper_id: str) -> bool:
        return paper_id in self.row

    def get(self, paper_id: str) -> np.ndarray | None:
        at = self.row.get(paper_id)
        return None if at is None else self.matrix[at]

    def take(self, paper_ids: Iterable[str]) -> tuple[list[str], np.ndarray]:
        """The ids that have a vector, and their rows."""
        found = [i for i in paper_ids if i in self.row]
        return found, self.matrix[[self.row[i] for i in found]]


class Store:
    """The vectors of one model, one pair of files per day."""

    def __init__(self, state: Path, key: str = ""):
        self.root = Layout(state=state).embeddings
        self.key = key

    # ------------------------------------------------------------ manifest

    def manifest(self) -> dict | None:
        try:
            data = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def prepare(self, dimensions: int) -> None:
        """Make the store hold vectors of ``self.key``; a store of another model is set aside."""
        manifest = self.manifest()
        if manifest and (manifest.get("model") != self.key or manifest.get("dimensions") != dimensions):
            old = re.sub(r"[^A-Za-z0-9.-]+", "-", str(manifest.get("model")))
            aside = self.root.with_name(f"{self.root.name}.{old}")
            log.warning(
                "%s holds vectors of %s; moved to %s, re-embedding with %s",
                self.root,
                manifest.get("model"),
                aside,
                self.key,
            )
            if aside.exists():
                raise SemanticError(
                    f"{self.root} holds vectors of another model ({manifest.get('model')}) and "
                    f"{aside} already exists: remove one of them"
                )
            self.root.rename(aside)
            manifest = None
        if manifest is None:
            atomic_write(
                self.root / "manifest.json",
                json.dumps({"model": self.key, "dimensions": dimensions, "dtype": "float16", "format": 1}, indent=1)
                + "\n",
            )

    # ------------------------------------------------------------ shards

    def _paths(self, shard: str) -> tuple[Path, Path]:
        folder = self.root / (shard[:4] + "/" + shard[5:7] if shard != UNDATED else UNDATED)
        return folder / f"{shard}.npy", folder / f"{shard}.json"

    def shards(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*/*/*.json")) + (
            [UNDATED] if (self.root / UNDATED / f"{UNDATED}.json").is_file() else []
        )

    def read_shard(self, shard: str) -> tuple[list[str], list[str], np.ndarray] | None:
        """(ids, text hashes, float16 rows) of one day, or None when missing or damaged."""
        import numpy as np

        vectors, index = self._paths(shard)
        try:
            meta = json.loads(index.read_text(encoding="utf-8"))
            rows = np.load(vectors, allow_pickle=False)
        except (OSError, ValueError) as exc:
            if index.exists() or vectors.exists():
                log.warning("%s: unreadable (%s); its papers will be embedded again", index, exc)
            return None
        ids, hashes = meta.get("ids"), meta.get("text")
        if not (
            isinstance(ids, list)
            and isinstance(hashes, list)
            and rows.ndim == 2
            and len(ids) == len(hashes) == rows.shape[0]
        ):
            log.warning("%s: ids and vectors do not match; its papers will be embedded again", index)
            return None
        return ids, hashes, rows

    def write_shard(self, shard: str, ids: list[str], hashes: list[str], rows: np.ndarray) -> None:
        import numpy as np

        order = sorted(range(len(ids)), key=lambda i: ids[i])  # byte-stable whatever order papers came in
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(rows[order], dtype=np.float16), allow_pickle=False)
        vectors, index = self._paths(shard)
        atomic_write(vectors, buffer.getvalue())
        atomic_write(
            index,
            json.dumps(
                {"ids": [ids[i] for i in order], "text": [hashes[i] for i in order]}, ensure_ascii=False, indent=0
            )
            + "\n",
        )

    # ------------------------------------------------------------ papers

    def missing(self, papers: list[Paper]) -> list[Paper]:
        """The papers with no vector yet, or whose title or abstract changed since."""
        known: dict[str, str] = {}
        for shard in {shard_of(p) for p in papers}:
            found = self.read_shard(shard)
            if found:
                known.update(zip(found[0], found[1]))
        return [p for p in papers if known.get(p.id) != text_hash(paper_text(p.title, p.abstract))]

    def put(self, papers: list[Paper], rows: np.ndarray) -> None:
        """Add (or replace) the vectors of ``papers`` (row i belongs to paper i)."""
        import numpy as np

        by_shard: dict[str, list[int]] = {}
        for i, paper in enumerate(papers):
            by_shard.setdefault(shard_of(paper), []).append(i)
        for shard, members in by_shard.items():
            found = self.read_shard(shard)
            ids, hashes, old = found if found else ([], [], np.zeros((0, rows.shape[1]), dtype=np.float16))
            position = {paper_id: i for i, paper_id in enumerate(ids)}
            ids, hashes, old = list(ids), list(hashes), old.astype(np.float32)
            extra = []
            for i in members:
                paper = papers[i]
                digest = text_hash(paper_text(paper.title, paper.abstract))
                if paper.id in position:
                    old[position[paper.id]] = rows[i]
                    hashes[position[paper.id]] = digest
                else:
                    position[paper.id] = len(ids)
                    ids.append(paper.id)
                    hashes.append(digest)
                    extra.append(rows[i])
            if extra:
                old = np.vstack([old, np.asarray(extra, dtype=np.float32)])
            self.write_shard(shard, ids, hashes, old)

    def load(self, only: set[str] | None = None) -> Vectors:
        """Every stored vector (or those of ``only``), as float32 with unit rows."""
        import numpy as np

        ids: list[str] = []
        blocks = []
        seen: set[str] = set()
        for shard in self.shards():
            found = self.read_shard(shard)
            if not found:
                continue
            shard_ids, _, rows = found
            keep = [
                i for i, paper_id in enumerate(shard_ids) if paper_id not in seen and (only is None or paper_id in only)
            ]
            if not keep:
                continue
            ids.extend(shard_ids[i] for i in keep)
            seen.update(shard_ids[i] for i in keep)
            blocks.append(rows[keep])
        dimensions = (self.manifest() or {}).get("dimensions") or 1
        matrix = np.vstack(blocks).astype(np.float32) if blocks else np.zeros((0, dimensions), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return Vectors(ids, matrix / np.where(norms == 0, 1, norms))
