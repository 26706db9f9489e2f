"""The archive: the entries in ``content/`` and what ``state/`` keeps about them.

``entry`` owns the entry format (render, read, replace the brief), ``identity`` says which records
are one paper, ``index`` writes entries and keeps the index, ``runlog`` keeps one JSON line per run,
``lock`` lets one run at a time work on a ``state/``, and ``candidates`` keeps each run's candidate
papers for 30 days (rule previews, radar days of older archives).  It imports only the shared
records, layout, files and errors; every stage may import it.
"""
