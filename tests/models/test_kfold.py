"""K-FOLD: one procedure, the full fit's settings in every fold, failed folds marked,
cumulative held-out elpd equal to a direct scipy computation, compare() checks ids first."""

from __future__ import annotations

import pickle
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from models_sim import simulate_ordinal
from scipy.special import expit, logsumexp

from cbstats.models import compare, fit, sampling
from cbstats.models.builder import build_model
from cbstats.models.design import build_design
from cbstats.models.elpd import ELPDResult
from cbstats.models.formula import parse_formula
from cbstats.models.kfold import FoldResult, combine_folds, kfold, kfold_tasks
from cbstats.models.priors import resolve_priors
from cbstats.models.result import BayesResult


def _ordinal_data(n=40, seed=8):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "case": [f"k{i:02d}" for i in range(n)],
        "x": rng.normal(size=n),
        "f": np.resize([0, 1, 2, 3], n),
        "g": rng.choice(["g1", "g2", "g3", "g4"], n),
    })
    mono = 3 * np.concatenate([[0.0], np.cumsum([0.5, 0.2, 0.3])])[df.f]
    r = {"g1": 0.4, "g2": -0.3, "g3": 0.0, "g4": -0.1}
    eta = 0.8 * df.x.to_numpy() + 0.4 * mono + df.g.map(r).to_numpy()
    return df.assign(y=simulate_ordinal(rng, eta, [-0.5, 0.8, 2.0]))


def _fake_result(df, formula, family, **options):
    design = build_design(parse_formula(formula), df, family, id_col="case")
    opts = {"draws": 300, "tune": 200, "chains": 3, "sampler": "nutpie", "target_accept": 0.95,
            "centered": True, "id_col": "case", "missing": "raise", "n_dropped": 0, **options}
    return SimpleNamespace(design=design, fit_options=opts, seed=5, sampler="nutpie",
                           formula=formula, family=family, priors_input={"b": "normal(0, 1)"})


def test_fold_tasks_reuse_the_full_fits_model_and_sampler_settings():
    df = _ordinal_data()
    formula = "y ~ x + mo(f) + (1 | g)"
    result = _fake_result(df, formula, "cumulative")
    tasks = kfold_tasks(result, folds=4, seed=2)
    held = np.concatenate([t.heldout for t in tasks])
    assert sorted(held.tolist()) == list(range(len(df)))  # every row held out exactly once
    assert {len(t.heldout) for t in tasks} == {10}
    for t in tasks:
        assert t.sampler == {"sampler": "nutpie", "draws": 300, "tune": 200, "chains": 3,
                             "target_accept": 0.95}
        assert t.recipe.priors_input == {"b": "normal(0, 1)"} and t.recipe.centered is True
    assert len({t.seed for t in tasks}) == 4 and len({t.key for t in tasks}) == 1
    assert kfold_tasks(result, folds=4, seed=2, draws=50)[0].sampler["draws"] == 50
    assert kfold_tasks(result, folds=4, seed=2, draws=50)[0].sampler["target_accept"] == 0.95
    same = kfold_tasks(result, folds=4, seed=2)
    assert [t.heldout.tolist() for t in same] == [t.heldout.tolist() for t in tasks]
    # the fold model is the full fit's model: same priors, centring and parameters
    design, graph, _ = pickle.loads(pickle.dumps(tasks[0])).recipe.build()
    full = build_model(result.design, resolve_priors(result.design, {"b": "normal(0, 1)"}), True)
    assert [v.name for v in graph.model.free_RVs] == [v.name for v in full.free_RVs]
    point = {k: v + 0.2 for k, v in full.initial_point().items()}
    point["cutpoints_centered_ordered__"] = np.array([-0.4, 0.1, -0.3])
    assert graph.model.compile_logp()(point) == pytest.approx(full.compile_logp()(point), rel=1e-12)


def _fold(fold, heldout, loglik, passed=True, error=None, failing=()):
    diag = None if error else pd.DataFrame({"check": ["r_hat", "ess_bulk"],
                                            "passed": [c not in failing for c in
                                                       ("r_hat", "ess_bulk")]})
    return FoldResult(fold, np.asarray(heldout), loglik, diag, passed, error, "nutpie", 1.0)


