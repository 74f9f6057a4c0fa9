"""What runs inside a worker process: the compile cache and the worker's setup.

* :func:`compiled` keeps one compiled model per key per process, so that a
  worker compiles a model once and re-samples it with new data for every
  task of that model; :func:`compile_count` counts the compilations.
* :class:`~cbstats.refits.plugin.WorkerSetup` is a Dask worker plugin run when a worker starts: it
  pins BLAS/OpenMP threads to 1 and gives the worker its own PyTensor compile
  directory (PyTensor's compile lock is not safe across processes sharing
  one), before PyTensor is imported there.
"""

from __future__ import annotations

import fcntl
import os
import socket
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["THREAD_ENV", "compile_count", "compiled", "in_worker", "worker_cores"]

THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}
"""Environment of every worker: one BLAS/OpenMP thread (one worker per core)."""

_CACHE: OrderedDict[str, Any] = OrderedDict()
_CACHE_SIZE = 4
_COUNT = {"compiles": 0}
_LOCKS: list = []  # open lock files of claimed compile dirs (kept for the process lifetime)


def compiled(key: str, build: Callable[[], Any]) -> Any:
    """The object ``build()`` returns, built once per ``key`` in this process.

    Parameters
    ----------
    key
        Identity of the model (equal keys must mean the same model graph).
    build
        Compiles the model (e.g. ``nutpie.compile_pymc_model``); called only
        when ``key`` is not cached. The few most recent keys are kept.
    """
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = build()
    _COUNT["compiles"] += 1
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def compile_count() -> int:
    """Number of compilations done by :func:`compiled` in this process."""
    return _COUNT["compiles"]


def clear_cache() -> None:
    """Forget the compiled models of this process (the counter is kept)."""
    _CACHE.clear()


def in_worker() -> bool:
    """True inside a Dask worker process."""
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


def worker_cores() -> int | None:
    """Cores a sampler may use: 1 inside a worker (one worker per core), None outside."""
    return 1 if in_worker() else None


def claim_compiledir(base: Path, name: str) -> Path:
    """A compile dir for this worker slot, locked so no other live process shares it.

    The same slot (host + worker name) gets the same folder in the next run, so
    its cache stays warm; if another live process holds it, a per-process
    folder is used instead.
    """
    base.mkdir(parents=True, exist_ok=True)
    for candidate in (f"{socket.gethostname()}-{name}", f"{socket.gethostname()}-{name}-{os.getpid()}"):
        folder = base / candidate
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / ".cbstats-worker.lock", "w")  # noqa: SIM115 - held while alive
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _LOCKS.append(handle)
        return folder
    raise RuntimeError(f"could not claim a PyTensor compile folder under {base}")


def default_compiledir_base() -> Path:
    """``$CBSTATS_COMPILEDIR`` or ``<tmp>/cbstats-pytensor-<uid>``."""
    env = os.environ.get("CBSTATS_COMPILEDIR")
    return Path(env) if env else Path(tempfile.gettempdir()) / f"cbstats-pytensor-{os.getuid()}"


def worker_info() -> dict[str, Any]:
    """Process id, compile count and PyTensor compile dir of the calling process."""
    info: dict[str, Any] = {"pid": os.getpid(), "compiles": compile_count(),
                            "pytensor_flags": os.environ.get("PYTENSOR_FLAGS", "")}
    try:
        import pytensor

        info["compiledir"] = str(pytensor.config.compiledir)
    except ImportError:  # pragma: no cover
        pass
    return info
