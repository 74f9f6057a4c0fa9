"""Checks before sampling, unknown group levels in predict(), warnings at the user's line."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cbstats.models.api as api
from cbstats.models import fit, sample_prior_predictive
from cbstats.models.design import build_design
from cbstats.models.formula import parse_formula
from cbstats.models.newlevels import check_new_levels, nearest_levels, unknown_levels
from cbstats.models.priors import Prior, parse_prior


def _data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"case_id": [f"c{i}" for i in range(n)], "x": rng.normal(size=n),
                         "k": rng.integers(0, 3, n), "g": rng.choice(["a", "b", "c"], n),
                         "y": rng.integers(0, 2, n)})


def _problems(formula, data, family="bernoulli", priors=None, **kw):
    with pytest.raises(ValueError, match="problem\\(s\\) found before sampling") as err:
        fit(formula, data, family, priors=priors, id_col="case_id", **kw)
    return str(err.value)


@pytest.fixture
def no_model(monkeypatch):
    """Fail loudly if a design or model would be built: the checks must come first."""
    def boom(*a, **k):
        raise AssertionError("built a design/model before the checks")
    monkeypatch.setattr(api, "build_design", boom)
    monkeypatch.setattr(api, "build_model", boom)


def test_every_problem_at_once_before_any_compilation(no_model):
    df = _data()
    df.loc[3, "x"] = np.inf
    df["t"] = df["k"].astype(str)  # numbers stored as text
    df["y"] = 1  # constant outcome
    df["one"] = "only"  # a grouping factor with one level
    msg = _problems("y ~ x + t + (1 | one)", df,
                    priors={"b": "normal(0, -1)", "sd": 5, "intercept": {"dist": "normal", "mu": 0,
                                                                        "sigma": "2"}})
    assert msg.startswith("7 problem(s)")
    assert "predictor 'x': infinite value(s) [inf] at case ids [c3]" in msg
    assert "predictor 't': numbers stored as str (e.g. '" in msg and "pd.to_numeric" in msg
    assert "outcome 'y': the same value 1 in all 30 rows" in msg
    assert "grouping factor 'one': a single level 'only'" in msg
    assert "prior 'b': parameter 'sigma' of normal() is -1.0; it is a scale" in msg
    assert "prior 'sd' = 5 (int) is not a prior" in msg
    assert "prior 'intercept': parameter 'sigma' of normal() is '2' (str); expected a number" in msg


@pytest.mark.parametrize(("change", "formula", "expected"), [
    (lambda d: d.assign(x=d.x.astype(object).where(d.index != 2, "n/a")), "y ~ x",
     "predictor 'x': numbers mixed with text ('n/a') at case ids [c2]"),
    (lambda d: d.assign(x=d.x.where(d.index != 0, -np.inf)), "y ~ (1 + x | g)",
     "predictor 'x': infinite value(s) [-inf] at case ids [c0]"),
    (lambda d: d.assign(k=d.k * 0.5), "y ~ mo(k)", "mo(k): column 'k' has non-integer values"),
    (lambda d: d.assign(y=0), "y ~ x", "outcome 'y': the same value 0"),
    (lambda d: d.assign(g="z"), "y ~ x + (1 | g)", "grouping factor 'g': a single level 'z'"),
])
def test_each_data_check(no_model, change, formula, expected):
    assert expected in _problems(formula, change(_data()))


def test_binomial_constant_outcome_and_fine_data_pass(no_model):
    df = _data().assign(n=5)
    assert "0 successes in all 30 rows" in _problems("y | trials(n) ~ x", df.assign(y=0), "binomial")
    assert "every trial a success" in _problems("y | trials(n) ~ x", df.assign(y=5), "binomial")
    with pytest.raises(AssertionError, match="built a design"):  # no problem: on to the design
        fit("y ~ x + C(k) + mo(k) + (1 | g)", _data(), "bernoulli")
    # text categories and C() of numbers stored as text are categorical predictors, not errors
    with pytest.raises(AssertionError, match="built a design"):
        fit("y ~ C(t) + g", _data().assign(t=lambda d: d.k.astype(str)), "bernoulli")


def test_prior_checks():
    for bad, expected in [
        (lambda: Prior("normal", mu=0, sigma=0), "'sigma' of normal() is 0; it is a scale"),
        (lambda: Prior("halfnormal", sigma="1"), "'sigma' of halfnormal() is '1' (str)"),
        (lambda: Prior("student_t", nu=-3, mu=0, sigma=1), "'nu' of student_t() is -3"),
        (lambda: Prior("normal", mu=np.nan, sigma=1), "expected a finite number"),
        (lambda: Prior("lkj", eta=True), "'eta' of lkj() is True (bool)"),
        (lambda: parse_prior("exponential(0)"), "'lam' of exponential() is 0.0"),
        (lambda: parse_prior("dirichlet(-1)"), "'alpha' of dirichlet() is -1.0"),
    ]:
        with pytest.raises(ValueError) as err:
            bad()
        assert expected in str(err.value)
    assert Prior("normal", mu=-3, sigma=0.5).params == {"mu": -3.0, "sigma": 0.5}  # locations may be < 0


def test_unknown_group_levels_are_an_error_unless_asked_for():
    df = _data().assign(region=lambda d: np.where(d.index % 2, "south_asia", "europe_east_west"))
    design = build_design(parse_formula("y ~ x + (1 | region) + (1 | g)"), df, "bernoulli")
    new = df.head(3).assign(region=["South Asia", "oceania", "south_asia"])
    assert unknown_levels(design, new) == {"region": ["South Asia", "oceania"]}
    assert nearest_levels("South Asia", ["europe_east_west", "south_asia"]) == ["south_asia"]
    with pytest.raises(ValueError) as err:
        check_new_levels(design, new, None)
    assert "region: 'South Asia' (nearest known: 'south_asia')" in str(err.value)
    assert "region: 'oceania'\n" in str(err.value) and "new_levels='sample'" in str(err.value)
    with pytest.warns(UserWarning, match="'South Asia' is close to 'south_asia'") as rec:
        check_new_levels(design, new, "sample")
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_new_levels(design, new.assign(region="oceania"), "sample")  # far from all: no warning
        check_new_levels(design, df, None)  # known levels: nothing to say
    with pytest.raises(ValueError, match="new_levels must be None or 'sample'"):
        check_new_levels(design, df, "zero")


def test_design_warnings_point_at_the_callers_line():
    df = pd.DataFrame({"case_id": list("abcdef"), "y": [0, 1, 2, 1, 0, 2],
                       "x": [0.0, 1.0, 3.0, np.nan, 1.0, 3.0]})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        sample_prior_predictive("y ~ mo(x)", df, family="cumulative", draws=5, seed=1,
                                id_col="case_id", missing="drop")
    messages = {str(w.message).split(" ")[0]: w for w in rec if w.filename == __file__}
    assert set(messages) >= {"dropped", "mo(x):"}, [(str(w.message), w.filename) for w in rec]
    assert str(messages["dropped"].message).endswith("[x (1)]: case ids d")
