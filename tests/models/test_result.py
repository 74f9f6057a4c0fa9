"""Result object: summary schema, dims, reproducibility, save/load, predict,
diagnostics of a bad fit, loo with k-fold fallback, compare, prior predictive,
sampler fallback. Small fits (plumbing); correctness evidence lives in the
log-density, agreement and recovery tests.
"""

from __future__ import annotations

import numpy as np
import pytest

import cbstats.models as cm
from cbstats.models import BayesResult, DiagnosticsError, compare, fit, load_result
from cbstats.models.result import SUMMARY_COLUMNS

FORMULA = "institutionalized ~ n_interaction + mo(forum) + (1 | region)"


@pytest.fixture(scope="module")
def small_fit(cbm_like):
    return fit(FORMULA, cbm_like, "bernoulli", draws=200, tune=300, chains=2, seed=7,
               progressbar=False, id_col="case_id", check=False)


def test_public_api():
    assert set(cm.__all__) == {"fit", "sample_prior_predictive", "compare", "load_result",
                               "BayesResult", "DiagnosticsError", "UnobservedLevelWarning",
                               "ObservationLevelEffectWarning", "WeakIdentificationWarning"}


def test_summary_schema_and_dims(small_fit, cbm_like):
    s = small_fit.summary(prob=0.9)
    assert list(s.columns) == SUMMARY_COLUMNS
    assert s["term"].tolist() == ["n_interaction", "mo(forum)", "Intercept", "sd(region)",
                                  "mo(forum)[0.33]", "mo(forum)[0.67]", "mo(forum)[1.0]"]
    assert (s["method"] == "bayes").all() and (s["prob"] == 0.9).all()
    assert (s["lower"] < s["estimate"]).all() and (s["estimate"] < s["upper"]).all()
    post = small_fit.posterior
    assert list(post["term"].values) == ["n_interaction", "mo(forum)"]
    assert sorted(post["region"].values) == sorted(cbm_like.region.unique())
    ll = small_fit.idata.log_likelihood["institutionalized"]
    assert ll.dims == ("chain", "draw", "obs")
    assert list(ll["obs"].values) == list(cbm_like.case_id)
    g = small_fit.summary(group_effects=True)
    assert (g["param_class"] == "r").sum() == cbm_like.region.nunique()
    assert small_fit.priors["b[n_interaction]"].startswith("normal(0, ")


def test_same_seed_same_draws(cbm_like):
    kw = dict(draws=50, tune=50, chains=2, progressbar=False, check=False)
    a = fit(FORMULA, cbm_like, "bernoulli", seed=11, **kw)
    b = fit(FORMULA, cbm_like, "bernoulli", seed=11, **kw)
    c = fit(FORMULA, cbm_like, "bernoulli", seed=12, **kw)
    np.testing.assert_array_equal(a.posterior["b"].values, b.posterior["b"].values)
    assert not np.array_equal(a.posterior["b"].values, c.posterior["b"].values)
    kw["sampler"] = "pymc"
    p1 = fit(FORMULA, cbm_like, "bernoulli", seed=11, **kw)
    p2 = fit(FORMULA, cbm_like, "bernoulli", seed=11, **kw)
    assert p1.sampler == "pymc"
    np.testing.assert_array_equal(p1.posterior["b"].values, p2.posterior["b"].values)


def test_nutpie_failure_falls_back_to_pymc(cbm_like, monkeypatch):
    import nutpie

    def boom(*a, **k):
        raise RuntimeError("simulated nutpie failure")

    monkeypatch.setattr(nutpie, "compile_pymc_model", boom)
    with pytest.warns(RuntimeWarning, match="falling back to PyMC"):
        r = fit(FORMULA, cbm_like.iloc[:60], "bernoulli", draws=30, tune=30, chains=1, seed=1,
                progressbar=False, check=False)
    assert r.sampler == "pymc"


def test_save_load_round_trip(small_fit, tmp_path, cbm_like):
    path = tmp_path / "fit.nc"
    small_fit.save(path)
    assert not list(tmp_path.glob("*.tmp"))
    r = load_result(path)
    assert isinstance(r, BayesResult)
    assert (r.formula, r.family, r.seed) == (small_fit.formula, "bernoulli", 7)
    assert r.data_hash == small_fit.data_hash and len(r.data_hash) == 64
    assert r.priors == small_fit.priors and r.versions["pymc"] == small_fit.versions["pymc"]
    np.testing.assert_array_equal(r.posterior["b"].values, small_fit.posterior["b"].values)
    new = cbm_like.head(5)
    np.testing.assert_allclose(r.predict(new).values, small_fit.predict(new).values)


