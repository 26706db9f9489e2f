"""What links the day's papers without a model: TF-IDF over titles and abstracts gives the close
pairs across topics with the terms they share, and class-based TF-IDF names each topic by its
distinctive key phrases.  Pure Python, deterministic: the same papers give the same output."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

# Function words and the vocabulary every abstract shares; they connect nothing.
STOPWORDS = frozenset(
    """
a about above across after again against all almost also although always among an and another any are
as at be because been before being below between both but by can could did do does doing done due during
each either enough especially etc even ever every few for from further had has have having here how
however if in into is it its itself just less like made main make many may more most much must near
neither no nor not of off often on once one only onto or other others otherwise our ours out over own per
perhaps rather same several shall should show shown shows since so some such than that the their them
then there thereby therefore these they this those though through thus to too toward towards under until
upon us use used uses using various very via was we well were what when where whether which while who
whom whose why will with within without would yet you your
paper papers work works study studies approach approaches method methods propose proposed proposes
present presents presented introduce introduces introduced new novel result results based first two
three also existing problem problems provide provides provided demonstrate demonstrates achieve achieves
significant significantly furthermore moreover task tasks different model models data framework find finds
found built increasingly
""".split()
)


@dataclass(frozen=True)
class Document:
    """One of the day's papers as the computation sees it."""

    id: str
    topic: str
    text: str


@dataclass(frozen=True)
class Connection:
    """Papers from different topics, how close they are (``measure``: "embedding" or "TF-IDF" cosine,
    the mean for a group) and the terms that connect them."""

    ids: tuple[str, ...]
    topics: tuple[str, ...]
    similarity: float
    measure: str
    terms: tuple[str, ...]


def terms(text: str) -> list[str]:
    """Content words and the two-word phrases of adjacent content words, in order."""
    words = _WORD.findall(text.lower())
    out = []
    previous = None
    for word in words:
        if word in STOPWORDS or len(word) < 2:
            previous = None
            continue
        out.append(word)
        if previous:
            out.append(f"{previous} {word}")
        previous = word
    return out


def _idf(counts: Sequence[Counter]) -> dict[str, float]:
    frequency = Counter(t for c in counts for t in c)
    n = len(counts)
    return {t: math.log((1 + n) / (1 + f)) + 1 for t, f in frequency.items()}


def vectors(docs: Sequence[Document]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear term frequency, smoothed IDF)."""
    counts = [Counter(terms(d.text)) for d in docs]
    idf = _idf(counts)
    out = []
    for count in counts:
        vector = {t: (1 + math.log(c)) * idf[t] for t, c in count.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        out.append({t: v / norm for t, v in vector.items()})
    return out


def shared_terms(group: Sequence[dict[str, float]], limit: int = 3) -> tuple[str, ...]:
    """The terms that weigh most in every vector of the group; a word inside a chosen phrase is left out."""
    common = set(group[0]).intersection(*group[1:])
    weight = {t: math.prod(v[t] for v in group) * (1.5 if " " in t else 1) for t in common}
    return _distinct(sorted(common, key=lambda t: (-round(weight[t], 12), t)), limit)


def _distinct(ranked: list[str], limit: int) -> tuple[str, ...]:
    def stems(term: str) -> set[str]:
        return {w.removesuffix("s") for w in term.split()}

    chosen: list[str] = []
    for term in ranked:
        words = stems(term)
        if any(words <= stems(c) or stems(c) <= words for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return tuple(chosen)


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def connections(
    docs: Sequence[Document],
    limit: int = 4,
    threshold: float = 0.04,
    measured: Sequence[tuple[tuple[str, ...], float]] = (),
) -> list[Connection]:
    """Groups of papers from different topics that are close in content, each paper in one at most.

    ``measured``: groups (paper ids, cosine) already found close by embeddings; they come first and
    need one term in common.  Then the closest TF-IDF pairs above ``threshold``, which need two:
    a connection names what connects it.
    """
    vecs = vectors(docs)
    index = {d.id: i for i, d in enumerate(docs)}
    candidates = [(tuple(sorted(index[i] for i in ids if i in index)), sim, "embedding") for ids, sim in measured]
    scored = sorted(
        (
            (round(_cosine(vecs[i], vecs[j]), 4), i, j)
            for i in range(len(docs))
            for j in range(i + 1, len(docs))
            if docs[i].topic != docs[j].topic
        ),
        key=lambda s: (-s[0], docs[s[1]].id, docs[s[2]].id),
    )
    candidates += [((i, j), sim, "TF-IDF") for sim, i, j in scored if sim >= threshold]
    out: list[Connection] = []
    used: set[int] = set()
    for members, similarity, measure in candidates:
        topics = tuple(dict.fromkeys(docs[k].topic for k in members))
        if len(topics) < 2 or used.intersection(members):
            continue
        common = shared_terms([vecs[k] for k in members])
        if len(common) < (1 if measure == "embedding" else 2):
            continue
        ordered = sorted(members, key=lambda k: docs[k].id)
        out.append(
            Connection(
                tuple(docs[k].id for k in ordered),
                tuple(dict.fromkeys(docs[k].topic for k in ordered)),
                round(similarity, 2),
                measure,
                common,
            )
        )
        used.update(members)
        if len(out) == limit:
            break
    return out


def key_phrases(docs: Sequence[Document], limit: int = 3) -> dict[str, tuple[str, ...]]:
    """Each topic's distinctive terms by class-based TF-IDF: a topic's papers as one document,
    each term weighted by its frequency there times log(1 + average topic size / its frequency overall).
    Terms found in a single paper are left out: a key phrase describes the topic, not one paper."""
    by_topic: dict[str, Counter] = {}
    papers: dict[str, Counter] = {}
    for doc in docs:
        found = terms(doc.text)
        by_topic.setdefault(doc.topic, Counter()).update(found)
        papers.setdefault(doc.topic, Counter()).update(set(found))
    if not by_topic:
        return {}
    overall = Counter()
    for count in by_topic.values():
        overall.update(count)
    average = sum(overall.values()) / len(by_topic)
    out = {}
    for topic, count in by_topic.items():
        total = sum(count.values()) or 1
        several = len({d.id for d in docs if d.topic == topic}) > 1
        weight = {
            t: c / total * math.log(1 + average / overall[t]) * (1.5 if " " in t else 1)
            for t, c in count.items()
            if not several or papers[topic][t] > 1
        }
        out[topic] = _distinct(sorted(weight, key=lambda t: (-round(weight[t], 9), t)), limit)
    return out
