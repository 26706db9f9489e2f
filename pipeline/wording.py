"""Counts as readers say them: "1 paper", "2 papers" (Chinese counts have no plural)."""

from __future__ import annotations


def plural(n: int, word: str, many: str = "") -> str:
    """``n`` and the English noun ``word``, plural (``many``, else ``word`` + "s") unless ``n`` is 1."""
    return f"{n} {word if n == 1 else many or word + 's'}"