def test_predict_new_group_level(small_fit, cbm_like):
    new = cbm_like.head(4).assign(region=["Europe", "Oceania", "Oceania", "Asia"])
    with pytest.raises(ValueError, match="not fitted on:\n  - region: 'Oceania'\n"):
        small_fit.predict(new, seed=1)  # unknown levels are new only when the user says so
    p = small_fit.predict(new, seed=1, new_levels="sample")
    assert p.dims == ("chain", "draw", "obs") and p.shape[2] == 4
    assert list(p["obs"].values) == list(new.case_id)
    assert np.all((p.values > 0) & (p.values < 1))
    # the new level varies more across draws than... but is shared by its rows
    same = p.sel(obs=new.case_id.iloc[1]) - p.sel(obs=new.case_id.iloc[2])
    assert np.all(np.isfinite(same.values))
    pps = small_fit.predict(new, kind="pps", seed=1, new_levels="sample")
    assert set(np.unique(pps.values)) <= {0, 1}
    pp = small_fit.posterior_predictive()
    assert "posterior_predictive" in small_fit.idata.groups() and pp.shape[2] == len(cbm_like)
    with pytest.raises(ValueError):
        small_fit.predict(new, kind="median")


def test_cumulative_predict_categories(cbm_like):
    r = fit("transformation ~ mo(forum) + n_interaction", cbm_like, "cumulative", draws=100,
            tune=200, chains=2, seed=3, progressbar=False, check=False)
    p = r.predict(cbm_like.head(3))
    assert p.dims == ("chain", "draw", "obs", "category")
    np.testing.assert_allclose(p.sum("category").values, 1.0)
    assert set(np.unique(r.predict(cbm_like.head(3), kind="pps", seed=2).values)) <= {0, 1, 2, 3}


def test_diagnostics_flag_bad_fit(cbm_like):
    with pytest.warns(UserWarning, match="MCMC diagnostics failed"):
        r = fit(FORMULA, cbm_like, "bernoulli", draws=20, tune=20, chains=1, seed=1,
                progressbar=False)
    table = r.diagnostics(warn=False)
    assert list(table.columns) == ["check", "threshold", "value", "passed", "n_failing", "failing"]
    assert not table.set_index("check").loc["ess_bulk", "passed"]
    assert "n_interaction" in table.set_index("check").loc["ess_bulk", "failing"]
    with pytest.raises(DiagnosticsError, match="ess_bulk"):
        r.diagnostics(strict=True)


def test_loo_kfold_fallback_and_compare(cbm_like):
    df = cbm_like.iloc[:60]
    kw = dict(draws=100, tune=200, chains=2, progressbar=False, check=False, sampler="pymc")
    r1 = fit("institutionalized ~ n_interaction + (1 | region)", df, "bernoulli", seed=1, **kw)
    r0 = fit("institutionalized ~ 1", df, "bernoulli", seed=2, **kw)
    psis = r1.loo(fallback=False)
    assert psis.method == "psis-loo" and psis.pareto_k.shape == (60,)
    with pytest.warns(UserWarning, match="exact 3-fold"):
        kf = r1.loo(pareto_k_threshold=-1.0, folds=3, draws=100)  # force the fallback
    assert kf.method == "kfold" and kf.folds == 3 and kf.pointwise.shape == (60,)
    assert np.all(kf.pointwise < 0) and abs(kf.elpd - psis.elpd) < 15
    table = compare({"full": kf, "null": r0.loo(fallback=False)})
    assert list(table.columns) == ["model", "elpd", "se", "elpd_diff", "se_diff", "p", "method",
                                   "n_high_pareto_k", "n_failed_folds"]
    assert list(kf.fold_table["fold"]) == [0, 1, 2] and kf.settings["sampler"] == "pymc"
    assert table["elpd_diff"].iloc[0] == 0 and table["elpd_diff"].iloc[1] <= 0


def test_prior_predictive(cbm_like):
    pp = cm.sample_prior_predictive("transformation ~ mo(forum) + (1 | region)", cbm_like,
                                    "cumulative", draws=40, seed=1)
    y = pp.prior_predictive["transformation"]
    assert y.sizes["obs"] == len(cbm_like) and set(np.unique(y.values)) <= {0, 1, 2, 3}
    assert "cutpoints" in pp.prior
    pp2 = cm.sample_prior_predictive("transformation ~ mo(forum) + (1 | region)", cbm_like,
                                     "cumulative", draws=40, seed=1)
    np.testing.assert_array_equal(y.values, pp2.prior_predictive["transformation"].values)
