"""One exception hierarchy, each carrying the context a user needs to act on it."""

from __future__ import annotations


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
