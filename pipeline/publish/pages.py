"""Publishing on GitHub Pages: the built site checked against Pages' limits before its upload.

Pages takes a deployment only from a workflow (``actions/upload-pages-artifact`` packs
``output/``, ``actions/deploy-pages`` publishes it with the workflow's OIDC token), so the upload
itself is those actions'. What is checked here first: GitHub documents that a published Pages site
"may be no larger than 1 GB" (deploy-pages warns "Deployment might fail" above it) and that a
deployment times out after 10 minutes; it documents no limit on the number of files, which is
reported with the size.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import PagesLimitError
from .plan import DeployReport, DeployTarget, paper_pages, walk

LIMIT = 1_000_000_000  # bytes: "Published GitHub Pages sites may be no larger than 1 GB"
WARN_SHARE = 0.8  # warn from this share of the limit on


def size_text(size: int) -> str:
    return f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:.1f} MB"


def options(papers: int, size: int) -> str:
    per_paper = f" ({size / papers / 1e3:.1f} KB a paper)" if papers else ""
    return (
        "Ways out: publish to an S3-compatible bucket behind a CDN, where no site-size limit applies "
        "(`academichub deploy --target s3`; in the daily workflow set the repository variable "
        'ACADEMICHUB_DEPLOY to s3: the docs\' "Host the site"); or make the site smaller'
        f"{per_paper}: lower ARCHIVE_CURRENT_PAPERS in pelicanconf.py (more of the archive in its lean "
        'tier: the docs\' "Years of archive"), raise AUTHOR_PAGE_MIN_PAPERS (author pages and author feeds are '
        "the largest part of the current tier after paper pages), or start one site per year in a repository "
        "of its own."
    )


def check(output: Path) -> DeployReport:
    """The site's size and file count; raises PagesLimitError above Pages' 1 GB, warns near it."""
    started = time.perf_counter()
    site = walk(output)
    size = sum(size for _, _, size in site)
    papers = paper_pages(key for key, _, _ in site)
    summary = f"{output}: {size_text(size)} in {len(site):,} files"
    if size > LIMIT:
        raise PagesLimitError(
            f"{summary}, more than GitHub Pages' limit of {size_text(LIMIT)} for a published "
            f"site: the deployment would fail. {options(papers, size)}",
            output,
        )
    warnings = ()
    if size >= WARN_SHARE * LIMIT:
        warnings = (
            f"{summary}: {size / LIMIT:.0%} of GitHub Pages' limit of {size_text(LIMIT)}. {options(papers, size)}",
        )
    return DeployReport(
        target=DeployTarget.PAGES,
        destination=str(output),
        files=len(site),
        bytes=size,
        papers=papers,
        unchanged=len(site),
        seconds=time.perf_counter() - started,
        warnings=warnings,
    )
