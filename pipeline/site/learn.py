"""What the radar page and the home page read in the browser, listed in ``data/index.json``.

* ``data/cards/`` — the recent papers' card records (title, authors, abstract, topics, brief's TL;DR …), in
  parts of at most ``CARD_ROWS`` papers of one radar day, in home-page order: ``index.json`` lists the parts
  (``parts``: day, file, count), newest day first. A part's name carries a hash of its bytes, so a new day
  adds parts and the browser keeps the others cached. The pages fetch a part only when they show its papers:
  the radar page the newest day first (earlier days on request), the home page's "换一批" the next part.
* ``data/vectors/`` — the embeddings of the radar's papers (its ``RADAR_DAYS``), quantised to int8:
  ``manifest.json`` names the model, the dimensions and the shards; a shard holds the papers of one
  radar day (at most ``SHARD_ROWS``), as ``n`` float32 scales (little-endian) followed by ``n × d``
  int8 values, row ``i`` being ``q[i] * scale[i]``. A shard's name carries a hash of its bytes, so a
  new day adds a shard and the browser keeps the others cached. The radar page fetches them only
  when the reader has rated papers or follows something.
* ``data/vectors/archive/`` — the vectors of every paper of the archive, in ``buckets`` files named in the
  manifest (``archive``): a paper is in bucket ``fnv1a(id) % buckets`` (FNV-1a over the id's UTF-16 code units,
  as ``learn.js`` hashes), about ``ARCHIVE_ROWS`` papers a bucket, as JSON ``{"ids": [...], "rows": [...]}``, a row
  being base64 of its float32 scale and int8 values (what the browser keeps in ``ah-vectors``). The radar page
  fetches only the buckets of the papers a reader imports that the shards lack, so an old paper still teaches.
* ``data/ids.json`` — every paper of the archive by id (``arxiv:…``, ``doi:…``), with its page's
  slug, and its DOI and arXiv id where they differ from the id: what the reader's imported library
  (BibTeX, RIS, pasted ids) is looked up in. Fetched only when the reader imports.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from pathlib import Path

from pelican.contents import Article

from ..files import write_bytes, write_text
from .views import radar_day_of

VECTORS = "data/vectors"
IDS = "data/ids.json"
CARDS = "data/cards"
CARD_ROWS = 50
SHARD_ROWS = 256
ARCHIVE = f"{VECTORS}/archive"
ARCHIVE_ROWS = 64


def quantise(matrix):
    """(scales, int8 rows) of a float matrix: each row scaled so its largest value is ±127."""
    import numpy as np

    matrix = np.asarray(matrix, dtype=np.float32)
    peak = np.abs(matrix).max(axis=1)
    scales = np.where(peak > 0, peak / 127, 1).astype(np.float32)
    return scales, np.clip(np.rint(matrix / scales[:, None]), -127, 127).astype(np.int8)


def dequantise(scales, rows):
    """The float32 rows a shard stands for (what the browser computes with)."""
    import numpy as np

    return rows.astype(np.float32) * np.asarray(scales, dtype=np.float32)[:, None]


def shard_bytes(scales, rows) -> bytes:
    import numpy as np

    return np.asarray(scales, dtype="<f4").tobytes() + np.ascontiguousarray(rows, dtype=np.int8).tobytes()


def fnv1a(text: str) -> int:
    """FNV-1a (32 bits) over the UTF-16 code units of ``text``: learn.js's hash of an id."""
    value = 0x811C9DC5
    for unit in memoryview(text.encode("utf-16-le")).cast("H"):
        value = ((value ^ unit) * 0x01000193) & 0xFFFFFFFF
    return value


def packed_row(scale, row) -> str:
    """A quantised row as the browser keeps it: base64 of its float32 scale, then its int8 values."""
    import numpy as np

    data = np.float32(scale).astype("<f4").tobytes() + np.asarray(row, dtype=np.int8).tobytes()
    return base64.b64encode(data).decode("ascii")


def write_archive(folder: Path, ids: list[str], vectors) -> list[str]:
    """The archive's buckets (the papers of ``ids`` that have a vector); their file names, by bucket number.
    Bucket files this build does not name are removed."""
    found, matrix = vectors.take(sorted(set(ids))) if ids else ([], None)
    count = math.ceil(len(found) / ARCHIVE_ROWS)
    buckets: list[list[int]] = [[] for _ in range(count)]
    for i, paper_id in enumerate(found):
        buckets[fnv1a(paper_id) % count].append(i)
    scales, rows = quantise(matrix) if found else ((), ())
    names = []
    for number, members in enumerate(buckets):
        bucket = {"ids": [found[i] for i in members], "rows": [packed_row(scales[i], rows[i]) for i in members]}
        data = json.dumps(bucket, separators=(",", ":")).encode()
        names.append(f"{number}-{hashlib.sha1(data).hexdigest()[:10]}.json")
        write_bytes(folder / names[-1], data)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in names:
                path.unlink()
        if not names:
            folder.rmdir()
    return names


