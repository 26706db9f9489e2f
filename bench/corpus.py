"""A synthetic corpus with the shape of real arXiv days, written in the sources' own feed format.

Words come from the captured real abstracts in tests/fixtures/feeds, names from a large pool
(so distinct authors grow with papers, as in a real archive); titles, abstracts and author
counts follow real distributions; a few percent carry CJK text or LaTeX.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
CATEGORIES = ["cs.AI", "cs.CL", "cs.LG", "cs.CV", "cs.MA", "cs.SE", "stat.ML", "quant-ph", "q-bio.GN", "math.OC"]
FIRST = [
    "Yingqi",
    "Ada",
    "Wei",
    "Maria",
    "Jun",
    "Aisha",
    "Lukas",
    "Sofia",
    "Hiroshi",
    "Chen",
    "Olga",
    "Rahul",
    "Elena",
    "Tomás",
    "Fatima",
    "Jonas",
    "Mei",
    "Kwame",
    "Ingrid",
    "Diego",
    "Yuki",
    "Zoë",
    "Omar",
    "Priya",
    "Pierre",
    "Hana",
    "Ivan",
    "Lea",
    "Samuel",
    "Nadia",
    "Xiaoming",
    "Grace",
    "Mateo",
    "Amara",
    "Felix",
    "Leila",
    "Kenji",
    "Rosa",
]
_LAST_ROOTS = [
    "Fan",
    "Zhang",
    "Wang",
    "Li",
    "Müller",
    "Smith",
    "Garcia",
    "Kim",
    "Sato",
    "Rossi",
    "Novak",
    "Okafor",
    "Singh",
    "Silva",
    "Cohen",
    "Ivanova",
    "Nguyen",
    "Hansen",
    "Kowalski",
    "Haddad",
    "Tanaka",
    "Dubois",
    "Moreau",
    "Costa",
]
_SUFFIXES = [
    "",
    "son",
    "berg",
    "ski",
    "ova",
    "ez",
    "ini",
    "er",
    "ov",
    "ic",
    "ard",
    "feld",
    "mann",
    "ström",
    "-Lee",
    "sen",
]
INITIALS = [""] + [f"{c}. " for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
# The share of author slots filled by an author seen before: with ~1 candidate in 9 selected, an
# archive of 10,000 papers then has ~34,000 distinct authors (arXiv's have ~35,000), 23 % of them on
# two or more papers.
RETURNING_AUTHORS = 0.7
CJK = ["大模型推理", "多模态学习", "强化学习", "知识图谱", "量子计算"]


def _words() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in FEEDS.rglob("*.xml"))
    text = re.sub(r"<[^>]+>", " ", text)
    return [w for w in re.findall(r"[A-Za-z][a-z]{2,14}", text)]


class Corpus:
    """Deterministic papers: the same seed gives the same corpus."""

    def __init__(self, seed: int = 7):
        self.random = random.Random(seed)
        self.words = _words()
        self.last_names = [r + s for r in _LAST_ROOTS for s in _SUFFIXES] + [
            f"{r}{n}" for r in _LAST_ROOTS for n in range(60)
        ]
        self.author_slots: list[str] = []  # one per paper an author is on
        self.serials: Counter[str] = Counter()  # arXiv numbers papers per month: YYMM.NNNNN

    def _author(self) -> str:
        """A returning author (picked in proportion to their papers so far, so a few are prolific
        and most appear once) or a new name from a pool of ~1.9 million."""
        r = self.random
        if self.author_slots and r.random() < RETURNING_AUTHORS:
            return r.choice(self.author_slots)
        return f"{r.choice(FIRST)} {r.choice(INITIALS)}{r.choice(self.last_names)}"

    def _sentence(self, n: int) -> str:
        return " ".join(self.random.choice(self.words) for _ in range(n))

    def paper(self, day: date) -> dict:
        r = self.random
        month = f"{day:%y%m}"
        self.serials[month] += 1
        title = self._sentence(r.randint(6, 16)).capitalize()
        abstract_parts = []
        while sum(map(len, abstract_parts)) < r.randint(1000, 2000):
            abstract_parts.append(self._sentence(r.randint(12, 25)).capitalize() + ".")
        if r.random() < 0.05:
            title += f": {r.choice(CJK)}"
        if r.random() < 0.15:
            abstract_parts.insert(1, "We bound $\\mathcal{O}(n \\log n)$ and $\\alpha_{s}$ at two loops.")
        categories = [r.choice(CATEGORIES)] + r.sample(CATEGORIES, r.randint(0, 2))
        authors = list(dict.fromkeys(self._author() for _ in range(r.randint(4, 8))))
        self.author_slots.extend(authors)
        return {
            "id": f"{month}.{self.serials[month]:05d}",
            "title": title,
            "abstract": " ".join(abstract_parts),
            "authors": authors,
            "categories": list(dict.fromkeys(categories)),
            "date": day,
        }

    def day(self, day: date, n: int) -> list[dict]:
        return [self.paper(day) for _ in range(n)]

    def days(self, start: date, total: int, per_day: int) -> list[list[dict]]:
        out = []
        while total > 0:
            out.append(self.day(start, min(per_day, total)))
            total -= per_day
            start += timedelta(days=1)
        return out


def arxiv_rss(papers: list[dict], day: date) -> bytes:
    """An announcement feed in rss.arxiv.org's format."""
    stamp = f"{day:%a, %d %b %Y} 00:00:00 -0400"
    items = []
    for p in papers:  # a paper with a "version" above 1 is announced as a replacement
        cats = "".join(f"<category>{c}</category>" for c in p["categories"])
        version = p.get("version", 1)
        kind = "new" if version == 1 else "replace"
        items.append(
            f"<item><title>{escape(p['title'])}</title><link>https://arxiv.org/abs/{p['id']}</link>"
            f"<description>arXiv:{p['id']}v{version} Announce Type: {kind} \nAbstract: {escape(p['abstract'])}</description>"
            f'<guid isPermaLink="false">oai:arXiv.org:{p["id"]}v{version}</guid>{cats}<pubDate>{stamp}</pubDate>'
            f"<arxiv:announce_type>{kind}</arxiv:announce_type><dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>"
            f"<dc:creator>{escape(', '.join(p['authors']))}</dc:creator></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs updates on arXiv.org</title>'
        f"<link>http://rss.arxiv.org/rss/cs</link><description>cs updates</description><pubDate>{stamp}</pubDate>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")
