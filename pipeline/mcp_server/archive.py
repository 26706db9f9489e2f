"""What the MCP server reads: the papers and briefs of a local archive (``content/``) or of a
published site's JSON API (``api/v1/``), as one in-memory archive the tools search.

Everything read is untrusted data: it is kept as text, never run or formatted as instructions.
"""

from __future__ import annotations

import json
import logging
import math
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlparse, urlsplit, urlunsplit

from ..errors import ArchiveError
from ..models import PaperView

log = logging.getLogger(__name__)

ABSTRACT_CHARS = 3000  # what get_paper returns of an abstract at most
WORD = re.compile(r"\w+", re.UNICODE)
# Chinese and Japanese are written without spaces, so a run of their characters is no word: it is
# read as its characters and each pair of neighbours (量子纠错 → 量, 子, 纠, 错, 量子, 子纠, 纠错), and
# a query's run matches wherever its pairs all are
CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+)")
STOPWORDS = frozenset("a an and are as at be by for from has in is it its of on or that the this to we with".split())


def words(text: str) -> list[str]:
    """The words of ``text`` to search and compare by: lower-case, stop words out, runs of CJK
    characters as their characters and pairs."""
    out = []
    for token in WORD.findall(text.lower()):
        for i, part in enumerate(CJK.split(token)):
            if i % 2:  # a CJK run
                out += list(part) + [part[j : j + 2] for j in range(len(part) - 1)]
            elif part and part not in STOPWORDS:
                out.append(part)
    return out


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _strings(values) -> tuple[str, ...]:
    return tuple(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()


@dataclass(frozen=True)
class PaperRecord:
    """One paper as the tools see it: its view, and what the entry or the site's API adds to it."""

    paper: PaperView
    published: str  # YYYY-MM-DD
    day: str  # the radar day
    brief: dict | None  # {"zh": {...}, "en": {...}}
    links: dict
    related: tuple[str, ...] = ()  # ids the site lists as related

    @property
    def id(self) -> str:
        return self.paper.id

    @property
    def topics(self) -> tuple[str, ...]:
        """The rules that selected the paper, each once."""
        return tuple(dict.fromkeys(t.rule for t in self.paper.topics))

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.paper.authors)

    def search_text(self) -> str:
        brief = " ".join(
            str(v)
            for lang in (self.brief or {}).values()
            if isinstance(lang, dict)
            for v in lang.values()
            if isinstance(v, str)
        )
        return f"{self.paper.title} {self.paper.abstract} {brief}"

    def _pick(
        self, keys: tuple[str, ...], authors: int, computed: dict | None = None, shown: dict | None = None
    ) -> dict:
        """The paper as the tools give it: ``keys`` of its view, naming up to ``authors`` authors."""
        brief = self.brief or {}
        tldr = {lang: _text(brief.get(lang, {}).get("tldr")) for lang in ("zh", "en")} if self.brief else None
        return self.paper.pick(
            keys,
            {
                "more_authors": max(0, len(self.authors) - authors),
                "published": self.published,
                "day": self.day,
                "tldr": tldr,
                **(computed or {}),
            },
            {"authors": lambda _: list(self.authors[:authors]), "topics": lambda _: list(self.topics), **(shown or {})},
        )

    def card(self) -> dict:
        return self._pick(PaperView.MCP_CARD_FIELDS, 10)

    def full(self) -> dict:
        return self._pick(
            PaperView.MCP_FULL_FIELDS,
            50,
            {
                "why": [
                    {
                        "topic": t.rule,
                        "keywords": list(t.keywords),
                        "authors": list(t.authors),
                        "categories": list(t.categories),
                        "similar_to": t.similar_to or None,
                    }
                    for t in self.paper.topics
                ],
                "brief": self.brief,
                "links": self.links,
            },
            {"abstract": lambda text: text if len(text) <= ABSTRACT_CHARS else text[:ABSTRACT_CHARS] + " …"},
        )


