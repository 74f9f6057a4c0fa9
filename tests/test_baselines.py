"""Frequentist baselines: agreement with direct statsmodels fits, separation, notes, tidy columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from cbstats import fit_baseline
from cbstats.baselines import SUMMARY_COLUMNS, SeparationError
from cbstats.ordinal import ordered


@pytest.fixture(scope="module")
def sim() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    n = 1500
    df = pd.DataFrame({
        "x": rng.normal(size=n),
        "score": ordered(rng.choice([0, 0.33, 0.67, 1.0], size=n), [0, 0.33, 0.67, 1.0]),
        "region": rng.choice(list("abcdef"), size=n),
    })
    eta = 0.7 * df["x"] + 0.4 * df["score"].cat.codes
    df["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-(eta - 0.5)))).astype(int)
    df["o"] = np.digitize(eta + rng.logistic(size=n), [-0.5, 0.8, 2.0])
    df["trials"] = rng.integers(5, 15, size=n)
    df["succ"] = rng.binomial(df["trials"], 1 / (1 + np.exp(-(0.3 * df["x"] - 0.2))))
    return df


def test_logit_matches_statsmodels_and_maps_mo(sim):
    res = fit_baseline("y ~ x + mo(score) + (1 | region)", sim)
    X = sm.add_constant(pd.DataFrame({"x": sim["x"], "rank": np.rint(sim["score"].astype(float) * 3)}))
    ref = sm.Logit(sim["y"], X).fit(disp=False)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse.to_numpy(), rtol=1e-5)
    assert res.llf == pytest.approx(ref.llf)
    assert res.aic == pytest.approx(ref.aic)
    assert any("mo(score)" in n and "rank" in n for n in res.notes)
    assert any("(1 | region) dropped" in n for n in res.notes)
    table = res.summary(prob=0.9)
    assert list(table.columns) == SUMMARY_COLUMNS
    assert (table["method"] == "mle").all() and table["r_hat"].isna().all()
    row = table.set_index("term").loc["x"]
    assert row["lower"] == pytest.approx(ref.params["x"] - 1.6448536 * ref.bse["x"], rel=1e-5)


def test_cluster_robust_standard_errors(sim):
    res = fit_baseline("y ~ x", sim, cluster="region")
    X = sm.add_constant(sim[["x"]])
    codes = pd.factorize(sim["region"])[0]
    ref = sm.Logit(sim["y"], X).fit(disp=False, cov_type="cluster", cov_kwds={"groups": codes})
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse.to_numpy(), rtol=1e-6)
    assert res.cov_type == "cluster"


def test_group_fixed_effects(sim):
    res = fit_baseline("y ~ x + (1 | region)", sim, groups="fixed")
    assert sum(t.startswith("C(region)") for t in res.params.index) == 5
    assert any("fixed effects of region" in n for n in res.notes)


def test_ordinal_matches_statsmodels_thresholds(sim):
    res = fit_baseline("o ~ x + mo(score)", sim, family="cumulative")
    X = pd.DataFrame({"x": sim["x"], "rank": np.rint(sim["score"].astype(float) * 3)})
    ref = OrderedModel(sim["o"], X, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    thresholds = ref.model.transform_threshold_params(ref.params)[1:-1]
    np.testing.assert_allclose(res.params[["x", "mo(score)"]].to_numpy(), ref.params.iloc[:2], rtol=1e-4)
    np.testing.assert_allclose(res.params[["0|1", "1|2", "2|3"]].to_numpy(), thresholds, rtol=1e-4)
    # delta-method SE of the first threshold equals statsmodels' SE of the first raw parameter
    assert res.bse["0|1"] == pytest.approx(ref.bse.iloc[2], rel=1e-4)
    assert res.llf == pytest.approx(ref.llf)
    assert (res.param_class[["0|1", "1|2", "2|3"]] == "cutpoints").all()


def test_binomial_glm(sim):
    res = fit_baseline("succ | trials(trials) ~ x", sim, family="binomial")
    endog = np.column_stack([sim["succ"], sim["trials"] - sim["succ"]])
    ref = sm.GLM(endog, sm.add_constant(sim[["x"]]), family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-6)


def test_complete_separation_is_explained():
    df = pd.DataFrame({"y": [0, 0, 0, 0, 1, 1, 1, 1], "standing_body": [0, 0, 0, 0, 1, 1, 1, 1],
                       "w": [0.3, 1.2, -0.4, 2.0, 0.1, -1.0, 0.5, 1.1]})
    with pytest.raises(SeparationError) as info:
        fit_baseline("y ~ standing_body + w", df)
    message = str(info.value)
    assert "separation" in message and "standing_body" in message and "cbstats.fit" in message
    assert "On its own, standing_body already separates" in message
    assert info.value.report.separated


def test_quasi_complete_separation_in_one_ordinal_category():
    # every case with forum == 1 is in the top category; elsewhere outcomes overlap
    df = pd.DataFrame({"t": [0, 1, 2, 3, 0, 1, 2, 3, 3, 3, 3],
                       "forum": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
                       "w": [0.1, -0.3, 0.4, 0.2, -1.0, 1.3, 0.8, -0.2, 0.0, 0.6, -0.5]})
    with pytest.raises(SeparationError) as info:
        fit_baseline("t ~ forum + w", df, family="cumulative")
    message = str(info.value)
    assert "forum" in message and "'2' and below vs '3' and above" in message
    # warn instead of raise: the fit returns and records the warning
    with pytest.warns(UserWarning, match="Separation"):
        res = fit_baseline("t ~ forum + w", df, family="cumulative", on_separation="warn")
    assert any("separation" in n.lower() for n in res.notes)


def test_no_false_alarm_on_overlapping_data(sim):
    assert not fit_baseline("y ~ x + mo(score)", sim).separation.separated
    assert not fit_baseline("o ~ x", sim, family="cumulative").separation.separated


def test_bad_inputs(sim):
    with pytest.raises(ValueError, match="family"):
        fit_baseline("y ~ x", sim, family="poisson")
    with pytest.raises(ValueError, match="0/1"):
        fit_baseline("o ~ x", sim, family="bernoulli")
    with pytest.raises(ValueError, match="cluster"):
        fit_baseline("y ~ x", sim, cluster="nope")
    df = sim.copy()
    df.loc[3, "x"] = np.nan
    with pytest.raises(ValueError, match="missing values in x"):
        fit_baseline("y ~ x", df)
