"""Permutation test: small p for a planted relation, about uniform p under the null."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cbstats import sets
from cbstats.sets.permutation import permutation_test


def _planted(n: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, n)
    y = np.clip(x + rng.uniform(0, 0.3, n), 0, 1)  # X is a subset of Y: X sufficient, Y necessary... for X
    z = rng.uniform(0, 1, n)  # unrelated
    return pd.DataFrame({"X": x, "Z": z, "Y": y}, index=[f"c{i}" for i in range(n)])


def test_planted_sufficiency_has_small_p_and_unrelated_condition_does_not():
    data = _planted()
    res = permutation_test(data, "Y", ["X", "Z"], relation="sufficiency", n_permutations=999, seed=1)
    assert res.table.loc["X", "inclS"] == pytest.approx(sets.sufficiency_fit(data["X"], data["Y"])["inclS"])
    assert res.table.loc["X", "p_value"] <= 0.002
    assert res.table.loc["Z", "p_value"] > 0.05
    assert res.table.loc["X", "p_adjusted"] >= res.table.loc["X", "p_value"]


def test_planted_necessity_has_small_p():
    data = _planted(seed=3)
    res = permutation_test(data, "X", ["Y"], relation="necessity", n_permutations=999, seed=2)
    assert res.table.loc["Y", "inclN"] == pytest.approx(sets.necessity_fit(data["Y"], data["X"])["inclN"])
    assert res.table.loc["Y", "p_value"] <= 0.002


def test_p_values_are_about_uniform_under_the_null():
    rng = np.random.default_rng(11)
    ps = []
    for i in range(200):
        data = pd.DataFrame({"X": rng.uniform(size=15), "Y": rng.uniform(size=15)})
        ps.append(permutation_test(data, "Y", ["X"], n_permutations=199, seed=i).table["p_value"].iloc[0])
    ps = np.array(ps)
    assert 0.015 <= (ps <= 0.05).mean() <= 0.10
    assert 0.40 <= (ps <= 0.5).mean() <= 0.60
    assert stats.kstest(ps, "uniform").pvalue > 0.01


def test_monte_carlo_p_agrees_with_exact_enumeration():
    data = pd.DataFrame({"X": [0.9, 0.8, 0.2, 0.1, 0.6, 0.3], "Y": [1.0, 0.7, 0.4, 0.0, 0.9, 0.2]})
    x, y = data["X"].to_numpy(), data["Y"].to_numpy()
    obs = np.minimum(x, y).sum() / x.sum()
    exact = np.mean([np.minimum(x, y[list(p)]).sum() / x.sum() >= obs - 1e-12
                     for p in itertools.permutations(range(6))])
    res = permutation_test(data, "Y", ["X"], n_permutations=20000, seed=4)
    assert res.table["p_value"].iloc[0] == pytest.approx(exact, abs=0.01)


def test_negated_outcome_and_expressions_and_bad_input():
    data = _planted()
    res = permutation_test(data, "~Y", ["~X", "X*Z"], n_permutations=50, seed=0)
    assert list(res.table.index) == ["~X", "X*Z"]
    assert res.null.shape == (50, 2)
    with pytest.raises(sets.SetsInputError, match="relation="):
        permutation_test(data, "Y", ["X"], relation="causal")
    with pytest.raises(sets.SetsInputError, match="'W' is not in the data"):
        permutation_test(data, "W", ["X"])
    same = permutation_test(data, "~Y", ["~X", "X*Z"], n_permutations=50, seed=0)
    pd.testing.assert_frame_equal(res.table, same.table)