def test_heldout_density_is_the_log_of_the_mean_likelihood_and_failed_folds_are_marked():
    d = SimpleNamespace(n_obs=5, obs_ids=np.array(list("abcde")))
    result = SimpleNamespace(design=d)
    rng = np.random.default_rng(1)
    ll0, ll1 = rng.normal(-1, 1.5, size=(50, 3)), rng.normal(-2, 2.0, size=(50, 2))
    outs = [_fold(1, [1, 4], ll1, passed=False, failing=("ess_bulk",)), _fold(0, [0, 2, 3], ll0)]
    with pytest.warns(UserWarning, match=r"1 of 2 fold fit\(s\) failed: fold 1: diagnostics"):
        e = combine_folds(result, outs)
    want = np.empty(5)
    want[[0, 2, 3]] = np.log(np.mean(np.exp(ll0), axis=0))
    want[[1, 4]] = np.log(np.mean(np.exp(ll1), axis=0))
    np.testing.assert_allclose(e.pointwise, want, rtol=1e-12)
    assert e.elpd == pytest.approx(want.sum()) and e.method == "kfold" and e.folds == 2
    table = e.fold_table.set_index("fold")
    assert table.loc[1, "passed"] == False and table.loc[1, "failing_checks"] == "ess_bulk"  # noqa: E712
    assert e.n_failed_folds == 1 and e.to_frame()["n_failed_folds"].iloc[0] == 1
    # a fold whose sampling failed: marked, its rows and the total are NaN, never dropped
    broken = [_fold(0, [0, 2, 3], ll0), _fold(1, [1, 4], None, False, "RuntimeError: boom")]
    with pytest.warns(UserWarning, match="fold 1: sampling failed"):
        e = combine_folds(result, broken)
    assert np.isnan(e.elpd) and np.isnan(e.pointwise[[1, 4]]).all()
    assert e.fold_table.set_index("fold").loc[1, "error"] == "RuntimeError: boom"
    with pytest.raises(ValueError, match="not held out exactly once"):
        combine_folds(result, [_fold(0, [0, 2, 3], ll0)])


@pytest.mark.slow
def test_cumulative_kfold_elpd_matches_a_direct_computation(monkeypatch):
    """Held-out elpd recomputed with scipy from each fold's own posterior draws."""
    df = _ordinal_data()
    result = fit("y ~ x + mo(f) + (1 | g)", df, "cumulative", draws=150, tune=150, chains=2,
                 seed=3, progressbar=False, check=False, id_col="case", target_accept=0.9)
    captured = {}
    real = sampling.sample_model

    def spy(model, **kw):
        idata, used = real(model, **kw)
        captured[kw["seed"]] = (idata, kw)
        return idata, used

    monkeypatch.setattr(sampling, "sample_model", spy)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        out = kfold(result, folds=2, seed=11)
    tasks = kfold_tasks(result, folds=2, seed=11)
    assert len(captured) == 2
    want = np.full(len(df), np.nan)
    for task in tasks:
        idata, kw = captured[task.seed]
        assert (kw["target_accept"], kw["draws"], kw["tune"], kw["chains"]) == (0.9, 150, 150, 2)
        post = idata.posterior.stack(s=("chain", "draw"))
        b = post["b"].transpose("s", "term").values
        zeta = post["simplex_f"].transpose("s", ...).values
        cuts = post["cutpoints"].transpose("s", "cutpoint").values
        r = post["r_g"].transpose("s", "g")
        gidx = [list(r["g"].values).index(v) for v in df.g]
        mono = 3 * np.concatenate([np.zeros((len(b), 1)), np.cumsum(zeta, axis=1)], axis=1)
        eta = b[:, [0]] * df.x.to_numpy() + b[:, [1]] * mono[:, df.f] + r.values[:, gidx]
        cdf = np.concatenate([np.zeros(eta.shape + (1,)), expit(cuts[:, None, :] - eta[..., None]),
                              np.ones(eta.shape + (1,))], axis=-1)
        y = df.y.to_numpy()
        p = np.take_along_axis(cdf, (y + 1)[None, :, None].repeat(len(b), 0), -1)[..., 0] \
            - np.take_along_axis(cdf, y[None, :, None].repeat(len(b), 0), -1)[..., 0]
        lpd = logsumexp(np.log(p), axis=0) - np.log(len(b))
        want[task.heldout] = lpd[task.heldout]
    np.testing.assert_allclose(out.pointwise, want, rtol=1e-8)
    assert out.elpd == pytest.approx(want.sum(), rel=1e-10)
    assert list(out.fold_table["n_heldout"]) == [20, 20]
    assert out.settings["target_accept"] == 0.9
    # held out means held out: the in-sample lpd of the full fit is higher
    ll = result.idata.log_likelihood["y"].values.reshape(-1, len(df))
    assert out.elpd < float(np.sum(logsumexp(ll, axis=0) - np.log(ll.shape[0])))


def test_compare_checks_observation_ids_before_any_refit():
    def result_with(ids):
        r = BayesResult(idata=None, design=SimpleNamespace(obs_ids=np.asarray(ids), n_obs=len(ids)),
                        priors={}, formula="y ~ x", family="bernoulli", seed=1, sampler="nutpie",
                        data_hash="", versions={})
        r.loo = lambda **kw: pytest.fail("compare() ran LOO before checking the observations")
        return r

    a = result_with(["c1", "c2", "c3", "c4"])
    b = result_with(["c1", "c2", "c4"])
    e = ELPDResult("psis-loo", -3.0, 1.0, 1.0, np.full(4, -0.75), None, 0,
                   obs_ids=np.array(["c1", "c2", "c3", "c5"]))
    with pytest.raises(ValueError, match=r"'small' has 3 rows, 'full' has 4 \(1 id\(s\) only in "
                                         r"'full', e.g. \['c3'\]\)"):
        compare({"full": a, "small": b}, folds=2)
    with pytest.raises(ValueError, match=r"'other' has 4 rows, 'full' has 4 \(1 id\(s\) only in "
                                         r"'full', e.g. \['c4'\]; 1 id\(s\) only in 'other'"):
        compare({"full": a, "other": e})
