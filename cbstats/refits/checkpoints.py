"""Per-task checkpoints: each finished task is written atomically to its own file.

A re-run with the same checkpoint folder skips tasks whose file exists and
whose fingerprint (a hash of the pickled task) matches; a changed task is run
again. Files are pickles written by this package for this package: do not
point ``checkpoint`` at a folder of untrusted files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Any

from ..pipeline.outputs import write_bytes
from .outcomes import Outcome

__all__ = ["CheckpointStore", "check_writable", "fingerprint"]

_SAFE = re.compile(r"[^A-Za-z0-9._=-]+")


def fingerprint(fn: Any, item: Any) -> str:
    """SHA-256 of the pickled (function, item): equal for equal tasks, in any process."""
    import cloudpickle

    return hashlib.sha256(cloudpickle.dumps((fn, item), protocol=5)).hexdigest()


def check_writable(folder: str | Path) -> Path:
    """Create ``folder`` if needed and check a file can be written there.

    Raises
    ------
    PermissionError
        Naming the folder, when it cannot be created or written.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise PermissionError(
            f"output folder {str(folder)!r} cannot be written ({type(exc).__name__}: "
            f"{exc.strerror or exc}); expected a folder this user can create files in"
        ) from None
    return folder


class CheckpointStore:
    """One pickle file per finished task under ``folder``."""

    def __init__(self, folder: str | Path):
        self.folder = check_writable(folder)

    def path(self, key: str) -> Path:
        return self.folder / f"{_SAFE.sub('_', key)}.pkl"

    def load(self, key: str, fp: str) -> Outcome | None:
        """The stored outcome of ``key`` if its fingerprint is ``fp``, else None."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            stored_fp, outcome = pickle.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - a damaged checkpoint is simply recomputed
            return None
        if stored_fp != fp or not isinstance(outcome, Outcome):
            return None
        outcome.resumed = True
        return outcome

    def save(self, outcome: Outcome, fp: str) -> Path:
        """Write ``outcome`` atomically (temporary file + rename)."""
        import cloudpickle

        stored = Outcome(**{**outcome.__dict__, "resumed": False})
        return write_bytes(self.path(outcome.key), cloudpickle.dumps((fp, stored), protocol=5))
