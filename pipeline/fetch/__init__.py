"""The fetch stage: from ``sources.yml`` to entries in ``content/``.

``http`` (one session a run: timeouts, retries, conditional GET), ``sources/`` (a pure parser
per source kind), ``normalise`` and ``tex`` (one ``Paper`` record per paper, duplicates
merged), ``curate`` (the rules) and ``job`` (the run: fetch, curate, write, record).  It may
import ``config``, ``archive``, ``semantic`` (``similar_to`` rules) and the shared modules; nothing
imports it but the CLI, ``ops.preview`` (curation) and ``project.demo``.
"""
