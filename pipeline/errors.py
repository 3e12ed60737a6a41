"""Error types, in two kinds: TransientError (retried later) and TerminalError (the item is parked).

Every error tieup raises on purpose is a TieupError; fetch errors are subclasses of
both FetchError and one of the two kinds, so a caller asks the class, not a flag.
"""


class TieupError(Exception):
    """Base class for every error tieup raises on purpose."""


class TransientError(TieupError):
    """Worth retrying later: timeouts, connection drops, 429, 5xx, database restarts."""


class TerminalError(TieupError):
    """Retrying will not help: 404, refused address, unparseable content."""


class FetchError(TieupError):
    """A fetch failed: the base of TransientFetchError and TerminalFetchError (never raised itself).

    Which kind it is says whether a retry may succeed; status is the HTTP status when
    there was one, retry_after the server's Retry-After in seconds.
    """

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """True for a TransientFetchError (read from the class, not stored)."""
        return isinstance(self, TransientError)


class TransientFetchError(FetchError, TransientError):
    """A fetch worth retrying later: a timeout, a dropped connection, 429, 5xx, a truncated body."""


class TerminalFetchError(FetchError, TerminalError):
    """A fetch that will fail again: 404, a body over the cap, a redirect loop, a bad URL."""


class BlockedAddressError(TerminalFetchError):
    """The URL resolves to a private, loopback, link-local or otherwise reserved address."""


class RobotsDisallowedError(TerminalFetchError):
    """robots.txt disallows the path for our user agent."""


class MigrationError(TieupError):
    """A migration could not be applied, or an applied file has changed."""


class ConfigError(TieupError):
    """A setting or a data file is invalid."""


class NotFoundError(TieupError):
    """A requested row (feed, event, article) does not exist."""


class ValidationError(TieupError):
    """A value given by a person (review decision, option) is outside the vocabulary or malformed."""


class ConflictError(ValidationError):
    """A decision made on a stale view: someone else decided in between (nothing was recorded)."""

    def __init__(self, message: str, *, reviewer: str | None = None, state: str | None = None):
        super().__init__(message)
        self.reviewer = reviewer
        self.state = state


class DataQualityError(TieupError):
    """A data-quality check found offending rows; the message lists them."""


class UsageError(ValidationError):
    """The command line itself is wrong (a missing file, a malformed option): exit status 2."""
