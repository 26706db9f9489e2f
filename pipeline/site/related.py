"""Related papers by shared authors and tags (linear in the archive), and the semantic extra's
neighbours and maps when its vectors exist."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from pelican.contents import Article

from .settings import site_settings


def related_papers(papers: list[Article], count: int) -> dict[int, list[Article]]:
    """Related papers by shared authors (strong) and shared tags near in time (weighted by rarity).

    Linear in the archive: each tag contributes only its neighbours in date order.
    """
    by_author: dict[str, list[Article]] = defaultdict(list)
    by_tag: dict[str, list[Article]] = defaultdict(list)
    for article in papers:
        for author in getattr(article, "authors", ()):
            by_author[author.slug].append(article)
        for tag in getattr(article, "tags", ()):
            by_tag[tag.slug].append(article)
    position = {slug: {id(a): i for i, a in enumerate(items)} for slug, items in by_tag.items()}
    related: dict[int, list[Article]] = {}
    for article in papers:
        scores: dict[int, float] = defaultdict(float)
        objects: dict[int, Article] = {}
        for author in getattr(article, "authors", ()):
            for other in by_author[author.slug][:50]:
                scores[id(other)] += 3
                objects[id(other)] = other
        for tag in getattr(article, "tags", ()):
            items = by_tag[tag.slug]
            weight = 1 / math.log(2 + len(items))
            at = position[tag.slug][id(article)]
            for other in items[max(0, at - 6) : at + 7]:
                scores[id(other)] += weight
                objects[id(other)] = other
        scores.pop(id(article), None)
        best = sorted(scores, key=lambda key: (-scores[key], objects[key].slug))[:count]
        related[id(article)] = [objects[key] for key in best]
    return related


def site_semantics(settings, papers: list[Article]):
    """Related papers and maps from ``state/embeddings`` (the semantic extra); None without them."""
    from ..semantic.views import SiteSemantics

    state = site_settings(settings).state
    # the archive's neighbours are kept in Pelican's cache folder between builds
    return SiteSemantics.build(state, papers, state.parent / "semantic.yml", Path(settings["CACHE_PATH"]))
