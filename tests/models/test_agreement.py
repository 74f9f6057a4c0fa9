"""AGREEMENT: with weak priors and a few thousand rows, posterior means match statsmodels MLE."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from models_sim import simulate_ordinal
from scipy.special import expit
from statsmodels.discrete.discrete_model import Logit
from statsmodels.miscmodels.ordinal_model import OrderedModel

from cbstats.models import fit

pytestmark = pytest.mark.slow
WEAK = {"b": "normal(0, 10)"}


def _data(n=3000, seed=5):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(2, 1.5, n),
                       "c": rng.choice(["a", "b", "c"], n)})
    return df, rng


def _check(post, mle, se):
    # Monte Carlo error ~ se/sqrt(ESS) and prior shrinkage are both far below 0.25 se
    np.testing.assert_allclose(post, mle, atol=0.25 * se.max() + 0.01)


def test_cumulative_agrees_with_ordered_model():
    df, rng = _data()
    eta = 0.8 * df.x1 - 0.5 * df.x2 + 0.6 * (df.c == "b") - 0.3 * (df.c == "c")
    df["y"] = simulate_ordinal(rng, eta.to_numpy(), [-2.0, -0.5, 0.5, 1.5])
    res = fit("y ~ x1 + x2 + c", df, "cumulative", priors={**WEAK, "cutpoints": "normal(0, 10)"},
              draws=500, tune=500, chains=2, seed=1, progressbar=False)
    exog = pd.DataFrame({"x1": df.x1, "x2": df.x2, "c_b": (df.c == "b") * 1.0,
                         "c_c": (df.c == "c") * 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mle = OrderedModel(df.y.to_numpy(), exog, distr="logit").fit(method="bfgs", disp=False)
    params = np.asarray(mle.params)
    b_mle, th = params[:4], params[4:]
    cuts_mle = np.cumsum(np.concatenate([[th[0]], np.exp(th[1:])]))  # exp-increment thresholds
    s = res.summary().set_index("term")
    _check(s.loc[["x1", "x2", "c[b]", "c[c]"], "estimate"].to_numpy(), b_mle,
           np.asarray(mle.bse)[:4])
    cut_terms = [f"cutpoint[{a}|{a + 1}]" for a in range(4)]
    np.testing.assert_allclose(s.loc[cut_terms, "estimate"].to_numpy(), cuts_mle, atol=0.06)
    np.testing.assert_allclose(s.loc[["x1", "x2"], "std_error"], np.asarray(mle.bse)[:2], rtol=0.2)


def test_bernoulli_agrees_with_logit():
    df, rng = _data(seed=6)
    eta = -0.4 + 0.9 * df.x1 + 0.3 * df.x2 - 0.7 * (df.c == "c")
    df["y"] = (rng.uniform(size=len(df)) < expit(eta)).astype(int)
    res = fit("y ~ x1 + x2 + c", df, "bernoulli", priors={**WEAK, "intercept": "normal(0, 10)"},
              draws=500, tune=500, chains=2, seed=2, progressbar=False)
    X = np.column_stack([np.ones(len(df)), df.x1, df.x2, df.c == "b", df.c == "c"]).astype(float)
    mle = Logit(df.y.to_numpy(), X).fit(disp=False)
    s = res.summary().set_index("term")
    post = s.loc[["Intercept", "x1", "x2", "c[b]", "c[c]"], "estimate"].to_numpy()
    _check(post, np.asarray(mle.params), np.asarray(mle.bse))
    assert set(s["method"]) == {"bayes"}
