"""One exception hierarchy, each carrying the context a user needs to act on it."""

from __future__ import annotations

from pathlib import Path


class AcademicHubError(Exception):
    """Base class for every error the pipeline reports to a user."""


class ConfigError(AcademicHubError):
    """A configuration or rule file is invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class SourceError(AcademicHubError):
    """A source could not be fetched or parsed."""

    def __init__(self, source: str, url: str, message: str, status: int | None = None):
        self.source = source
        self.url = url
        self.status = status
        super().__init__(f"{source}: {message} ({url})")


class NotModified(AcademicHubError):
    """The server answered 304: nothing changed since the last run."""


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
