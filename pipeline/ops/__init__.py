"""Operating a radar: what the runs did and what a rule change would do.

``runlog`` (one JSON line per run in ``state/runs.jsonl``), ``health`` (``academichub health``:
the summary, the alerts and the source-health issue), ``preview`` (``rules preview``: a rule
change replayed on recent papers), ``markdown`` (escaping for the Markdown they post) and
``lock`` (one run at a time on a ``state/``).  It may import ``config``, ``archive`` and the
fetch stage's curation; the stages import only ``runlog`` and ``lock``.
"""
