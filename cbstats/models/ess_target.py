"""Sample until every reported parameter reaches a bulk-ESS target (``fit(..., ess=400)``).

How it works (nutpie)
---------------------
nutpie is started once with ``draws = max_draws`` in the background
(``nutpie.sample(..., blocking=False)``). After warm-up its step size and mass
matrix are fixed, so every further draw of the same run is a draw "with
adaptation kept". At checkpoints (``draws`` per chain first, then projected
from the ESS reached so far) the sampler is paused, the first ``checkpoint``
draws of every chain are taken, and the bulk ESS of every reported parameter
is computed (the same parameters :meth:`BayesResult.diagnostics` checks,
group effects included). If all reach the target, sampling stops and exactly
those draws are returned; otherwise it resumes to the next checkpoint, until
``max_draws`` per chain or ``max_time`` seconds.

Each chain of a nutpie run depends only on the seed and the settings, not on
``draws`` nor on timing, so the first ``k`` draws of this run are the draws a
plain ``fit(draws=k)`` gives: the result is reproducible, and a model that
reaches the target at the first checkpoint gets the same numbers as without
a target. Only the time cap depends on the machine (it is recorded when hit).

With ``sampler="pymc"`` (or the PyMC fallback) a run cannot be extended:
each further batch re-runs warm-up and sampling with the projected number of
draws (same seed), which costs more and is recorded the same way.

What is recorded
----------------
``idata.sample_stats.attrs``: ``ess_target``, ``ess_achieved`` (the minimum
bulk ESS over reported parameters at the returned draws),
``ess_worst_parameter``, ``ess_batches`` (checkpoints evaluated),
``ess_draws_per_chain`` and ``ess_cap_hit`` (``""``, ``"draws"`` or
``"time"``). :func:`diagnostics_row` turns them into a row of
``BayesResult.diagnostics()``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import arviz as az
import numpy as np

__all__ = ["EssTarget", "diagnostics_row", "next_checkpoint", "record", "sample_nutpie_to_target",
           "sample_pymc_to_target"]

EssFn = Callable[[az.InferenceData], tuple[float, str]]


@dataclass(frozen=True)
class EssTarget:
    """A bulk-ESS target and its caps.

    Attributes
    ----------
    ess
        Minimum bulk ESS every reported parameter must reach.
    max_draws
        Cap on draws per chain (after warm-up).
    max_time
        Cap on sampling time in seconds (None: no time cap).
    """

    ess: int
    max_draws: int
    max_time: float | None = None

    @classmethod
    def make(cls, ess: int, draws: int, max_draws: int | None, max_time: float | None) -> EssTarget:
        """Validate the options of :func:`cbstats.fit` (default cap: ``10 * draws``)."""
        problems = []
        if not isinstance(ess, (int, np.integer)) or isinstance(ess, bool) or ess <= 0:
            problems.append(f"ess must be a positive integer (a bulk-ESS target), got {ess!r}")
        cap = 10 * draws if max_draws is None else max_draws
        if not isinstance(cap, (int, np.integer)) or cap < draws:
            problems.append(f"max_draws must be an integer >= draws ({draws}), got {max_draws!r}")
        if max_time is not None and not (isinstance(max_time, (int, float)) and max_time > 0):
            problems.append(f"max_time must be a positive number of seconds, got {max_time!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return cls(int(ess), int(cap), None if max_time is None else float(max_time))


def next_checkpoint(current: int, achieved: float, target: int, cap: int, first: int) -> int:
    """Draws per chain at which to check again.

    ESS grows about linearly with the number of draws, so the projection is
    ``current * target / achieved`` plus 10 %, rounded up to 50 draws, at least
    a quarter of the first batch more than now, at most ``cap``.
    """
    if achieved <= 0 or not math.isfinite(achieved):
        projected = 2 * current
    else:
        projected = math.ceil(current * target / achieved * 1.1 / 50) * 50
    return int(min(cap, max(projected, current + max(50, first // 4))))


def record(idata: az.InferenceData, target: EssTarget, achieved: float, worst: str, batches: int,
           draws: int, cap_hit: str) -> az.InferenceData:
    """Store the outcome of the target in ``idata.sample_stats.attrs`` (see module docstring)."""
    idata.sample_stats.attrs.update({
        "ess_target": int(target.ess), "ess_achieved": float(achieved),
        "ess_worst_parameter": str(worst), "ess_batches": int(batches),
        "ess_draws_per_chain": int(draws), "ess_cap_hit": cap_hit,
        "ess_max_draws": int(target.max_draws),
    })
    return idata


def diagnostics_row(idata: az.InferenceData) -> dict | None:
    """The ``ess_target`` row of ``diagnostics()``, or None if the fit had no target."""
    attrs = getattr(idata, "sample_stats", None)
    attrs = attrs.attrs if attrs is not None else {}
    if "ess_target" not in attrs:
        return None
    target, achieved = int(attrs["ess_target"]), float(attrs["ess_achieved"])
    cap = attrs.get("ess_cap_hit", "")
    detail = (f">= {target} (sampled {int(attrs['ess_draws_per_chain'])} draws per chain in "
              f"{int(attrs['ess_batches'])} batch(es)" + (f"; {cap} cap hit" if cap else "") + ")")
    passed = achieved >= target
    return {"check": "ess_target", "threshold": detail, "value": achieved, "passed": bool(passed),
            "n_failing": 0 if passed else 1,
            "failing": "" if passed else str(attrs.get("ess_worst_parameter", ""))}


def _truncate(idata: az.InferenceData, n: int) -> az.InferenceData:
    groups = {g: getattr(idata, g).isel(draw=slice(0, n)) for g in ("posterior", "sample_stats")
              if g in idata.groups()}
    return az.InferenceData(**groups)


def _lengths(idata: az.InferenceData) -> np.ndarray:
    """Posterior draws completed per chain (nutpie pads unfinished chains with NaN)."""
    if "posterior" not in idata.groups() or not idata.posterior.data_vars:
        return np.zeros(1, dtype=int)
    var = next(iter(idata.posterior.data_vars.values()))
    if var.shape[1] == 0 or var.size == 0:  # still warming up
        return np.zeros(var.shape[0], dtype=int)
    a = var.values.reshape(var.shape[0], var.shape[1], -1)[:, :, 0]
    return np.isfinite(a).sum(axis=1) if np.issubdtype(a.dtype, np.floating) else np.full(
        a.shape[0], a.shape[1])


def sample_nutpie_to_target(
    compiled, *, target: EssTarget, draws: int, ess_fn: EssFn, clean: Callable, poll: float = 0.1,
    **sample_kwargs,
) -> az.InferenceData:
    """Run nutpie in the background until the ESS target or a cap is reached.

    Parameters
    ----------
    compiled
        A compiled nutpie model.
    target
        The target and its caps.
    draws
        The first checkpoint (draws per chain).
    ess_fn
        ``idata -> (min bulk ESS over reported parameters, its name)``.
    clean
        Post-processing of a raw nutpie trace (drops internal variables).
    poll
        Seconds between progress checks while waiting for a checkpoint.
    **sample_kwargs
        Passed to ``nutpie.sample`` (tune, chains, cores, seed, ...).
    """
    import nutpie

    sampler = nutpie.sample(compiled, draws=target.max_draws, blocking=False, **sample_kwargs)
    start = time.monotonic()
    checkpoint, batches = min(draws, target.max_draws), 0
    best: tuple[az.InferenceData, float, str, int] | None = None
    cap_hit = ""
    full = None  # the whole trace once the sampler has finished all max_draws
    try:
        while True:
            trace = full if full is not None else _wait_for(sampler, checkpoint, start, target.max_time, poll)
            if trace is None:  # time cap: return the last evaluated checkpoint
                cap_hit = "time"
                break
            if _lengths(trace).min() >= target.max_draws:
                full = trace
            trace = clean(_truncate(trace, checkpoint))
            batches += 1
            achieved, worst = ess_fn(trace)
            best = (trace, achieved, worst, checkpoint)
            if achieved >= target.ess:
                break
            if checkpoint >= target.max_draws:
                cap_hit = "draws"
                break
            checkpoint = next_checkpoint(checkpoint, achieved, target.ess, target.max_draws, draws)
            if full is None:
                sampler.resume()
    finally:
        if full is None:
            sampler.cancel()
    if best is None:  # the time cap came before the first checkpoint
        raise RuntimeError(f"max_time={target.max_time} s passed before the first {draws} draws "
                           "per chain; raise max_time")
    trace, achieved, worst, n = best
    return record(trace, target, achieved, worst, batches, n, cap_hit)


def _wait_for(sampler, checkpoint: int, start: float, max_time: float | None, poll: float):
    """Pause the sampler once every chain has ``checkpoint`` draws; return the trace (None: time cap)."""
    wait, last = poll, None
    while True:
        if max_time is not None and time.monotonic() - start > max_time:
            sampler.pause()
            return None
        if _finished(sampler):
            return sampler.wait()
        time.sleep(wait)
        done, now = _progress(sampler), time.monotonic()
        if done >= checkpoint:
            sampler.pause()
            return _inspect(sampler)
        if last is not None and done > last[0] > 0:  # draws per second -> time to the checkpoint
            rate = (done - last[0]) / (now - last[1])
            wait = min(2.0, max(0.05, (checkpoint - done) / rate))
        else:  # warming up: back off gently
            wait = min(1.0, wait * 1.5)
        last = (done, now)


def _progress(sampler) -> int:
    """Posterior draws completed by the slowest chain.

    Reads only the row counts of nutpie's raw (Arrow) trace: converting the
    whole trace to ArviZ (``inspect()``) costs seconds for a model with many
    group effects, which is too much to do while polling. Falls back to
    ``inspect()`` if the raw trace is not available (another nutpie version).
    """
    try:
        _, stats = sampler._sampler.inspect().get_arrow_trace()
        return int(min(b.num_rows - int(b.column("tuning").to_numpy().sum()) for b in stats))
    except (AttributeError, KeyError, TypeError, ValueError):
        return int(_lengths(_inspect(sampler)).min())


def _inspect(sampler) -> az.InferenceData:
    """The trace so far (ArviZ warns about chains without draws during warm-up: not news)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return sampler.inspect()


def _finished(sampler) -> bool:
    """``sampler.is_finished``; nutpie 0.16 raises TimeoutError while chains are still running."""
    try:
        return bool(sampler.is_finished)
    except TimeoutError:
        return False


def sample_pymc_to_target(
    run: Callable[[int], az.InferenceData], *, target: EssTarget, draws: int, ess_fn: EssFn,
) -> az.InferenceData:
    """The PyMC version: each batch re-runs warm-up and sampling with more draws (same seed)."""
    start = time.monotonic()
    n, batches, cap_hit = min(draws, target.max_draws), 0, ""
    while True:
        idata = run(n)
        batches += 1
        achieved, worst = ess_fn(idata)
        if achieved >= target.ess:
            break
        if n >= target.max_draws:
            cap_hit = "draws"
            break
        if target.max_time is not None and time.monotonic() - start > target.max_time:
            cap_hit = "time"
            break
        n = next_checkpoint(n, achieved, target.ess, target.max_draws, draws)
    return record(idata, target, achieved, worst, batches, n, cap_hit)
