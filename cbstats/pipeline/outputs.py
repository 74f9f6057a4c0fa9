"""Atomic output writing: a file appears under its final name complete, or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_atomic(path: str | Path, writer: Callable[[Path], None]) -> Path:
    """Write a file atomically.

    ``writer`` is called with a temporary path in the same folder; when it
    returns, the temporary file is renamed over ``path`` (``os.replace`` is
    atomic on POSIX and Windows). If ``writer`` fails, the temporary file is
    removed and any existing file at ``path`` is left untouched.

    Parameters
    ----------
    path : str or Path
        Final destination.
    writer : callable
        Function that writes the complete content to the path it is given.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return write_atomic(path, lambda p: p.write_bytes(data))


def write_csv(path: str | Path, frame: pd.DataFrame, *, index: bool = False) -> Path:
    """Write a DataFrame as UTF-8 CSV atomically (floats with 6 significant digits)."""
    return write_atomic(path, lambda p: frame.to_csv(p, index=index, float_format="%.6g"))


def save_figure(path: str | Path, fig, *, dpi: int = 200) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (png, pdf).

    PDF and PNG metadata carry no creation date, so the same figure gives the
    same bytes on every run.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    metadata = {"CreationDate": None} if fmt == "pdf" else {"Software": None} if fmt == "png" else None
    return write_atomic(
        path, lambda p: fig.savefig(p, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata)
    )


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def output_folder_problem(out: str | Path) -> str | None:
    """Why ``out`` cannot be used as an output folder, or None when it can.

    Checked before any work: ``out`` must be a folder (existing, or one that
    can be created) in which a file can be written. The check creates the
    folder if it is missing and writes and removes one empty temporary file.

    Parameters
    ----------
    out : str or Path
        The intended output folder.

    Returns
    -------
    str or None
        A message naming the folder and what was expected.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        return f"--out {out} is an existing file; expected a folder (existing or to be created)"
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            return f"--out {out}: {parent} is a file, so the folder cannot be created there"
    created = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".cbstats-write-test.", dir=out)
        os.close(fd)
        os.remove(probe)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return f"--out {out} is not a folder cbstats can write to ({reason}); expected a writable folder"
    finally:
        for folder in created:  # deepest first: leave nothing behind when the run stops early
            with contextlib.suppress(OSError):
                folder.rmdir()
    return None
