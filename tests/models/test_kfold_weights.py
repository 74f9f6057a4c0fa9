"""Exact k-fold CV with one compiled model: the weighted likelihood and the nutpie path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import logsumexp

from cbstats.models import fit
from cbstats.models.builder import build_model
from cbstats.models.design import build_design
from cbstats.models.families import get_family
from cbstats.models.formula import parse_formula
from cbstats.models.priors import resolve_priors
from cbstats.ordinal import ordered


def _data(n=50, seed=3):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "f": ordered(rng.choice([0, 0.33, 0.67, 1], n), [0, 0.33, 0.67, 1]),
        "g": rng.choice(["g1", "g2", "g3"], n),
        "y": rng.integers(0, 4, n),
        "yb": rng.integers(0, 2, n),
    })


@pytest.mark.parametrize(("formula", "family"), [
    ("y ~ x + mo(f) + (1 | g)", "cumulative"),
    ("yb ~ x + mo(f) + (1 | g)", "bernoulli"),
])
def test_weighted_likelihood_equals_sum_over_training_rows(formula, family):
    data = _data()
    design = build_design(parse_formula(formula), data, family)
    priors = resolve_priors(design, None)
    plain = build_model(design, priors)
    weights = np.ones(len(data))
    weights[::4] = 0.0
    weighted = build_model(design, priors, obs_weights=weights)
    for name, value in get_family(family).initvals(design).items():  # ordered cutpoints
        plain.set_initval(plain[name], value)
    point = plain.initial_point()
    # a point away from the initial values, the same in both models (same free variables)
    rng = np.random.default_rng(0)
    point = {k: v + 0.3 * rng.normal(size=np.shape(v)) for k, v in point.items()}
    obs = plain.observed_RVs[0]
    pointwise = plain.compile_fn(plain.logp(vars=[obs], sum=False)[0], inputs=plain.value_vars,
                                 on_unused_input="ignore")(point)
    potential = weighted.point_logps(point, round_vals=16)["weighted_loglik"]
    assert float(potential) == pytest.approx(float(np.sum(weights * pointwise)), rel=1e-10)
    # the priors are identical: total log densities differ by exactly the held-out rows' terms
    lp_plain = plain.compile_logp()(point)
    lp_weighted = weighted.compile_logp()(point)
    assert lp_plain - lp_weighted == pytest.approx(float(np.sum(pointwise[weights == 0])), rel=1e-8)


def test_kfold_with_one_compiled_model_matches_refits():
    data = _data(n=60, seed=5)
    kw = {"draws": 300, "tune": 300, "chains": 2, "progressbar": False, "check": False}
    r_nutpie = fit("yb ~ x + (1 | g)", data, "bernoulli", seed=4, sampler="nutpie", **kw)
    r_pymc = fit("yb ~ x + (1 | g)", data, "bernoulli", seed=4, sampler="pymc", **kw)
    assert r_nutpie.sampler == "nutpie" and r_pymc.sampler == "pymc"
    k1 = r_nutpie.loo(pareto_k_threshold=-1.0, folds=3, fallback=True)
    k2 = r_pymc.loo(pareto_k_threshold=-1.0, folds=3, fallback=True)
    assert k1.method == k2.method == "kfold"
    # same folds (same seed); the two estimates differ only by Monte Carlo error
    assert abs(k1.elpd - k2.elpd) < 2.0
    assert np.all(k1.pointwise < 0)
    # held-out rows really are held out: out-of-sample elpd is clearly below the in-sample lpd
    # (if the zero weights were ignored, the two would agree up to Monte Carlo error)
    ll = r_nutpie.idata.log_likelihood["yb"].values.reshape(-1, len(data))
    lpd = float(np.sum(logsumexp(ll, axis=0) - np.log(ll.shape[0])))
    assert k1.elpd < lpd - 2.0
