"""Skewness, simultaneous subset relations and case types."""

from __future__ import annotations

import pandas as pd
import pytest

from cbstats.sets import (
    SetsInputError,
    case_types,
    deviant_cases,
    simultaneous_subset,
    skewness,
)


@pytest.fixture
def data():
    return pd.DataFrame(
        {
            "X": [0.9, 0.8, 0.7, 0.2, 0.3, 0.1],
            "Y": [1.0, 0.6, 0.2, 0.9, 0.1, 0.0],
            "S": [0.9, 0.9, 0.9, 0.9, 0.9, 0.1],
        },
        index=list("abcdef"),
    )


def test_skewness(data):
    sk = skewness(data)
    assert sk.loc["S", "n_above_half"] == 5 and sk.loc["S", "share_above_half"] == pytest.approx(5 / 6)
    assert sk.loc["S", "skewed"] and not sk.loc["X", "skewed"]
    with pytest.raises(SetsInputError, match="low=2"):
        skewness(data, low=2)


def test_case_types_sufficiency(data):
    t = case_types(data, "Y", "X")
    # a: X .9 <= Y 1 typical; b: X .8 > Y .6 both > .5: degree; c: X .7, Y .2: kind;
    # d: X .2, Y .9: deviant coverage; e, f: irrelevant
    assert t["type"].tolist() == [
        "typical",
        "deviant consistency (degree)",
        "deviant consistency (kind)",
        "deviant coverage",
        "irrelevant",
        "irrelevant",
    ]
    assert deviant_cases(data, "Y", "X").index.tolist() == ["b", "c"]
    assert deviant_cases(data, "Y", "X", which="coverage").index.tolist() == ["d"]


def test_case_types_necessity(data):
    t = case_types(data, "Y", "X", relation="necessity")
    # necessity: Y > .5 and X <= .5 is deviant in kind (d); X > .5, Y < .5 trivial (c)
    assert t.loc["d", "type"] == "deviant consistency (kind)"
    assert t.loc["c", "type"] == "deviant coverage (trivial)"


def test_simultaneous_subset_relation():
    # X mostly low, Y mid-range: X is a consistent subset of Y and of ~Y at once
    d = pd.DataFrame({"X": [0.1, 0.2, 0.1, 0.3], "Y": [0.4, 0.6, 0.5, 0.4]})
    res = simultaneous_subset(d, "Y", "X", incl_cut=0.8)
    assert res.attrs["simultaneous"]
    assert res.loc["Y", "inclS"] >= 0.8 and res.loc["~Y", "inclS"] >= 0.8
    clear = simultaneous_subset(pd.DataFrame({"X": [0.9, 0.1], "Y": [1.0, 0.0]}), "Y", "X")
    assert not clear.attrs["simultaneous"]
