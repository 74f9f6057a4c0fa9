"""Necessity parameters and the superset / subset searches on a crisp example by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cbstats.sets import SetsInputError, necessity, subset_search, superset_search


@pytest.fixture
def crisp():
    # Y present in cases 1-4. A is present in 1-4 and 5 (necessary, not sufficient);
    # B present in 1, 2; C present in 3, 4; so B + C is necessary and B, C sufficient.
    return pd.DataFrame(
        {
            "A": [1, 1, 1, 1, 1, 0],
            "B": [1, 1, 0, 0, 0, 0],
            "C": [0, 0, 1, 1, 0, 1],
            "Y": [1, 1, 1, 1, 0, 0],
        },
        index=[f"k{i}" for i in range(1, 7)],
    ).astype(float)


def test_single_conditions(crisp):
    nec = necessity(crisp, "Y")
    # A: inclN = 4/4; covN = 4/5; RoN = sum(1-A)/sum(1-min(A,Y)) = 1/2
    assert nec.loc["A"].tolist() == pytest.approx([1.0, 0.5, 0.8])
    # ~A: inclN = 0/4
    assert nec.loc["~A", "inclN"] == 0
    # C: inclN = 2/4, covN = 2/3, RoN = 3 / 4
    assert nec.loc["C"].tolist() == pytest.approx([0.5, 0.75, 2 / 3])
    assert list(nec.columns) == ["inclN", "RoN", "covN"]
    assert necessity(crisp, "Y", negations=False).index.tolist() == ["A", "B", "C"]


def test_superset_search(crisp):
    sup = superset_search(crisp, "Y", incl_cut=0.9, ron_cut=0.5)
    assert "A" in sup.index
    assert "B + C" in sup.index and sup.loc["B + C", "kind"] == "disjunction"
    # B + C: inclN = 4/4; covN = 4/5 (k6 has C without Y); RoN = 1/2
    assert sup.loc["B + C"].tolist()[:3] == pytest.approx([1.0, 0.5, 0.8])
    # A + B adds nothing once A is necessary: not reported
    assert "A + B" not in sup.index
    # A*B is not necessary (inclN 2/4)
    assert "A*B" not in sup.index
    only_conj = superset_search(crisp, "Y", incl_cut=0.9, ron_cut=0.5, disjunctions=False)
    assert set(only_conj["kind"]) <= {"literal", "conjunction"}


def test_subset_search_minimal_terms(crisp):
    sub = subset_search(crisp, "Y", incl_cut=1.0)
    # B is sufficient (2/2); A*C is sufficient (2/2) while C alone is not (2/3); A*B is
    # not reported because B already passes
    assert "B" in sub.index and "A*C" in sub.index
    assert "C" not in sub.index and "A*B" not in sub.index
    assert sub.loc["A*C", "covS"] == pytest.approx(0.5)


def test_search_cutoffs_checked(crisp):
    with pytest.raises(SetsInputError) as err:
        superset_search(crisp, "Y", incl_cut=2, ron_cut=-1, max_size=0)
    text = str(err.value)
    assert "incl_cut=2" in text and "ron_cut=-1" in text and "max_size=0" in text
