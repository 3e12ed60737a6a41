"""py3langid's model, read from an unpacked copy kept in a cache directory.

py3langid ships its model as an LZMA-compressed npz; unpacking it costs about 0.4 s
of CPU in every process that detects a language (each `tieup run` worker, each
Airflow task). The first such process writes the unpacked npz to the cache
directory (TIEUP_CACHE_DIR, else $XDG_CACHE_HOME/tieup or ~/.cache/tieup; 68 MB);
later ones read it in a tenth of the time. The file name carries py3langid's
version and the packaged file's size and mtime, so an upgrade writes a new copy.
Any trouble with the cache (no such directory, no write access, a damaged file)
only means the packaged model is read instead. TIEUP_CACHE_DIR set to an empty
value turns the cache off.
"""

from __future__ import annotations

import logging
import lzma
import os
import shutil
import tempfile
import zipfile
from array import array
from importlib.metadata import version
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

log = logging.getLogger(__name__)

_PACKAGED = MODEL_DIR / MODEL_FILE
_TYPECODES = {2: "H", 4: "I", 8: "L"}


def load_identifier() -> LanguageIdentifier:
    """py3langid's identifier with its packaged model, through the cache when there is one."""
    cached = cache_file()
    if cached is not None:
        identifier = _read_unpacked(cached)
        if identifier is None and _write_unpacked(cached):
            identifier = _read_unpacked(cached)
        if identifier is not None:
            return identifier
    return LanguageIdentifier.from_model_file(MODEL_FILE)


def cache_file() -> Path | None:
    """Where the unpacked model is kept; None when caching is turned off."""
    directory = os.environ.get("TIEUP_CACHE_DIR")
    if directory == "":
        return None
    if directory is None:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        directory = Path(base) / "tieup"
    stat = _PACKAGED.stat()
    return Path(directory) / f"py3langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}.npz"


def _read_unpacked(path: Path) -> LanguageIdentifier | None:
    """The identifier from the cached copy; None when there is none or it cannot be read."""
    try:
        return _from_unpacked(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        log.warning("unreadable language model cache %s (%s)", path, exc)
        return None


def _from_unpacked(path: Path) -> LanguageIdentifier:
    # The arrays as py3langid's modelio.load_model hands them over after unpacking
    # (it has no entry point for an npz that is not LZMA-compressed).
    with np.load(path, allow_pickle=False) as data:
        return LanguageIdentifier(
            data["ptc"], data["pc"], data["classes"].tolist(), _stdlib_array(data["nextmove"]),
            data["out_feat"].tolist(), tk_row=_stdlib_array(data["nextmove_row"]))


def _stdlib_array(values: np.ndarray) -> array:
    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
    return out


def _write_unpacked(path: Path) -> bool:
    """Unpack the packaged model to path (written aside, then renamed: readers never see half)."""
    part = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as out:
            part = Path(out.name)
            with lzma.open(_PACKAGED) as packed:
                shutil.copyfileobj(packed, out, length=1 << 20)
        part.chmod(0o644)  # readable by the other users' workers, like the package itself
        os.replace(part, path)
        return True
    except OSError as exc:
        log.warning("cannot cache the language model in %s (%s)", path.parent, exc)
        if part is not None:
            part.unlink(missing_ok=True)
        return False
