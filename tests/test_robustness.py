"""Robustness helpers of the pipeline: PSIS leave-one-out influence and prior sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbstats import fit
from cbstats.pipeline.study_robustness import loo_influence, prior_sensitivity


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(7)
    n = 60
    data = pd.DataFrame({"case_id": [f"c{i}" for i in range(n)], "x": rng.normal(size=n),
                         "g": rng.choice(list("abcd"), n)})
    data["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.8 * data["x"])))).astype(int)
    data.loc[0, ["x", "y"]] = [4.0, 0]  # one surprising case: strongly positive x, outcome 0
    result = fit("y ~ x + (1 | g)", data, "bernoulli", draws=300, tune=300, chains=2, seed=5,
                 id_col="case_id", progressbar=False, check=False)
    return result, data


def test_loo_influence_is_a_reweighted_posterior_mean(fitted):
    result, _ = fitted
    table = loo_influence(result)
    b = result.idata.posterior["b"].values.reshape(-1)
    spread = (b.max() - b.min()) / b.std()
    # leave-one-out means are weighted means of the draws: shifts cannot exceed the draws' range
    assert table["max_abs_shift_sd"].between(0, spread).all()
    assert set(table["case_id"]) == {f"c{i}" for i in range(60)}
    # the surprising case moves the slope the most, towards a larger value when it is left out
    top = table.iloc[0]
    assert top["case_id"] == "c0" and top["shift_sd"] > 0


def test_prior_sensitivity_table(fitted):
    result, _ = fitted
    table = prior_sensitivity(result)
    assert set(table["priors_scaled"]) == {"all priors", "coefficient priors (b)",
                                           "group-level SD priors"}
    assert sorted(zip(table["parameter"], table["term"], strict=True)) == sorted(
        [("b", "x"), ("intercept", "intercept")] * 3)
    assert table[["prior_sensitivity", "likelihood_sensitivity"]].ge(0).all().all()
    assert set(table["diagnosis"]) <= {"prior-data conflict", "strong prior / weak likelihood",
                                       "no concern"}
