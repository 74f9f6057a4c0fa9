"""Plumbing: formula parsing, design matrices, priors and input errors (no sampling)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cbstats.models.design import (
    ObservationLevelEffectWarning,
    UnobservedLevelWarning,
    WeakIdentificationWarning,
    build_design,
)
from cbstats.models.formula import parse_formula
from cbstats.models.priors import parse_prior, resolve_priors
from cbstats.ordinal import ordered

GRID = [0.0, 0.33, 0.67, 1.0]


def test_parse_special_terms():
    s = parse_formula(
        "y ~ x1*C(c) + mo(forum) + (1 | region/dyad) + (1 + x1 | arr) + mm(state_a, state_b)"
    )
    assert s.response == "y" and s.trials is None
    assert s.population == "x1*C(c)"
    assert [m.var for m in s.mono] == ["forum"]
    names = [g.name for g in s.groups]
    assert names == ["region", "region:dyad", "arr", "state"]
    assert s.groups[2].slopes == ("x1",) and s.groups[2].intercept
    assert s.groups[3].mm and s.groups[3].factors == ("state_a", "state_b")
    assert parse_formula("y ~ (1 | mm(a, b))").groups[0].mm


def test_parse_binomial_lhs_and_errors():
    s = parse_formula("k | trials(n) ~ x")
    assert (s.response, s.trials) == ("k", "n")
    for bad in [
        "y x",
        "~ x",
        "y ~ ",
        "y ~ (1 | g",
        "y ~ (1 || g)",
        "y ~ (1 | g) + (x | g)",
        "y ~ mo(x):z",
        "y ~ mo(x, z)",
        "y ~ (log(x) | g)",
        "k | n ~ x",
    ]:
        with pytest.raises(ValueError):
            parse_formula(bad)


def test_design_arrays_levels_and_no_mutation(cbm_like):
    df = cbm_like
    before = df.copy()
    spec = parse_formula(
        "transformation ~ n_interaction + mo(forum) + (1 | region/dyad_id) + mm(state_a, state_b)"
    )
    d = build_design(spec, df, "cumulative", id_col="case_id")
    pd.testing.assert_frame_equal(df, before)
    assert d.terms == ["n_interaction"]
    assert d.coef_names == ["n_interaction", "mo(forum)"]
    np.testing.assert_allclose(d.X_mean, [df.n_interaction.mean()])
    assert d.mono[0].levels == [0.0, 0.33, 0.67, 1.0]
    np.testing.assert_array_equal(d.mono[0].index, np.searchsorted([0, 0.33, 0.67, 1], df.forum))
    assert d.response_levels == [0, 1, 2, 3]
    g = {x.name: x for x in d.groups}
    assert g["region"].levels == sorted(df.region.unique())
    assert g["region:dyad_id"].levels[0].count(":") == 1
    assert g["state"].index.shape == (len(df), 2)
    assert list(d.obs_ids) == list(df.case_id)
    # integer-coded ordinal predictors and exact 1/3 grids declared with ordered() are accepted
    df2 = df.assign(forum=df.forum.cat.codes.astype(int))
    d2 = build_design(spec, df2, "cumulative")
    np.testing.assert_array_equal(d2.mono[0].index, d.mono[0].index)
    thirds = np.round(df.forum.astype(float) * 3) / 3
    df3 = df.assign(forum=ordered(thirds, [0, 1 / 3, 2 / 3, 1]))
    np.testing.assert_array_equal(build_design(spec, df3, "cumulative").mono[0].index, d.mono[0].index)
    with pytest.raises(ValueError, match=r"non-integer values .*cbstats\.ordered"):
        build_design(spec, df.assign(forum=thirds), "cumulative")


def test_categorical_and_interaction_names():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"y": rng.integers(0, 2, 30), "x": rng.normal(size=30),
                       "c": rng.choice(["a", "b", "c"], 30)})
    d = build_design(parse_formula("y ~ x * c"), df, "bernoulli")
    assert d.terms == ["x", "c[b]", "c[c]", "x:c[b]", "x:c[c]"]
    assert d.has_intercept and d.X.shape == (30, 5)


def test_new_data_new_levels(cbm_like):
    spec = parse_formula("institutionalized ~ n_interaction + mo(forum) + (1 | region)")
    d = build_design(spec, cbm_like, "bernoulli")
    new = cbm_like.head(3).assign(region=["Europe", "Antarctica", "Antarctica"])
    arr = d.new_arrays(new)
    L = len(d.groups[0].levels)
    assert arr["groups"][0].tolist() == [d.groups[0].levels.index("Europe"), L, L]
    assert arr["new_levels"]["region"] == ["Antarctica"]
    with pytest.raises(ValueError, match="forum"):
        d.new_arrays(new.assign(forum=0.5))


def test_unknown_columns_and_missing(cbm_like):
    with pytest.raises(ValueError, match="nope"):
        build_design(parse_formula("transformation ~ nope + (1 | region)"), cbm_like, "cumulative")
    with pytest.raises(ValueError, match="zz"):
        build_design(parse_formula("transformation ~ (1 | zz)"), cbm_like, "cumulative")
    df = cbm_like.copy()
    df.loc[[3, 7], "forum"] = np.nan
    spec = parse_formula("transformation ~ mo(forum)")
    with pytest.raises(ValueError, match=r"'forum' has 2 missing value\(s\) at rows \[3, 7\]"):
        build_design(spec, df, "cumulative")
    with pytest.warns(UserWarning, match="dropped 2 of 120"):
        d = build_design(spec, df, "cumulative", missing="drop")
    assert d.n_obs == 118 and d.n_dropped == 2
    assert df.forum.isna().sum() == 2  # caller's data untouched


def test_bad_responses(cbm_like):
    with pytest.raises(ValueError, match="0/1"):
        build_design(parse_formula("transformation ~ 1"), cbm_like, "bernoulli")
    with pytest.raises(ValueError, match="trials"):
        build_design(parse_formula("transformation ~ 1"), cbm_like, "binomial")
    with pytest.raises(ValueError, match="unknown family"):
        build_design(parse_formula("transformation ~ 1"), cbm_like, "poisson")


def test_priors_defaults_overrides_and_errors(cbm_like):
    spec = parse_formula("transformation ~ n_interaction + mo(forum) + (1 + n_interaction | region)")
    d = build_design(spec, cbm_like, "cumulative")
    p = resolve_priors(d)
    sd_x = cbm_like.n_interaction.std(ddof=0)
    assert p["b[n_interaction]"].params["sigma"] == pytest.approx(2.5 / sd_x)
    assert str(p["cutpoints"]) == "normal(0, 2.5)"
    assert str(p["sd[region]"]) == "halfnormal(1)" and str(p["cor[region]"]) == "lkj(2)"
    assert str(p["simplex[mo(forum)]"]) == "dirichlet(1)"
    p2 = resolve_priors(d, {"b": "normal(0, 1)", "b[mo(forum)]": "student_t(3, 0, 2)",
                            "sd[region]": {"dist": "exponential", "lam": 2}})
    assert str(p2["b[n_interaction]"]) == "normal(0, 1)"
    assert str(p2["b[mo(forum)]"]) == "student_t(3, 0, 2)"
    assert str(p2["sd[region]"]) == "exponential(2)"
    with pytest.raises(ValueError, match=r"unknown prior key\(s\) \['b\[fatigue\]'\]; allowed keys"):
        resolve_priors(d, {"b[fatigue]": "normal(0, 1)"})
    with pytest.raises(ValueError, match="intercept"):  # cumulative has cutpoints, not intercept
        resolve_priors(d, {"intercept": "normal(0, 1)"})
    with pytest.raises(ValueError, match="not valid for class 'sd'"):
        resolve_priors(d, {"sd": "normal(0, 1)"})
    with pytest.raises(ValueError):
        parse_prior("normal(0)")
    with pytest.raises(ValueError):
        parse_prior("gamma(1, 1)")


def test_unobserved_mo_level_warns_and_names_the_level():
    """An empty level of the 0/0.33/0.67/1 grid is reported; fully observed scales are not."""
    df = pd.DataFrame({"y": [0, 1, 2, 1, 0, 2],
                       "x": ordered([0.33, 0.67, 1.0, 0.67, 0.33, 1.0], GRID),
                       "full": ordered([0.0, 0.33, 0.67, 1.0, 0.0, 1.0], GRID)})
    with pytest.warns(UnobservedLevelWarning, match=r"mo\(x\): level\(s\) \[0\.0\]") as rec:
        d = build_design(parse_formula("y ~ mo(x) + mo(full)"), df, "cumulative")
    assert len(rec) == 1  # mo(full) uses all four levels
    assert d.mono[0].levels == [0.0, 0.33, 0.67, 1.0]  # the scale itself is kept
    inner = pd.DataFrame({"y": [0, 1, 2, 1], "k": [0, 1, 3, 3]})
    with pytest.warns(UnobservedLevelWarning, match=r"level\(s\) \[2\]"):
        build_design(parse_formula("y ~ mo(k)"), inner, "cumulative")
    labelled = pd.DataFrame({"y": [0, 1, 2, 1], "k": pd.Categorical(
        ["lo", "mid", "mid", "lo"], categories=["lo", "mid"], ordered=True)})
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnobservedLevelWarning)
        build_design(parse_formula("y ~ mo(k)"), labelled, "cumulative")


def test_observation_level_group_term_warns_for_single_outcome_families():
    """(1 | g) with one row per level: warned for bernoulli/cumulative, not for binomial trials."""
    df = pd.DataFrame({"y": [0, 1, 1, 0, 1, 0], "n": [3] * 6, "case": list("abcdef"),
                       "pair": list("aabbcc"), "x": np.arange(6.0)})
    for family in ("bernoulli", "cumulative"):
        with pytest.warns(ObservationLevelEffectWarning, match=r"\(\.\.\. \| case\): each of its 6"):
            build_design(parse_formula("y ~ x + (1 | case) + (1 | pair)"), df, family)
    assert issubclass(ObservationLevelEffectWarning, WeakIdentificationWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeakIdentificationWarning)
        build_design(parse_formula("y ~ x + (1 | pair)"), df, "bernoulli")  # 2 rows per level
        build_design(parse_formula("y | trials(n) ~ x + (1 | case)"), df, "binomial")
    with pytest.warns(ObservationLevelEffectWarning):  # one trial per row is a binary outcome
        build_design(parse_formula("y | trials(n) ~ x + (1 | case)"), df.assign(n=1), "binomial")


def test_rebuild_model_uses_the_results_priors_and_options(cbm_like):
    """The model rebuilt from a result (log prior, k-fold) is the one that was sampled."""
    from types import SimpleNamespace

    from cbstats.models.builder import build_model, rebuild_model

    spec = parse_formula("institutionalized ~ n_interaction + mo(forum) + (1 | region)")
    d = build_design(spec, cbm_like, "bernoulli")
    overrides = {"b": "normal(0, 0.1)", "sd": "exponential(2)"}
    result = SimpleNamespace(design=d, priors_input=overrides, fit_options={"centered": True})
    rebuilt = rebuild_model(result)
    sampled = build_model(d, resolve_priors(d, overrides), True)
    default = build_model(d, resolve_priors(d), True)
    assert [v.name for v in rebuilt.free_RVs] == [v.name for v in sampled.free_RVs]
    point = sampled.initial_point()
    point = {k: v + 0.3 for k, v in point.items()}
    assert rebuilt.compile_logp()(point) == pytest.approx(sampled.compile_logp()(point))
    assert rebuilt.compile_logp()(point) != pytest.approx(default.compile_logp()(point))


def test_weak_identification_is_recorded_and_points_at_the_caller():
    """Messages are kept on the design; warnings point at the user's call, or are off."""
    from cbstats.models import sample_prior_predictive

    df = pd.DataFrame({"y": [0, 1, 2, 1, 0, 2], "x": ordered([0.33, 0.67, 1.0, 0.67, 0.33, 1.0], GRID)})
    spec = parse_formula("y ~ mo(x)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeakIdentificationWarning)
        d = build_design(spec, df, "cumulative", warn_stacklevel=None)  # as load_result does
    assert len(d.weak_identification) == 1 and d.weak_identification[0].startswith("mo(x)")
    with pytest.warns(UnobservedLevelWarning) as rec:
        sample_prior_predictive("y ~ mo(x)", df, family="cumulative", draws=5, seed=1)
    assert [w.filename for w in rec if w.category is UnobservedLevelWarning] == [__file__]
