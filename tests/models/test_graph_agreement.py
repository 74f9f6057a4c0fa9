"""ONE SOURCE OF TRUTH: predictions and held-out log densities agree with the PyMC graph.

At fixed parameter draws (prior draws of the model itself, no MCMC), for the
cumulative, Bernoulli and binomial families with ``mo()``, varying and
multi-membership terms:

* ``predict(data, kind="mean")`` (new-data encoding + compiled graph) gives
  the probability of each observed outcome whose log is exactly PyMC's
  ``compute_log_likelihood`` of the observed variable;
* the held-out log-likelihood that k-fold uses (:func:`heldout_loglik`) is
  exactly the same numbers for the same rows;
* ``predict(kind="pps")`` draws responses with the same distribution as
  PyMC's ``sample_posterior_predictive`` (both checked against the predicted
  mean, row by row).
"""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm
import pytest
from scipy import stats

from cbstats.models.builder import build_model
from cbstats.models.design import build_design
from cbstats.models.evaluate import graph_functions
from cbstats.models.formula import parse_formula
from cbstats.models.kfold import heldout_loglik
from cbstats.models.priors import resolve_priors
from cbstats.models.result import BayesResult

CASES = {
    "cumulative": "y ~ x + mo(f) + (1 | g) + mm(sa, sb)",
    "bernoulli": "yb ~ x + c + mo(f) + (1 + x | g) + mm(sa, sb)",
    "binomial": "k | trials(n) ~ x + mo(f) + (1 | g) + (1 | mm(sa, sb))",
}


def _data(n=60, seed=1):
    rng = np.random.default_rng(seed)
    states = ["s1", "s2", "s3", "s4", "s5"]
    sa = rng.choice(states, n)
    sb = np.array([rng.choice([s for s in states if s != a]) for a in sa])
    df = pd.DataFrame({
        "case": [f"c{i:02d}" for i in range(n)],
        "x": rng.normal(size=n),
        "c": rng.choice(["a", "b"], n),
        "f": rng.integers(0, 4, n),
        "g": rng.choice(["g1", "g2", "g3", "g4"], n),
        "sa": sa, "sb": sb,
        "y": rng.integers(0, 4, n),
        "yb": rng.integers(0, 2, n),
        "n": rng.integers(1, 9, n),
    })
    return df.assign(k=np.minimum(df.n, rng.integers(0, 9, n)))


def _fixed_draws_result(family, draws=400, seed=5):
    """A result whose 'posterior' is a set of prior draws of its own model, plus the model."""
    df = _data()
    formula = CASES[family]
    design = build_design(parse_formula(formula), df, family, id_col="case")
    model = build_model(design, resolve_priors(design))
    with model:
        prior = pm.sample_prior_predictive(draws=draws, random_seed=seed).prior
    if "cutpoints_centered" in prior:  # forward sampling ignores the ordered transform
        prior["cutpoints_centered"].values = np.sort(prior["cutpoints_centered"].values, axis=-1)
    idata = az.InferenceData(posterior=prior)
    pm.compute_log_likelihood(idata, model=model, progressbar=False)
    result = BayesResult(idata=idata, design=design, priors={}, formula=formula, family=family,
                         seed=seed, sampler="prior", data_hash=f"agreement-{family}-{seed}",
                         versions={}, fit_options={"id_col": "case", "centered": None})
    return result, model, df


@pytest.fixture(scope="module", params=list(CASES))
def fixed(request):
    return _fixed_draws_result(request.param)


def _observed_logp(result, df, p):
    """Log-probability of each observed outcome from predicted means (S, N[, K])."""
    d = result.design
    if result.family == "cumulative":
        return np.log(np.take_along_axis(p, np.broadcast_to(d.y[None, :, None],
                                                            p.shape[:2] + (1,)), axis=2)[..., 0])
    if result.family == "bernoulli":
        return stats.bernoulli.logpmf(d.y[None, :], p)
    return stats.binom.logpmf(df["k"].to_numpy()[None, :], df["n"].to_numpy()[None, :], p)


def test_predict_mean_gives_the_graph_log_likelihood(fixed):
    result, _, df = fixed
    response = result.response
    graph_ll = result.idata.log_likelihood[response].values.reshape(-1, len(df))
    assert np.all(np.isfinite(graph_ll))
    p = result.predict(df, kind="mean").values  # through Design.new_arrays, as for new data
    p = p.reshape((-1,) + p.shape[2:])
    np.testing.assert_allclose(_observed_logp(result, df, p), graph_ll, rtol=1e-6, atol=1e-9)
    # rows in another order and a subset: the same numbers for the same cases
    pick = np.random.default_rng(0).permutation(len(df))[:17]
    sub = result.predict(df.iloc[pick], kind="mean").values
    np.testing.assert_allclose(sub.reshape((-1,) + sub.shape[2:]), p[:, pick], rtol=1e-12)


def test_kfold_heldout_loglik_is_the_graph_log_likelihood(fixed):
    result, _, df = fixed
    graph_ll = result.idata.log_likelihood[result.response].values.reshape(-1, len(df))
    heldout = np.array([3, 0, 41, 17, 59, 8])
    got = heldout_loglik(graph_functions(result), result.design, result.posterior, heldout)
    np.testing.assert_allclose(got, graph_ll[:, heldout], rtol=1e-10, atol=1e-12)


def _indicators(y, result):
    """Outcome indicators per category (cumulative) or the outcome itself: (S, N, C)."""
    if result.family == "cumulative":
        levels = np.asarray(result.design.response_levels)
        return (np.asarray(y)[..., None] == levels).astype(float)
    return np.asarray(y, dtype=float)[..., None]


def test_posterior_predictive_draws_match_pymc(fixed):
    result, model, df = fixed
    S = result.posterior.sizes["chain"] * result.posterior.sizes["draw"]
    mean = result.predict(df, kind="mean").values.reshape(S, len(df), -1)
    if result.family == "binomial":
        mean = mean * df["n"].to_numpy()[None, :, None]
    expected = mean.mean(axis=0)  # (N, C): E[y] over the draws
    ours = _indicators(result.predict(df, kind="pps", seed=3).values.reshape(S, len(df)), result)
    with model:
        pp = pm.sample_posterior_predictive(result.idata, random_seed=4, progressbar=False)
    theirs = _indicators(pp.posterior_predictive[result.response].values.reshape(S, len(df)),
                         result)
    for draws in (ours, theirs):
        sd = draws.std(axis=0) / np.sqrt(S) + 1e-3
        z = (draws.mean(axis=0) - expected) / sd
        assert np.max(np.abs(z)) < 5.0, np.max(np.abs(z))
    if result.family == "cumulative":  # labels decoded to the response levels
        labels = result.predict(df.head(3), kind="pps", seed=1).values
        assert set(np.unique(labels)) <= set(result.design.response_levels)
