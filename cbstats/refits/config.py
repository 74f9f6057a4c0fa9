"""Choosing the backend: from an argument, the command line or the environment.

``get_executor(spec)`` accepts

* an :class:`~cbstats.refits.executor.Executor` (returned as is; so is any
  other object with a ``map(fn, items)`` method);
* a ``dask.distributed.Client`` (used, never closed by cbstats);
* ``"serial"``; ``"local"`` or a positive int (a ``LocalCluster`` with that
  many workers; ``"local"`` uses ``workers`` or one per core);
* a scheduler address such as ``"tcp://host:8786"`` (checked at once);
* None: the environment variables ``CBSTATS_SCHEDULER`` (an address, or
  ``serial`` / ``local``) and ``CBSTATS_WORKERS`` (a positive integer), else
  ``"local"`` when more than one core is available and ``"serial"`` otherwise.

Every bad setting raises a clear error before any work starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .executor import DaskExecutor, Executor, SerialExecutor

__all__ = ["ENV_SCHEDULER", "ENV_WORKERS", "executor_scope", "get_executor", "parse_workers"]

ENV_SCHEDULER = "CBSTATS_SCHEDULER"
ENV_WORKERS = "CBSTATS_WORKERS"
_ADDRESS_PREFIXES = ("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")


def parse_workers(value: Any, source: str = "workers") -> int:
    """A positive number of workers, or ValueError naming ``source`` and the value."""
    try:
        n = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        n = None
    if n is None or n < 1 or (isinstance(value, float) and value != n):
        raise ValueError(f"{source} must be a positive integer (1, 2, ...), got {value!r}")
    return n


def _connect(address: str, timeout: float):
    from distributed import Client

    try:
        return Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(
            f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s "
            f"({type(exc).__name__}: {exc}); expected a running scheduler "
            f"(e.g. started with `dask scheduler`), its address as tcp://HOST:PORT"
        ) from None


def get_executor(
    spec: Any = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = 10.0,
) -> Executor:
    """The executor for ``spec`` (see the module docstring).

    Parameters
    ----------
    spec
        Executor, Client, ``"serial"``, ``"local"``, a number of workers, an
        address, or None (environment, then the default).
    workers
        Number of local workers (``cbstats reproduce --workers N``).
    scheduler
        Scheduler address (``cbstats reproduce --scheduler ADDRESS``); wins
        over ``workers``.
    timeout
        Seconds to wait for a scheduler address to answer.

    Raises
    ------
    ValueError
        For zero, negative or non-integer workers or an unknown spec.
    ConnectionError
        For a scheduler address that does not answer.
    """
    if isinstance(spec, Executor):
        return spec
    if spec is not None and type(spec).__name__ == "Client" and hasattr(spec, "submit"):
        return DaskExecutor(spec, owned=False)
    if spec is not None and not isinstance(spec, str | int) and callable(getattr(spec, "map", None)):
        return spec  # any other object with map(fn, items), e.g. a concurrent.futures executor
    if workers is not None:
        workers = parse_workers(workers, "workers")
    if spec is None:
        spec = scheduler
    if spec is None and os.environ.get(ENV_SCHEDULER, "").strip():
        spec = os.environ[ENV_SCHEDULER].strip()
    if spec is None and workers is None and os.environ.get(ENV_WORKERS, "").strip():
        workers = parse_workers(os.environ[ENV_WORKERS], f"environment variable {ENV_WORKERS}")
    if spec is None:
        spec = "local" if (workers or os.cpu_count() or 1) > 1 else "serial"
    if isinstance(spec, int) and not isinstance(spec, bool):
        return DaskExecutor(n_workers=parse_workers(spec, "executor"))
    if not isinstance(spec, str):
        raise ValueError(f"executor must be 'serial', 'local', a number of workers, a scheduler "
                         f"address (tcp://host:port), a dask Client or an Executor; got {spec!r}")
    text = spec.strip()
    if text == "serial":
        return SerialExecutor()
    if text == "local":
        return DaskExecutor(n_workers=workers)
    if text.startswith(_ADDRESS_PREFIXES) or (":" in text and " " not in text):
        address = text if "://" in text else f"tcp://{text}"
        return DaskExecutor(_connect(address, timeout), owned=True)
    raise ValueError(f"unknown executor {spec!r}; expected 'serial', 'local', a number of "
                     f"workers or a scheduler address such as 'tcp://host:8786'")


@contextmanager
def executor_scope(spec: Any = None, **options: Any) -> Iterator[Executor]:
    """The executor for ``spec``, closed on exit only if it was started here.

    An Executor or Client passed in is left running (it belongs to the caller).
    """
    owned = spec is None or isinstance(spec, str | int)
    ex = get_executor(spec, **options)
    try:
        yield ex
    finally:
        if owned:
            ex.close()
