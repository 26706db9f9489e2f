"""Operating a radar: what the runs did and what a rule change would do.

``health`` (``academichub health``: the summary, the alerts and the source-health issue),
``preview`` (``rules preview``: a rule change replayed on recent papers) and ``markdown``
(escaping for the Markdown they and the site post).  It may import every stage but the site;
no stage imports it (the site uses only ``markdown``).
"""
