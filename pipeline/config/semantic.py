"""``semantic.yml``: the embedding backend and the thresholds of the semantic radar (every key optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .loader import HttpAddress, load_yaml

LOCAL_MODEL = "all-MiniLM-L6-v2"


class SemanticConfig(BaseModel):
    """``semantic.yml`` (optional; every key has a default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # local: a model run on the CPU (the semantic extra); openai: any OpenAI-compatible /embeddings endpoint
    backend: Literal["local", "openai"] = "local"
    # local: "all-MiniLM-L6-v2" (the bundled weights) or a folder holding a sentence-transformers model;
    # openai: the endpoint's model name, e.g. text-embedding-3-small
    model: str = ""
    base_url: HttpAddress = ""  # openai backend; default $OPENAI_BASE_URL, then OpenAI's
    dimensions: int | None = Field(None, ge=8, le=8192)  # openai backend: ask for shorter vectors
    batch_size: int = Field(64, ge=1, le=2048)  # texts embedded together (one request to an endpoint)
    timeout: float = Field(60.0, gt=0)  # seconds a request to an endpoint may take
    retries: int = Field(4, ge=0, le=10)  # more attempts on 429, 5xx and timeouts
    threads: int | None = Field(None, ge=1, le=256)  # local backend: CPU threads (default: all cores)
    # the site and the brief
    related: int = Field(6, ge=0, le=50)  # related papers per paper page
    related_min_similarity: float = Field(0.3, ge=-1, le=1)  # a related paper is at least this close (cosine)
    cluster_similarity: float = Field(0.5, gt=0, le=1)  # average cosine that keeps a cluster of the day together
    link_similarity: float = Field(0.4, gt=0, le=1)  # a pair of papers from two topics the daily brief hears of

    @property
    def model_name(self) -> str:
        return self.model or (LOCAL_MODEL if self.backend == "local" else "text-embedding-3-small")


def load_config(path: Path | None) -> SemanticConfig:
    if path is None or not path.is_file():
        return SemanticConfig()
    return load_yaml(path, SemanticConfig)
