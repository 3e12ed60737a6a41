"""Database connections: one place that knows how to open and name them."""

from __future__ import annotations

import contextlib
import weakref
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extensions
import psycopg2.extras

from . import safetext
from .errors import ConfigError, TransientError
from .settings import redact_url

# Pipeline statements wait at most this long for a lock: a person holding a row (an
# uncommitted review) or a stuck worker never stalls a pass without limit.
PIPELINE_LOCK_TIMEOUT = "30s"


class _SafeText:
    """psycopg2 adapter for str: the text is cleaned (safetext.clean) before quoting."""

    def __init__(self, value: str):
        self._quoted = psycopg2.extensions.QuotedString(safetext.clean(value))

    def prepare(self, conn) -> None:
        self._quoted.prepare(conn)

    def getquoted(self) -> bytes:
        return self._quoted.getquoted()


# Every str sent as a query parameter, on every connection, is cleaned once here.
psycopg2.extensions.register_adapter(str, _SafeText)


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database name."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def database_name(url: str) -> str:
    """The database a URL points at."""
    return urlsplit(url).path.lstrip("/") or "postgres"


def connect(url: str | None, *, application_name: str = "tieup", autocommit: bool = False,
            pipeline: bool = False):
    """Open a psycopg2 connection; a refused or dropped server is a TransientError.

    pipeline=True is for the stages' own work: its commits do not wait for the WAL
    to reach disk (synchronous_commit=off, this session only). A server crash can
    then forget the last fraction of a second of commits, never half of one, and the
    next pass redoes that work: every step is leased and idempotent. Review decisions,
    migrations and everything else keep waiting for the flush.
    """
    if not url:
        raise ConfigError("DATABASE_URL is not set: pass --database-url, export DATABASE_URL, "
                          "or start the service with `make run`")
    _check_url(url)
    try:
        conn = psycopg2.connect(
            url, application_name=application_name, connect_timeout=10,
            keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3,
        )
    except psycopg2.ProgrammingError as exc:  # libpq could not parse it ("invalid dsn")
        raise ConfigError(_NOT_POSTGRES.format(redact_url(url))) from exc
    except psycopg2.OperationalError as exc:
        # libpq's message spans lines ("... failed: ...\n\tIs the server running ...?"): one line
        raise TransientError(f"cannot connect to the database: {' '.join(str(exc).split())}") from exc
    conn.autocommit = autocommit
    if pipeline:
        with conn.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            cur.execute("SELECT set_config('lock_timeout', %s, false)", (PIPELINE_LOCK_TIMEOUT,))
        if not autocommit:
            conn.commit()
    return conn


_NOT_POSTGRES = "not a PostgreSQL URL: {} (expected postgresql://user@host:5432/dbname)"


def _check_url(url: str) -> None:
    """Refuse a URL of another scheme before libpq reads it as a key=value string.

    libpq's own message would quote the whole string, password included.
    """
    if "://" in url and urlsplit(url).scheme not in ("postgresql", "postgres"):
        raise ConfigError(_NOT_POSTGRES.format(redact_url(url)))


@contextlib.contextmanager
def connection(url: str | None, **kwargs):
    """Context manager around connect() that always closes."""
    conn = connect(url, **kwargs)
    try:
        yield conn
    finally:
        conn.close()


# The statements each open connection has prepared on its server.
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def execute_prepared(cur, name: str, sql: str, params: tuple) -> None:
    """Run sql (placeholders $1, $2 ...) as a server-side prepared statement named name.

    For the statements run once per article, and those that take the server longer to
    plan than to run: the first call on a connection prepares it, later calls skip the
    parse, analysis and planning (bench/bench_e2e.py shows the server's CPU it saves).
    psycopg2 has no prepare
    call of its own. A PREPARE outlives a rolled-back transaction, and a reconnect is a new
    connection object, so the bookkeeping stays true. (Not for a pooler in
    transaction mode, which tieup does not use.)
    """
    prepared = _PREPARED.setdefault(cur.connection, set())
    if name not in prepared:
        cur.execute(f"PREPARE {name} AS {sql}")
        prepared.add(name)
    cur.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


# SQLSTATE classes and codes that mean the database, not the item, is in trouble:
# connection exceptions, insufficient resources, operator intervention (shutdown,
# crash, cannot connect now), serialisation failures and deadlocks, and a server
# that cannot reach its own files. Everything else (a value too long for an index,
# bad encoding, a constraint) is the fault of the item being written.
_OUTAGE_CLASSES = ("08", "53", "58", "XX")
_OUTAGE_CODES = frozenset({"57P01", "57P02", "57P03", "57P04", "57P05", "40001", "40P01"})
# Waiting on a lock held too long (lock_timeout): not the item's fault and not an
# outage either. The batch is left for a later pass.
LOCK_NOT_AVAILABLE = "55P03"


def is_transient_db_error(exc: BaseException, conn=None) -> bool:
    """True when the database is unavailable (a retry of the whole step can cure it).

    Decided by what happened, not by the exception class: psycopg2 reports an index
    row that is too long as an OperationalError, and that is the item's fault.
    """
    if conn is not None and conn.closed:
        return True
    if isinstance(exc, psycopg2.InterfaceError):
        return True
    if not isinstance(exc, psycopg2.Error):
        return False
    code = exc.pgcode
    if code is None:
        # No SQLSTATE: the client lost the server (connection reset, server gone).
        return isinstance(exc, psycopg2.OperationalError)
    return code in _OUTAGE_CODES or code[:2] in _OUTAGE_CLASSES


def is_lock_timeout(exc: BaseException) -> bool:
    """True when a statement gave up waiting for a lock (lock_timeout)."""
    return isinstance(exc, psycopg2.Error) and exc.pgcode == LOCK_NOT_AVAILABLE


def dict_rows(cur) -> list[dict]:
    """The rest of a cursor's result as dicts keyed by column name."""
    cols = [c.name for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
