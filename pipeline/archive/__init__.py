"""The archive: the entries in ``content/`` and what ``state/`` keeps about them.

``candidates`` keeps each run's candidate papers for 30 days (rule previews, radar days of
older archives).  It imports only the shared records and files; every stage may import it.
"""
