"""``academichub mcp``: a Model Context Protocol server (stdio) over a local archive or a site's JSON API.

``archive`` reads the papers and briefs (``from_content``, ``from_site``) into an ``Archive``;
``server`` declares the tools over it.  It may import ``config``, ``archive`` and ``semantic``
(similar papers by their vectors).
"""

from ..errors import ArchiveError
from .archive import Archive, PaperRecord, from_content, from_site

__all__ = ["Archive", "ArchiveError", "PaperRecord", "from_content", "from_site", "make_server", "serve"]


def make_server(archive: Archive):
    from .server import make_server as make

    return make(archive)


def serve(archive: Archive) -> None:
    """Serve the tools over stdio until the client closes the connection."""
    make_server(archive).run("stdio")
