"""Publishing the built site: GitHub Pages (checked against its limits) or an S3-compatible bucket.

``plan`` is what every target shares (the site's files with their hashes, types and caching, and
the order of an upload), ``pages`` and ``s3`` are the targets, ``record`` keeps the size of each
deploy for the status page.  It may import only ``archive`` (and the shared modules).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DeployError
from . import pages, record
from .plan import DeployReport, DeployTarget
from .s3 import S3Target
from .s3 import deploy as deploy_s3


def deploy(
    output: Path, target: str, state: Path | None, *, s3: S3Target | None = None, on_progress=None
) -> DeployReport:
    """Publish ``output`` to ``target`` (a ``DeployTarget``), then record its size in ``state``."""
    if not (output / "index.html").is_file():
        raise DeployError(f"{output}: no built site here (run `academichub build` first)")
    if target == DeployTarget.S3 and s3 is not None:
        report = deploy_s3(output, s3, on_progress=on_progress)
    elif target == DeployTarget.PAGES:
        report = pages.check(output)
    else:
        raise DeployError(f"the deploy target is pages or s3 (with a bucket), not {target!r}")
    if state is not None:
        record.append(state, report)
    return report


__all__ = ["DeployReport", "DeployTarget", "S3Target", "deploy"]
