"""What a built site holds, by kind of file, and the cost of each per paper (bench_site.py), against
GitHub Pages' 1 GB."""

from __future__ import annotations

import re
from pathlib import Path

KINDS = (  # (kind, pattern of the output path relative to the site root), first match wins
    ("paper page", r"papers/.+\.html"),
    ("topic page", r"topics/.+\.html"),
    ("tag page", r"tags/.+\.html"),
    ("author page", r"authors/[^/]+\.html"),
    ("day page", r"archive/\d{4}/\d{2}/\d{2}\.html"),
    ("other page", r"[^/]+\.html"),
    ("author feed", r"feeds/authors/[^/]+\.xml"),
    ("topic feed", r"feeds/topics/[^/]+\.xml"),
    ("site feed", r"feeds/all\.(atom|rss)\.xml|feed\.json|feeds\.opml"),
    ("sitemap, robots, index", r"sitemap[-0-9]*\.xml|robots\.txt|data/index\.json"),
    ("paper API file", r"api/v1/papers/[^/]+\.json"),
    ("day API file", r"api/v1/days/[^/]+\.json"),
    ("topic API file", r"api/v1/topics/[^/]+\.json"),
    ("brief API file", r"api/v1/briefs/(daily|weekly)/[^/]+\.json"),
    ("API index and schemas, llms.txt", r"api/v1/index\.json|api/v1/schemas/[a-z]+\.schema\.json|llms\.txt"),
)
SITE_ONLY = (("search index", r"pagefind/.+"), ("theme", r"theme/.+"))  # the site's own, beside the papers' files


def kind_of(rel: str, kinds=KINDS) -> str:
    return next((kind for kind, pattern in kinds if re.fullmatch(pattern, rel)), "other file")


def cost_by_kind(output: Path, archived: frozenset[str] = frozenset()) -> dict[str, tuple[int, int]]:
    """{kind: (files, bytes)} of a built site, its search index and theme included, largest first;
    the files of ``archived`` (the closed months' shards) are counted apart, as "archive tier: <kind>"."""
    costs: dict[str, list[int]] = {}
    for path in output.rglob("*"):
        if path.is_file():
            rel = path.relative_to(output).as_posix()
            kind = kind_of(rel, SITE_ONLY + KINDS)
            entry = costs.setdefault(f"archive tier: {kind}" if rel in archived else kind, [0, 0])
            entry[0] += 1
            entry[1] += path.stat().st_size
    return {kind: (files, size) for kind, (files, size) in sorted(costs.items(), key=lambda item: -item[1][1])}
