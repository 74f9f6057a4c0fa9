"""Task seeds derived from the run seed and the task's identity.

A task's seed depends only on the run seed and on what the task *is* (its
identity, e.g. ``("sbc", 17)`` or ``("fold", 3)``), never on the order in
which tasks run, on the backend or on the number of workers.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["stable_hash", "task_seed"]


def stable_hash(*identity: object) -> int:
    """A 128-bit integer hash of ``identity`` that is the same in every process.

    Python's ``hash()`` of strings changes between processes; this uses
    SHA-256 of the ``repr`` of each part (so use plain values: str, int, tuples).
    """
    text = "\x1f".join(repr(part) for part in identity)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "little")


def task_seed(run_seed: int, *identity: object) -> int:
    """The seed of one task: ``SeedSequence([run_seed, stable_hash(identity)])``.

    Parameters
    ----------
    run_seed
        The seed of the whole run (e.g. ``cbstats reproduce --seed``).
    *identity
        What identifies the task, e.g. ``"sbc", 17``.

    Returns
    -------
    int
        A seed in ``[0, 2**31 - 1)`` (accepted by nutpie, PyMC and numpy).
    """
    if run_seed is None or int(run_seed) < 0:
        raise ValueError(f"run_seed must be a non-negative integer, got {run_seed!r}")
    seq = np.random.SeedSequence([int(run_seed), stable_hash(*identity)])
    return int(seq.generate_state(1, dtype=np.uint64)[0] % (2**31 - 1))