def _brief_of(raw) -> dict | None:
    if not isinstance(raw, dict):
        return None
    out = {}
    for lang in ("zh", "en"):
        part = raw.get(lang) if isinstance(raw.get(lang), dict) else {}
        out[lang] = {key: _text(part.get(key)) for key in ("tldr", "problem", "method", "results", "why_it_matters")}
        out[lang]["keywords"] = list(_strings(part.get("keywords")))
    return out if any(v["tldr"] for v in out.values()) else None


def _digest(kind: str, day: str, raw: dict, papers: list[dict]) -> dict:
    """A daily or weekly brief: per language its headline, themes, connections and picks."""
    out = {"kind": kind, "date": day, "papers": papers}
    for lang in ("zh", "en"):
        part = raw.get(lang) if isinstance(raw.get(lang), dict) else {}
        text = {"headline": _text(part.get("headline"))}
        for key in ("themes", "connections", "read_first", "changes"):
            items = [i for i in part.get(key) or () if isinstance(i, dict)] if isinstance(part.get(key), list) else []
            if key == "read_first":
                text[key] = [{"paper": _text(i.get("paper")), "why": _text(i.get("why"))} for i in items[:10]]
            elif items or key != "changes":
                text[key] = [
                    {
                        **({"title": _text(i.get("title"))} if key == "themes" else {}),
                        "text": _text(i.get("text")),
                        "papers": list(_strings(i.get("papers"))[:40]),
                    }
                    for i in items[:10]
                ]
        out[lang] = text
    return out


@dataclass
class Archive:
    """Papers by id, newest radar day first, and the briefs by (kind, date)."""

    papers: list[PaperRecord]
    briefs: dict[tuple[str, str], dict] = field(default_factory=dict)
    vectors: object = None  # pipeline.semantic.store.Vectors, when the archive has embeddings
    where: str = ""

    def __post_init__(self) -> None:
        self.papers.sort(key=lambda p: (p.day, p.published, p.id), reverse=True)
        self.by_id = {p.id: p for p in self.papers}
        self._words = {p.id: Counter(words(p.search_text())) for p in self.papers}
        documents = Counter(w for counts in self._words.values() for w in counts)
        total = max(1, len(self.papers))
        self._idf = {w: math.log(1 + total / n) for w, n in documents.items()}

    # ------------------------------------------------------------ queries

    def search(self, query: str, topic: str, author: str, since: str, until: str) -> list[PaperRecord]:
        """Papers with every word of ``query`` (title, abstract, brief), of ``topic``, by an author whose
        name holds ``author``, arrived between ``since`` and ``until``: best matches first, then newest."""
        wanted = words(query)
        found = []
        for paper in self.papers:
            if topic and topic not in paper.topics:
                continue
            if author and not any(author.casefold() in name.casefold() for name in paper.authors):
                continue
            if (since and paper.day < since) or (until and paper.day > until):
                continue
            counts = self._words[paper.id]
            if wanted and not all(w in counts for w in wanted):
                continue
            title = set(words(paper.paper.title))
            score = sum(counts[w] * self._idf.get(w, 0) + (3 if w in title else 0) for w in wanted)
            found.append((score, paper))
        found.sort(key=lambda pair: -pair[0])  # stable: the newest first among equal scores
        return [paper for _, paper in found]

    def similar(self, paper_id: str) -> tuple[str, list[tuple[PaperRecord, float]]]:
        """Papers like this one: by embedding cosine where the archive has vectors, else by shared words
        (tf-idf cosine of title, abstract and brief), shared topics and authors."""
        paper = self.by_id[paper_id]
        vectors = self.vectors
        if vectors is not None and paper_id in vectors:
            ids, rows = vectors.take([p.id for p in self.papers if p.id != paper_id])
            scores = rows @ vectors.get(paper_id)
            ranked = sorted(zip(ids, (float(s) for s in scores)), key=lambda pair: -pair[1])
            return "embeddings", [(self.by_id[i], round(s, 4)) for i, s in ranked]

        def weights(pid: str) -> dict[str, float]:
            return {w: n * self._idf.get(w, 0) for w, n in self._words[pid].items()}

        mine = weights(paper_id)
        norm = math.sqrt(sum(v * v for v in mine.values())) or 1.0
        ranked = []
        for other in self.papers:
            if other.id == paper_id:
                continue
            theirs = weights(other.id)
            dot = sum(v * theirs.get(w, 0) for w, v in mine.items())
            cosine = dot / (norm * (math.sqrt(sum(v * v for v in theirs.values())) or 1.0))
            bonus = 0.05 * len(set(paper.topics) & set(other.topics)) + 0.1 * len(
                set(paper.authors) & set(other.authors)
            )
            if paper_id in other.related or other.id in paper.related:
                bonus += 0.1
            ranked.append((other, round(cosine + bonus, 4)))
        ranked.sort(key=lambda pair: -pair[1])
        return "words", [pair for pair in ranked if pair[1] > 0]

    def latest_brief_day(self, kind: str = "daily") -> str | None:
        return max((d for k, d in self.briefs if k == kind), default=None)


