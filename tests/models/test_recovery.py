"""RECOVERY: simulated data with known parameters (group effects, monotonic terms).

For each family the true values must fall inside the 90% intervals for at
least 75% of the checked parameters (nominal 90%), with clean diagnostics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from models_sim import GRID, mono_value, simulate_ordinal
from scipy.special import expit

from cbstats.models import fit
from cbstats.ordinal import ordered

pytestmark = pytest.mark.slow


def _coverage(res, truth: dict[str, float]):
    s = res.summary(prob=0.90, group_effects=True).set_index("term")
    inside = [(s.loc[k, "lower"] <= v <= s.loc[k, "upper"]) for k, v in truth.items()]
    return float(np.mean(inside)), len(inside)


def _base(n, seed, n_groups):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.normal(size=n), "w": rng.binomial(1, 0.4, n),
                       "f": ordered(rng.choice(GRID, n), GRID),
                       "g": rng.choice([f"g{i:02d}" for i in range(n_groups)], n)})
    return df, rng


def test_recovery_cumulative():
    df, rng = _base(1500, 21, 15)
    b, simplex, sd = {"x": 0.7, "w": -0.5, "mo(f)": 0.4}, np.array([0.6, 0.1, 0.3]), 0.6
    u = rng.normal(0, sd, 15)
    u -= u.mean()  # the zero-sum parameterisation identifies effects relative to their mean
    cuts = np.array([-1.5, -0.2, 1.0, 2.0])
    gi = df.g.str[1:].astype(int).to_numpy()
    eta = b["x"] * df.x + b["w"] * df.w + b["mo(f)"] * mono_value(np.searchsorted(GRID, df.f), simplex)
    df["y"] = simulate_ordinal(rng, eta.to_numpy() + u[gi], cuts)
    res = fit("y ~ x + w + mo(f) + (1 | g)", df, "cumulative", draws=1000, tune=1000, chains=2,
              seed=3, progressbar=False)
    res.diagnostics(strict=True)
    truth = {**b, "sd(g)": sd}
    truth.update({f"cutpoint[{k}|{k + 1}]": c for k, c in enumerate(cuts)})
    truth.update({f"mo(f)[{lv}]": s for lv, s in zip(["0.33", "0.67", "1.0"], simplex, strict=True)})
    truth.update({f"r(g)[g{i:02d}]": u[i] for i in range(15)})
    cov, n = _coverage(res, truth)
    assert n == 26 and cov >= 0.75, cov


def test_recovery_bernoulli_with_multimembership():
    df, rng = _base(2000, 22, 8)
    states = [f"s{i}" for i in range(10)]
    df["sa"] = rng.choice(states, len(df))
    df["sb"] = rng.choice(states, len(df))
    alpha, b, simplex = -0.3, {"x": 1.0, "w": 0.5, "mo(f)": 0.5}, np.array([0.2, 0.5, 0.3])
    sd_g, sd_s = 0.5, 0.8
    u = rng.normal(0, sd_g, 8)
    v = rng.normal(0, sd_s, 10)
    u, v = u - u.mean(), v - v.mean()
    gi = df.g.str[1:].astype(int).to_numpy()
    si = df.sa.str[1:].astype(int).to_numpy()
    sj = df.sb.str[1:].astype(int).to_numpy()
    eta = (alpha + b["x"] * df.x + b["w"] * df.w
           + b["mo(f)"] * mono_value(np.searchsorted(GRID, df.f), simplex)
           + u[gi] + 0.5 * (v[si] + v[sj]))
    df["y"] = (rng.uniform(size=len(df)) < expit(eta)).astype(int)
    res = fit("y ~ x + w + mo(f) + (1 | g) + mm(sa, sb)", df, "bernoulli", draws=1000,
              tune=1000, chains=4, seed=4, progressbar=False)
    res.diagnostics(strict=True)  # group sds need 4 chains for bulk ESS >= 400
    truth = {"Intercept": alpha, **b, "sd(g)": sd_g, "sd(s)": sd_s}
    truth.update({f"mo(f)[{lv}]": s for lv, s in zip(["0.33", "0.67", "1.0"], simplex, strict=True)})
    truth.update({f"r(g)[g{i:02d}]": u[i] for i in range(8)})
    truth.update({f"r(s)[s{i}]": v[i] for i in range(10)})
    cov, n = _coverage(res, truth)
    assert n == 27 and cov >= 0.75, cov


def test_recovery_binomial_with_correlated_slopes():
    df, rng = _base(600, 23, 12)
    df["n"] = rng.integers(5, 15, len(df))
    alpha, bx, sds, rho = 0.2, 0.6, np.array([0.7, 0.4]), 0.4
    cov = np.array([[1, rho], [rho, 1]]) * np.outer(sds, sds)
    r = rng.multivariate_normal([0, 0], cov, 12)
    r -= r.mean(axis=0)
    gi = df.g.str[1:].astype(int).to_numpy()
    eta = alpha + bx * df.x + r[gi, 0] + r[gi, 1] * df.x
    df["k"] = rng.binomial(df.n, expit(eta))
    res = fit("k | trials(n) ~ x + (1 + x | g)", df, "binomial", draws=1000, tune=1000,
              chains=4, seed=5, progressbar=False)
    res.diagnostics(strict=True)
    truth = {"Intercept": alpha, "x": bx, "sd(g)[Intercept]": sds[0], "sd(g)[x]": sds[1],
             "cor(g)[Intercept,x]": rho}
    truth.update({f"r(g)[g{i:02d},Intercept]": r[i, 0] for i in range(12)})
    truth.update({f"r(g)[g{i:02d},x]": r[i, 1] for i in range(12)})
    cov_, n = _coverage(res, truth)
    assert n == 29 and cov_ >= 0.75, cov_