def write_vectors(output: Path, articles: list[Article], semantic, archived: list[str] = ()) -> str | None:
    """The radar papers' shards, the archive's buckets (``archived``: every paper id of the archive) and their
    manifest (from the build's ``SiteSemantics``, None without the semantic extra's vectors); the manifest's
    path, or None. Shards this build does not name are removed."""
    folder = output / VECTORS
    vectors = semantic.vectors if semantic is not None else None
    by_day: dict[str, list[str]] = {}
    if vectors is not None:
        for article in articles:
            if article.paper.id in vectors:
                by_day.setdefault(f"{radar_day_of(article):%Y-%m-%d}", []).append(article.paper.id)
    shards, keep = [], set()
    for day in sorted(by_day, reverse=True):
        ids = sorted(by_day[day])
        for start in range(0, len(ids), SHARD_ROWS):
            chunk = ids[start : start + SHARD_ROWS]
            _, matrix = vectors.take(chunk)
            data = shard_bytes(*quantise(matrix))
            name = f"{day}-{hashlib.sha1(data).hexdigest()[:10]}.i8"
            write_bytes(folder / name, data)
            keep.add(name)
            shards.append({"file": name, "day": day, "ids": chunk})
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and path.name not in keep and path.name != "manifest.json":
                path.unlink()
    manifest = folder / "manifest.json"
    if not shards:
        manifest.unlink(missing_ok=True)
        write_archive(output / ARCHIVE, [], None)  # removes the buckets of an earlier build
        return None
    archive = write_archive(output / ARCHIVE, list(archived) or [a.paper.id for a in articles], vectors)
    from ..semantic.store import Store

    model = str((Store(semantic.state).manifest() or {}).get("model", ""))
    write_text(
        manifest,
        json.dumps(
            {
                "model": model,
                "dimensions": int(vectors.matrix.shape[1]),
                "format": "int8, a float32 scale per row",
                "shards": shards,
                "archive": archive,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ),
    )
    return f"{VECTORS}/manifest.json"


def write_cards(output: Path, records: list[dict]) -> list[dict]:
    """The card records (each with its ``day``, in home-page order) as parts of at most CARD_ROWS papers of one
    day; the parts as index.json lists them. Part files this build does not name are removed."""
    folder = output / CARDS
    parts: list[dict] = []
    runs: list[list[dict]] = []
    for record in records:
        if not runs or runs[-1][0]["day"] != record["day"] or len(runs[-1]) == CARD_ROWS:
            runs.append([])
        runs[-1].append(record)
    for run in runs:
        data = json.dumps(run, ensure_ascii=False, separators=(",", ":")).encode()
        name = f"{run[0]['day']}-{hashlib.sha1(data).hexdigest()[:10]}.json"
        write_bytes(folder / name, data)
        parts.append({"day": run[0]["day"], "file": f"{CARDS}/{name}", "count": len(run)})
    if folder.is_dir():
        keep = {Path(part["file"]).name for part in parts}
        for path in folder.iterdir():
            if path.name not in keep:
                path.unlink()
    return parts


def write_ids(output: Path, papers: list[Article], archived: list[dict] = ()) -> str:
    """data/ids.json: {"papers": {id: slug}, "alias": {"doi:…" or "arxiv:…": id}} over the archive
    (``archived``: the closed months' papers as their shards' manifests list them)."""
    found, alias = {}, {}
    records = [{"id": a.paper.id, "url": a.url, "doi": a.paper.doi, "arxiv_id": a.paper.arxiv_id} for a in papers]
    for paper in [*records, *archived]:
        found[paper["id"]] = Path(paper["url"]).stem
        for key in (
            f"doi:{paper['doi'].lower()}" if paper["doi"] else "",
            f"arxiv:{paper['arxiv_id']}" if paper["arxiv_id"] else "",
        ):
            if key and key != paper["id"]:
                alias[key] = paper["id"]
    write_text(output / IDS, json.dumps({"papers": found, "alias": alias}, ensure_ascii=False, separators=(",", ":")))
    return IDS
