"""Operating a radar: what the runs did and what a rule change would do.

``health`` (``academichub health``: the summary, the alerts and the source-health issue) and
``preview`` (``rules preview``: a rule change replayed on recent papers).  It may import the
config, the archive, the fetch stage's curation and the notify record; no stage imports it.
"""