# ------------------------------------------------------------ a local archive


def from_content(content: Path, state: Path | None = None) -> Archive:
    """The entries of ``content/`` (papers and briefs) and, when ``state/`` holds them, their embeddings."""
    from ..archive.entry import read_entries

    if not (content / "papers").is_dir() and not (content / "briefs").is_dir():
        raise ArchiveError(
            f"{content}: no archive here (no papers/ or briefs/ folder); run `academichub fetch` "
            "first or pass --content"
        )
    papers = []
    for entry in read_entries(content):
        p = entry.paper
        published = p.published.date().isoformat() if p.published else ""
        day = entry.day.isoformat()
        papers.append(
            PaperRecord(
                PaperView.from_record(p.to_json()),
                published=published or day,
                day=day,
                brief=_brief_of(entry.brief),
                links={
                    "abstract": p.url or None,
                    "pdf": p.pdf or None,
                    "doi": f"https://doi.org/{p.doi}" if p.doi else None,
                    "code": list(p.code_links),
                    "entry": entry.rel,
                },
            )
        )
    titles = {p.id: p.paper.title for p in papers}
    briefs = {}
    for path in sorted((content / "briefs").rglob("*.md")) if (content / "briefs").is_dir() else ():
        meta = _head(path)
        kind = meta.get("brief_kind", "")
        try:
            raw = json.loads(meta.get("brief", ""))
        except ValueError:
            raw = None
        if kind not in ("daily", "weekly") or not isinstance(raw, dict):
            continue
        day = meta.get("date", "")[:10]
        ids = [i.strip() for i in meta.get("papers", "").split(";") if i.strip()]
        briefs[(kind, day)] = _digest(
            kind, day, raw, [{"number": n, "id": i, "title": titles.get(i)} for n, i in enumerate(ids, 1)]
        )
    return Archive(papers, briefs, _vectors(state or content.parent / "state"), where=str(content))


def _head(path: Path) -> dict[str, str]:
    try:
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return {}
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        meta[key.strip().lower()] = value
    return meta


def _vectors(state: Path):
    """The stored embeddings, when numpy is installed and ``state/`` holds some (else None: words decide)."""
    try:
        from ..semantic.store import Store

        store = Store(state)
        if not store.manifest():
            return None
        vectors = store.load()
        return vectors if len(vectors) else None
    except Exception as exc:  # noqa: BLE001 (embeddings are optional: without them, words decide)
        log.info("%s: no embeddings read (%s); similar papers by their words", state, exc)
        return None


# ------------------------------------------------------------ a published site


