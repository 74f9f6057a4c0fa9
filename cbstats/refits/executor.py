"""The one interface every many-refit feature uses: :class:`Executor`.

``Executor.run(fn, items)`` calls ``fn(item)`` for every item -- one fit per
item -- and returns a :class:`~cbstats.refits.outcomes.RefitRun` with one
outcome per item, in item order, whatever the backend:

* :class:`SerialExecutor` -- in this process, one after the other;
* :class:`DaskExecutor` -- on Dask distributed: a ``LocalCluster`` of process
  workers (one thread each, BLAS threads pinned to 1) that it starts itself,
  a running scheduler given by its address, or a ``Client`` passed in.

A task that raises is recorded as failed with its reason and the others go
on; a worker that dies has its tasks re-run on another worker by the Dask
scheduler. With ``checkpoint=FOLDER`` every finished task is written
atomically to its own file and a re-run skips it.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from .checkpoints import CheckpointStore, fingerprint
from .outcomes import Outcome, RefitRun, failure_reason
from .progress import Progress, progress_enabled

__all__ = ["DaskExecutor", "Executor", "SerialExecutor", "call_task"]


def call_task(fn: Callable[[Any], Any], item: Any, key: str) -> Outcome:
    """Run one task and wrap what happened in an :class:`Outcome` (never raises ``Exception``).

    ``KeyboardInterrupt`` and ``SystemExit`` are not caught: they stop the run
    (finished tasks stay checkpointed).
    """
    t0 = time.perf_counter()
    worker = "serial"
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        pass
    try:
        value = fn(item)
    except Exception as exc:  # noqa: BLE001 - a failed fit is recorded, not fatal
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {Path(last[0].filename).name}:{last[0].lineno}" if last else ""
        return Outcome(key, "failed", None, f"{type(exc).__name__}: {exc}{where}",
                       time.perf_counter() - t0, worker)
    reason = failure_reason(value)
    return Outcome(key, "failed" if reason else "ok", value, reason,
                   time.perf_counter() - t0, worker)


class Executor:
    """Base class: runs tasks, checkpoints and reports progress. Subclasses submit."""

    name = "executor"
    report: Callable[[str], None] | None = None
    """If set, called with :meth:`RefitRun.summary` after every run (a line per group of refits)."""

    @property
    def n_workers(self) -> int:
        return 1

    def _execute(self, fn, pending: list[tuple[int, str, Any]], on_done) -> None:
        raise NotImplementedError

    def run(
        self,
        fn: Callable[[Any], Any],
        items: Iterable[Any],
        *,
        keys: Sequence[str] | None = None,
        label: str = "refits",
        checkpoint: str | Path | None = None,
        progress: bool | None = None,
    ) -> RefitRun:
        """Call ``fn(item)`` for every item; never raises for a failed item.

        Parameters
        ----------
        fn
            A module-level function (it is pickled to the workers).
        items
            One picklable task description per fit.
        keys
            Unique names of the items (checkpoint file names); default
            ``task00000``, ``task00001``, ...
        label
            Name of the group of refits in progress displays and summaries.
        checkpoint
            Folder for per-task checkpoints (created if needed). A task whose
            checkpoint exists with the same fingerprint is not run again.
        progress
            Live display of tasks done and time left; None: on in terminals
            and notebooks, off when ``CI`` is set.

        Returns
        -------
        RefitRun
        """
        items = list(items)
        keys = [f"task{i:05d}" for i in range(len(items))] if keys is None else list(keys)
        if len(keys) != len(items) or len(set(keys)) != len(keys):
            raise ValueError(f"keys must be unique, one per item ({len(items)} items, "
                             f"{len(set(keys))} distinct keys)")
        t0 = time.perf_counter()
        store = CheckpointStore(checkpoint) if checkpoint is not None else None
        fps = [fingerprint(fn, item) for item in items] if store else [""] * len(items)
        outcomes: list[Outcome | None] = [None] * len(items)
        if store:
            for i, key in enumerate(keys):
                outcomes[i] = store.load(key, fps[i])
        pending = [(i, keys[i], items[i]) for i in range(len(items)) if outcomes[i] is None]
        bar = Progress(len(items), label, progress_enabled(progress), done=len(items) - len(pending))
        n_failed = [sum(1 for o in outcomes if o is not None and not o.ok)]

        def on_done(i: int, outcome: Outcome) -> None:
            outcomes[i] = outcome
            if store:
                store.save(outcome, fps[i])
            n_failed[0] += not outcome.ok
            bar.update(n_failed[0])

        try:
            if pending:
                self._execute(fn, pending, on_done)
        finally:
            bar.close()
        run = RefitRun(label, [o for o in outcomes if o is not None], time.perf_counter() - t0,
                       self.name, self.n_workers)
        if self.report is not None:
            self.report(run.summary())
        return run

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any], **options: Any) -> list[Any]:
        """Like :meth:`run` but returns the values in item order.

        Raises
        ------
        RefitError
            After every task has run, if any raised (all failures are named).
        """
        run = self.run(fn, items, **options)
        run.raise_for_failures()
        return run.values()

    def close(self) -> None:
        """Release what this executor started (nothing for the serial backend)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Runs every task in this process, in order."""

    name = "serial"

    def _execute(self, fn, pending, on_done) -> None:
        for i, key, item in pending:
            on_done(i, call_task(fn, item, key))

    def __repr__(self) -> str:
        return "SerialExecutor()"


class DaskExecutor(Executor):
    """Runs tasks on Dask distributed.

    Parameters
    ----------
    client
        A connected ``dask.distributed.Client`` (not closed by :meth:`close`
        unless ``owned``), or None to start a ``LocalCluster`` on first use.
    n_workers
        Workers of the ``LocalCluster`` (ignored with a client).
    owned
        Close the client (and its cluster) in :meth:`close`.
    """

    def __init__(self, client=None, *, n_workers: int | None = None, owned: bool = False):
        self._client = client
        self._owned = owned or client is None
        self._n_local = n_workers
        self._setup_done = False
        self._kind = "local" if client is None else "dask"

    @property
    def name(self) -> str:  # type: ignore[override]
        """``"local"`` (a LocalCluster started here) or ``"dask"`` (a given scheduler/client)."""
        return self._kind

    @property
    def client(self):
        """The Dask client (a ``LocalCluster`` is started the first time it is needed)."""
        if self._client is None:
            self._client = start_local_cluster(self._n_local)
        if not self._setup_done:
            from .plugin import WorkerSetup

            self._client.register_plugin(WorkerSetup())
            self._setup_done = True
        return self._client

    @property
    def n_workers(self) -> int:
        if self._client is None:
            import os

            return int(self._n_local or os.cpu_count() or 1)
        return max(1, len(self._client.scheduler_info().get("workers", {})))

    def _execute(self, fn, pending, on_done) -> None:
        from distributed import as_completed

        client = self.client
        futures = {}
        for i, key, item in pending:
            fut = client.submit(call_task, fn, item, key, pure=False,
                                key=f"cbstats-{key}-{id(futures):x}-{i}")
            futures[fut] = (i, key)
        try:
            for fut in as_completed(list(futures), loop=client.loop):
                i, key = futures[fut]
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after repeated crashes
                    outcome = Outcome(key, "failed", None, f"{type(exc).__name__}: {exc}",
                                      0.0, "dask")
                on_done(i, outcome)
        except BaseException:
            client.cancel(list(futures))
            raise

    def close(self) -> None:
        if self._owned and self._client is not None:
            cluster = getattr(self._client, "cluster", None)
            self._client.close()
            if cluster is not None:
                cluster.close()
            self._client = None
            self._setup_done = False

    def __repr__(self) -> str:
        return f"DaskExecutor({self.name}, workers={self.n_workers})"


def start_local_cluster(n_workers: int | None):
    """A ``LocalCluster``: process workers, one thread each, BLAS threads pinned to 1."""
    import logging
    import os

    from distributed import Client, LocalCluster

    from .worker import THREAD_ENV

    n = n_workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        env=dict(THREAD_ENV),
        dashboard_address=None,
        scheduler_port=0,
        silence_logs=logging.ERROR,
    )
    return Client(cluster, set_as_default=False)
