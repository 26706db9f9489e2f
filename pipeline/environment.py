"""The environment variables a radar's owner sets (AcademicHub's documentation, "Automate the daily
run"): read here only, once per call, into one typed record the stages take their values from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

PREFIX = "ACADEMICHUB_"


@dataclass(frozen=True)
class Environment:
    """Each field is the variable ``ACADEMICHUB_<FIELD>`` ("" when unset); flags and files win over it."""

    siteurl: str = ""  # the site's public address (feeds, links in messages)
    repository: str = ""  # the repository holding rules/ (the site's links to it)
    model: str = ""  # the model the briefs use
    deploy: str = ""  # where `academichub deploy` publishes: pages or s3
    s3_bucket: str = ""  # with s3: the bucket
    embed_base_url: str = ""  # the embeddings endpoint (semantic extra)
    embed_model: str = ""
    embed_api_key: str = ""

    @classmethod
    def read(cls, env: Mapping[str, str] | None = None) -> Environment:
        """The variables from ``env`` (default: this process's environment)."""
        env = os.environ if env is None else env
        return cls(**{f.name: env.get(PREFIX + f.name.upper(), "") for f in fields(cls)})
