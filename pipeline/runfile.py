"""How the `tieup` CLI finds the service `make run` started: `.data/tieup.env`.

`make run` writes the file while it runs and removes it when it stops. It is a
shell file (`. .data/tieup.env` exports DATABASE_URL) that the CLI also reads
when neither --database-url nor $DATABASE_URL is given, so commands run from
the project folder reach the running service without setup.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

RUN_ENV = Path(".data") / "tieup.env"


def write(database_url: str, path: Path = RUN_ENV) -> None:
    """Record the service's database URL (private to the user: it may hold a password)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# Written by `make run` while it runs, removed when it stops.\n"
            f"export DATABASE_URL={shlex.quote(database_url)}\n")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)  # O_CREAT's mode only applies to a new file


def read(path: Path = RUN_ENV) -> str | None:
    """The DATABASE_URL recorded by a running `make run`, or None."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        words = shlex.split(line, comments=True)
        for word in words:
            if word.startswith("DATABASE_URL="):
                return word.split("=", 1)[1] or None
    return None


def remove(path: Path = RUN_ENV) -> None:
    """Forget the service's address (it stopped)."""
    path.unlink(missing_ok=True)
