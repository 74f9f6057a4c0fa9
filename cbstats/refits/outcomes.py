"""What a run of many refits returns: one :class:`Outcome` per task."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Outcome", "RefitError", "RefitRun", "failure_reason"]


class RefitError(RuntimeError):
    """Some tasks of a many-refit run failed (raised by ``Executor.map``)."""


def failure_reason(value: Any) -> str | None:
    """The reason a returned value reports a failed fit, or None.

    A task function may return an object with a ``failure_reason`` attribute
    (e.g. a fit that ran but failed its diagnostics); a non-empty string there
    marks the task as failed while its value is kept.
    """
    reason = getattr(value, "failure_reason", None)
    return str(reason) if reason else None


@dataclass
class Outcome:
    """The result of one task.

    Attributes
    ----------
    key
        The task's name (unique in the run; also its checkpoint file name).
    status
        ``"ok"`` or ``"failed"``.
    value
        What the task function returned (None if it raised).
    reason
        Why it failed (exception type and message, or the failed check).
    seconds
        Wall time of the task in its worker.
    worker
        Where it ran (``"serial"`` or the Dask worker address).
    resumed
        True if the outcome was read from a checkpoint of an earlier run.
    """

    key: str
    status: str
    value: Any = None
    reason: str | None = None
    seconds: float = 0.0
    worker: str = ""
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class RefitRun:
    """All outcomes of a run, in task order."""

    label: str
    outcomes: list[Outcome]
    seconds: float = 0.0
    backend: str = ""
    n_workers: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def n_resumed(self) -> int:
        return sum(o.resumed for o in self.outcomes)

    def values(self) -> list[Any]:
        """The values in task order (failed tasks included: their value or None)."""
        return [o.value for o in self.outcomes]

    def summary(self) -> str:
        """One line: ``"k-fold: 5/5 refits ok, 0 failed (2 resumed) in 41.2 s on local (2 workers)"``."""
        n, bad = len(self.outcomes), len(self.failed)
        resumed = f" ({self.n_resumed} from checkpoints)" if self.n_resumed else ""
        text = (f"{self.label}: {n - bad}/{n} refits ok, {bad} failed{resumed} in "
                f"{self.seconds:.1f} s on {self.backend} ({self.n_workers} "
                f"worker{'s' if self.n_workers != 1 else ''})")
        if bad:
            reasons = "; ".join(f"{o.key}: {o.reason}" for o in self.failed[:3])
            text += f" -- failed: {reasons}" + (" ..." if bad > 3 else "")
        return text

    def raise_for_failures(self) -> None:
        """Raise :class:`RefitError` naming every failed task (after all have run)."""
        if self.failed:
            lines = "\n".join(f"  {o.key}: {o.reason}" for o in self.failed)
            raise RefitError(f"{len(self.failed)} of {len(self.outcomes)} tasks of "
                             f"{self.label!r} failed:\n{lines}")
