"""Parameters of fit: hand-computed values and set-theoretic identities (seeded random data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbstats.sets import (
    SetsInputError,
    membership,
    necessity_fit,
    parameters_of_fit,
    parse_expression,
    sufficiency_fit,
)


def test_hand_computed_values():
    # X = (0.2, 0.8, 0.6), Y = (0.4, 0.6, 0.9)
    # min(X,Y) = (0.2, 0.6, 0.6): sum 1.4; sum X = 1.6; sum Y = 1.9
    # min(X,Y,1-Y) = (0.2, 0.4, 0.1): sum 0.7
    # inclS = 1.4/1.6 = 0.875; covS = 1.4/1.9; PRI = (1.4-0.7)/(1.6-0.7) = 0.7/0.9
    # RoN = sum(1-X)/sum(1-min(X,Y)) = (0.8+0.2+0.4)/(0.8+0.4+0.4) = 1.4/1.6
    x, y = [0.2, 0.8, 0.6], [0.4, 0.6, 0.9]
    s = sufficiency_fit(x, y)
    assert s["inclS"] == pytest.approx(0.875)
    assert s["covS"] == pytest.approx(1.4 / 1.9)
    assert s["PRI"] == pytest.approx(0.7 / 0.9)
    n = necessity_fit(x, y)
    assert n["inclN"] == pytest.approx(1.4 / 1.9)
    assert n["covN"] == pytest.approx(0.875)
    assert n["RoN"] == pytest.approx(1.4 / 1.6)


def test_membership_of_expressions():
    d = pd.DataFrame({"A": [0.2, 0.9], "B": [0.7, 0.4], "C": [0.1, 0.0]}, index=["u", "v"])
    # A*~B = min(A, 1-B) = (0.2, 0.6); + C -> max with C = (0.2, 0.6)
    np.testing.assert_allclose(membership(d, "A*~B + C"), [0.2, 0.6])
    np.testing.assert_allclose(membership(d, "~~A"), d["A"])
    assert parse_expression("A*~B + C") == ((("A", False), ("B", True)), (("C", False),))
    with pytest.raises(SetsInputError, match="not in the data"):
        membership(d, "A*D")
    with pytest.raises(SetsInputError, match="not a condition name"):
        parse_expression("A & B")


@pytest.mark.parametrize("seed", range(5))
def test_identities(seed):
    rng = np.random.default_rng(seed)
    n = 40
    x, y = rng.random(n), rng.random(n)
    s, nec = sufficiency_fit(x, y), necessity_fit(x, y)
    # sufficiency consistency of X -> Y is the necessity coverage of X for Y, and vice versa
    assert s["inclS"] == pytest.approx(nec["covN"])
    assert s["covS"] == pytest.approx(nec["inclN"])
    # X -> Y sufficiency equals Y <- X necessity with roles swapped: inclS(X,Y) = inclN(Y,X)
    assert s["inclS"] == pytest.approx(necessity_fit(y, x)["inclN"])
    # negation: sum min(1-X, 1-Y) = N - sum X - sum Y + sum min(X, Y)
    neg = sufficiency_fit(1 - x, 1 - y)["inclS"]
    expected = (n - x.sum() - y.sum() + np.minimum(x, y).sum()) / (n - x.sum())
    assert neg == pytest.approx(expected)
    # PRI <= inclS; all parameters in [0, 1]
    assert s["PRI"] <= s["inclS"] + 1e-12
    for v in [*s.values(), *nec.values()]:
        assert 0 <= v <= 1
    # a crisp subset is perfectly consistent: X' = min(X, Y) is a subset of Y
    assert sufficiency_fit(np.minimum(x, y), y)["inclS"] == pytest.approx(1.0)


def test_parameters_of_fit_unique_coverage_by_hand():
    # crisp: A covers cases 1,2 ; B covers 2,3 ; Y = 1,2,3,4 (4 cases in Y)
    d = pd.DataFrame(
        {"A": [1, 1, 0, 0, 0], "B": [0, 1, 1, 0, 0], "Y": [1, 1, 1, 1, 0]}, index=list("12345")
    ).astype(float)
    pof = parameters_of_fit(d, "Y", ["A", "B"])
    # covS(A) = 2/4, covU(A) = cases only A covers (1) = 1/4; model covers 3/4
    assert pof.loc["A", "covS"] == pytest.approx(0.5)
    assert pof.loc["A", "covU"] == pytest.approx(0.25)
    assert pof.loc["B", "covU"] == pytest.approx(0.25)
    assert pof.loc["model", "covS"] == pytest.approx(0.75)
    assert np.isnan(pof.loc["model", "covU"])
    # covU(i) = covS(model) - covS(model without i), checked on random fuzzy data
    rng = np.random.default_rng(3)
    f = pd.DataFrame(rng.random((30, 4)), columns=["A", "B", "C", "Y"])
    terms = ["A*B", "~C", "B*C"]
    pof = parameters_of_fit(f, "Y", terms)
    for t in terms:
        rest = [u for u in terms if u != t]
        without = parameters_of_fit(f, "Y", rest).loc["model", "covS"]
        assert pof.loc[t, "covU"] == pytest.approx(pof.loc["model", "covS"] - without)
    nec = parameters_of_fit(f, "~Y", ["A + B"], relation="necessity")
    assert list(nec.columns) == ["inclN", "RoN", "covN"]


def test_parameters_of_fit_agrees_with_single_term_fit():
    # the vectorised table (used by minimize) against the per-term reference functions
    rng = np.random.default_rng(11)
    f = pd.DataFrame(rng.random((25, 4)), columns=["A", "B", "C", "Y"])
    terms = ["A*~B", "C", "~A*B*C"]
    pof = parameters_of_fit(f, "Y", terms)
    y = f["Y"].to_numpy()
    for t in [*terms, " + ".join(terms)]:
        ref = sufficiency_fit(membership(f, t).to_numpy(), y)
        row = pof.loc[t if t in terms else "model"]
        for col in ("inclS", "PRI", "covS"):
            assert row[col] == pytest.approx(ref[col])
    # hand: the example of test_hand_computed_values as a one-term model
    d = pd.DataFrame({"X": [0.2, 0.8, 0.6], "Y": [0.4, 0.6, 0.9]})
    one = parameters_of_fit(d, "Y", ["X"])
    assert one.loc["X", "PRI"] == pytest.approx(0.7 / 0.9)
    assert one.loc["X", "covU"] == pytest.approx(1.4 / 1.9)