def from_site(site: str, *, timeout: float = 20, max_days: int = 90, session=None) -> Archive:
    """The papers of the newest ``max_days`` radar days and every brief of a site's ``api/v1/``."""
    import requests

    if urlparse(site).scheme not in ("http", "https") or not urlparse(site).netloc:
        raise ArchiveError(f"{site}: not an http(s) address of a site")
    root = site.rstrip("/") + "/"
    http = session or requests.Session()

    def get(path: str) -> dict:
        url = within(root, path)
        if url is None:
            raise ArchiveError(f"{path}: a link outside the site {root}")
        try:
            response = http.get(url, timeout=timeout)
            response.raise_for_status()
            data = response.json()
        except requests.RequestException as exc:
            raise ArchiveError(f"{url}: could not be read ({exc})") from exc
        except ValueError as exc:
            raise ArchiveError(f"{url}: not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise ArchiveError(f"{url}: not a JSON object")
        return data

    index = get("api/v1/index.json")
    if index.get("api_version") != 1:
        raise ArchiveError(f"{root}api/v1/index.json: API version {index.get('api_version')!r}, not 1")
    papers = {}
    for item in [d for d in index.get("days") or () if isinstance(d, dict)][:max_days]:
        day = get(_text(item.get("api")))
        for raw in day.get("papers") or ():
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                record = _site_paper(raw, root)
                papers.setdefault(record.id, record)
    briefs = {}
    for item in index.get("briefs") or ():
        if not isinstance(item, dict) or item.get("kind") not in ("daily", "weekly"):
            continue
        raw = get(_text(item.get("api")))
        listed = [
            {"number": p.get("number"), "id": _text(p.get("id")), "title": p.get("title")}
            for p in raw.get("papers") or ()
            if isinstance(p, dict)
        ]
        briefs[(item["kind"], _text(raw.get("date")))] = _digest(item["kind"], _text(raw.get("date")), raw, listed)
    return Archive(list(papers.values()), briefs, None, where=root)


def within(root: str, link: str) -> str | None:
    """``link`` (absolute or relative to ``root``) as the URL to request, when it lies inside the site
    ``root`` once normalised as a server would: percent-escapes decoded (``%2e%2e``, ``%2F``, twice
    encoded too), backslashes read as slashes, dot segments resolved; None when it does not."""
    base, target = urlsplit(root), urlsplit(urljoin(root, link))
    if (target.scheme, target.netloc.lower()) != (base.scheme, base.netloc.lower()):
        return None
    path = target.path
    for _ in range(4):  # an escape may itself be escaped: %252e%252e is %2e%2e is ..
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    else:
        return None
    if "\x00" in path:
        return None
    path = path.replace("\\", "/")
    normal = posixpath.normpath("/" + path.lstrip("/"))
    normal += "/" if path.endswith("/") and normal != "/" else ""
    if not (normal + "/").startswith(base.path or "/"):
        return None
    return urlunsplit((base.scheme, base.netloc, quote(normal), target.query, ""))


def _site_paper(raw: dict, root: str) -> PaperRecord:
    links = raw.get("links") if isinstance(raw.get("links"), dict) else {}
    topics = [t for t in raw.get("topics") or () if isinstance(t, dict)]

    def absolute(value) -> str | None:
        return within(root, value) if isinstance(value, str) and value else None

    return PaperRecord(
        # the API's paper as a Record: its source is the record's source_label, a topic's id its rule
        PaperView.from_record(
            {
                **raw,
                "source_label": raw.get("source"),
                "topics": [
                    {
                        **(t.get("why") if isinstance(t.get("why"), dict) else {}),
                        "rule": t.get("id"),
                        "score": t.get("score"),
                    }
                    for t in topics
                ],
            }
        ),
        published=_text(raw.get("published")),
        day=_text(raw.get("day")),
        brief=_brief_of(raw.get("brief")),
        links={
            "page": absolute(links.get("html")),
            "api": absolute(links.get("api")),
            "abstract": links.get("abstract") if isinstance(links.get("abstract"), str) else None,
            "pdf": links.get("pdf") if isinstance(links.get("pdf"), str) else None,
            "doi": links.get("doi") if isinstance(links.get("doi"), str) else None,
            "code": list(_strings(links.get("code"))),
        },
    )
