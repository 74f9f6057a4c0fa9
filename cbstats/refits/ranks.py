"""Rank statistics of simulation-based calibration and a test of their uniformity.

If a model and its sampler are calibrated, the rank of the true (simulated)
value of a parameter among ``L`` posterior draws is uniform on ``0..L``
(Talts et al. 2018, "Validating Bayesian inference algorithms with
simulation-based calibration", arXiv:1804.06788).

Uniformity is tested with the ECDF of the ranks and simultaneous confidence
bands (Säilynoja, Bürkner & Vehtari 2022, "Graphical test for discrete
uniformity and its applications in goodness-of-fit evaluation and multiple
sample comparison", Statistics and Computing 32:32): at every evaluation point
``z_j = (j + 1) / (L + 1)`` the number of ranks ``<= j`` is
Binomial(N, z_j) under uniformity; the statistic is the smallest two-sided
binomial tail probability over the points, its null distribution is
simulated, and the band is the set of ECDF values whose tail probability is
above the ``alpha`` quantile of that distribution. So the test rejects at
level ``alpha`` exactly when the ECDF leaves the ``1 - alpha`` band.
Implemented with numpy and scipy (no SBC package supports Python 3.11 here).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

__all__ = ["UniformityTest", "ecdf_band", "rank_ecdf", "ranks_of", "uniformity_test"]


def ranks_of(draws: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Rank of each true value among the posterior draws.

    Parameters
    ----------
    draws
        Shape ``(L, P)``: ``L`` (thinned) posterior draws of ``P`` scalars.
    truth
        Shape ``(P,)``: the simulated values.

    Returns
    -------
    numpy.ndarray
        Integers in ``0..L``: the number of draws below the true value (ties,
        which have probability 0 for continuous parameters, count half, rounded down).
    """
    draws = np.asarray(draws, dtype=float)
    truth = np.asarray(truth, dtype=float)
    below = (draws < truth).sum(axis=0)
    ties = (draws == truth).sum(axis=0)
    return (below + ties // 2).astype(int)


def rank_ecdf(ranks: np.ndarray, n_draws: int) -> tuple[np.ndarray, np.ndarray]:
    """Evaluation points ``z_j`` and the ECDF of the ranks there (ranks ``<= j``), j = 0..L-1."""
    ranks = np.asarray(ranks)
    j = np.arange(n_draws)
    z = (j + 1) / (n_draws + 1)
    ecdf = (ranks[:, None] <= j[None, :]).mean(axis=0)
    return z, ecdf


def _tail_stat(counts: np.ndarray, n: int, z: np.ndarray) -> np.ndarray:
    """Smallest two-sided binomial tail probability over the evaluation points (last axis)."""
    lower = stats.binom.cdf(counts, n, z)
    upper = stats.binom.sf(counts - 1, n, z)
    return np.minimum(1.0, 2 * np.minimum(lower, upper)).min(axis=-1)


@lru_cache(maxsize=16)
def _null_stats(n: int, n_draws: int, n_null: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    z = (np.arange(n_draws) + 1) / (n_draws + 1)
    out = np.empty(n_null)
    for s in range(n_null):
        r = rng.integers(0, n_draws + 1, size=n)
        counts = np.bincount(r, minlength=n_draws + 1).cumsum()[:-1]
        out[s] = _tail_stat(counts, n, z)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class UniformityTest:
    """Result of :func:`uniformity_test` for one parameter."""

    statistic: float  # smallest two-sided binomial tail probability of the ECDF
    p_value: float  # share of uniform samples with a statistic as small or smaller
    n: int
    n_draws: int


def uniformity_test(ranks: np.ndarray, n_draws: int, *, n_null: int = 1000,
                    seed: int = 0) -> UniformityTest:
    """Simultaneous-band test that ranks in ``0..n_draws`` are uniform.

    Parameters
    ----------
    ranks
        One rank per simulation.
    n_draws
        ``L``, the number of posterior draws the ranks were computed among.
    n_null
        Simulated uniform samples for the null distribution.
    seed
        Seed of that simulation (fixed: the same ranks give the same p-value).
    """
    ranks = np.asarray(ranks)
    if ranks.size == 0:
        raise ValueError("no ranks to test (did every fit fail?)")
    if ranks.min() < 0 or ranks.max() > n_draws:
        raise ValueError(f"ranks must lie in 0..{n_draws}, got {ranks.min()}..{ranks.max()}")
    n = ranks.size
    z, ecdf = rank_ecdf(ranks, n_draws)
    stat = float(_tail_stat(np.rint(ecdf * n), n, z))
    null = _null_stats(n, n_draws, n_null, seed)
    p = float((1 + np.sum(null <= stat)) / (n_null + 1))
    return UniformityTest(stat, p, n, n_draws)


def ecdf_band(n: int, n_draws: int, *, prob: float = 0.95, n_null: int = 1000,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simultaneous ``prob`` band of the ECDF of ``n`` uniform ranks in ``0..n_draws``.

    Returns
    -------
    (z, lower, upper)
        Evaluation points and the band's bounds (ECDF scale); subtract ``z``
        for the ECDF-difference plot.
    """
    null = _null_stats(n, n_draws, n_null, seed)
    gamma = float(np.quantile(null, 1 - prob))
    z = (np.arange(n_draws) + 1) / (n_draws + 1)
    lower = stats.binom.ppf(gamma / 2, n, z) / n
    upper = stats.binom.ppf(1 - gamma / 2, n, z) / n
    return z, lower, upper
