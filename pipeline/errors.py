"""Narrow exception types. Transient errors are retried; terminal ones park the item."""


class TieupError(Exception):
    """Base class for every error tieup raises on purpose."""


class TransientError(TieupError):
    """Worth retrying later: timeouts, connection drops, 429, 5xx, database restarts."""


class TerminalError(TieupError):
    """Retrying will not help: 404, refused address, unparseable content."""


class FetchError(TieupError):
    """A fetch failed; `transient` says whether a retry may succeed."""

    def __init__(self, message: str, *, transient: bool, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    """The URL resolves to a private, loopback, link-local or otherwise reserved address."""

    def __init__(self, message: str):
        super().__init__(message, transient=False)


class RobotsDisallowedError(FetchError):
    """robots.txt disallows the path for our user agent."""

    def __init__(self, message: str):
        super().__init__(message, transient=False)


class MigrationError(TieupError):
    """A migration could not be applied, or an applied file has changed."""


class ConfigError(TieupError):
    """A setting or a data file is invalid."""


class NotFoundError(TieupError):
    """A requested row (feed, event, article) does not exist."""


class ValidationError(TieupError):
    """A value given by a person (review decision, option) is outside the vocabulary or malformed."""


class DataQualityError(TieupError):
    """A data-quality check found offending rows; the message lists them."""


class UsageError(ValidationError):
    """The command line itself is wrong (a missing file, a malformed option): exit status 2."""
