"""A radar of one's own: ``academichub init`` and ``academichub demo``.

``scaffold`` writes a new radar from ``skeleton/`` (links to this repository's own workflows,
settings and theme); ``demo`` runs the whole job on ``samples/`` (real captured feeds served
from 127.0.0.1).  It may import every stage; no stage imports it.
"""
