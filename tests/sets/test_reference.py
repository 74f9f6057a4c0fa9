"""cbstats.sets against published results on the Lipset teaching data (3 decimals).

Data and expected values live in ``tests/sets/reference/``; its README says where every
table and every number comes from (R package QCA's rendered manual, Rihoux & De Meur 2009
as reproduced there, an R Markdown note with two equally good models, hand derivations).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbstats import sets

REF = Path(__file__).parent / "reference"
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name, keep_default_na=False, na_values=[""])


def _data(dataset: str) -> pd.DataFrame:
    files = {"LC": "lipset_crisp.csv", "LC4": "lipset_crisp4_dev600.csv", "LF": "lipset_fuzzy.csv"}
    path = REF / files[dataset]
    if not path.exists():
        pytest.skip(f"{path.name} is not in tests/sets/reference (see its README: the LF table "
                    "must be exported once from R's QCA package)")
    return pd.read_csv(path, index_col=0).astype(float)


def _conditions(dataset: str) -> list[str]:
    return ["DEV", "URB", "LIT", "IND"] if dataset == "LC4" else CONDITIONS


def _directional(spec: str) -> dict[str, int] | None:
    if not isinstance(spec, str) or not spec:
        return None
    return {k: int(v) for k, v in (item.split("=") for item in spec.split(";"))}


def _canonical(term: str) -> frozenset[str]:
    return frozenset(lit.strip() for lit in term.split("*"))


def _models(solution: sets.Solution) -> dict[frozenset, sets.Model]:
    return {frozenset(_canonical(t) for t in m.terms): m for m in solution.models}


# ---- truth tables ------------------------------------------------------------------------
TT = _read("expected_truth_tables.csv")


@pytest.mark.parametrize("dataset", sorted(TT["dataset"].unique()))
def test_truth_table_rows_match_published(dataset):
    expected = TT[TT["dataset"] == dataset].set_index("row")
    conds = _conditions(dataset)
    tt = sets.truth_table(_data(dataset), "SURV", conds, incl_cut=1.0)
    got = tt.table
    assert sorted(got.index) == sorted(expected.index)
    for row, exp in expected.iterrows():
        config = "".join(str(int(got.loc[row, c])) for c in conds)
        assert config == str(exp["config"]).zfill(len(conds))
        assert got.loc[row, "n"] == exp["n"]
        assert got.loc[row, "inclS"] == pytest.approx(exp["inclS"], abs=5e-4)
        assert got.loc[row, "PRI"] == pytest.approx(exp["PRI"], abs=5e-4)
        assert set(str(got.loc[row, "cases"]).split(",")) == set(exp["cases"].split(","))
        assert got.loc[row, "OUT"] == (1 if exp["inclS"] >= 1.0 else 0)
    # rows with a surviving and a failing case are flagged as contradictory
    contradictory = expected.index[(expected["inclS"] > 0) & (expected["inclS"] < 1)]
    assert set(got.index[got["contradictory"]]) == set(contradictory)


# ---- solutions and parameters of fit ----------------------------------------------------
SOL = _read("expected_solutions.csv")
SOL_KEYS = sorted(
    {(r.dataset, r.outcome, r.kind, float(r.incl_cut), r.directional or "") for r in SOL.itertuples()}
)


@pytest.mark.parametrize("key", SOL_KEYS, ids=["-".join(map(str, k[:3])) for k in SOL_KEYS])
def test_solution_and_fit_match_published(key):
    dataset, outcome, kind, incl_cut, directional = key
    block = SOL[(SOL["dataset"] == dataset) & (SOL["outcome"] == outcome) & (SOL["kind"] == kind)]
    data = _data(dataset)
    tt = sets.truth_table(data, outcome, _conditions(dataset), incl_cut=incl_cut)
    solution = sets.minimize(tt, solution=kind, directional=_directional(directional))
    got = _models(solution)
    expected_models = {
        name: frozenset(_canonical(t) for t in grp["term"] if t != "model")
        for name, grp in block.groupby("model")
    }
    # every published model, and no other, is found (ambiguity reported, not resolved silently)
    assert set(got) == set(expected_models.values())
    assert solution.ambiguous == (len(expected_models) > 1)
    for name, terms in expected_models.items():
        model = got[terms]
        fit = model.fit
        by_term = {(_canonical(t) if t != "model" else "model"): row for t, row in fit.iterrows()}
        for exp in block[block["model"] == name].itertuples():
            row = by_term["model" if exp.term == "model" else _canonical(exp.term)]
            for col in ("inclS", "PRI", "covS", "covU"):
                value = getattr(exp, col)
                if pd.isna(value):
                    continue
                assert row[col] == pytest.approx(value, abs=5e-4), (name, exp.term, col)


def test_ambiguous_chart_has_two_essential_and_two_alternative_implicants():
    """LC4 with the contradictory rows explained: -010 and -111 are essential (README)."""
    tt = sets.truth_table(_data("LC4"), "SURV", _conditions("LC4"), incl_cut=0.2)
    solution = sets.minimize(tt)
    assert {_canonical(t) for t in solution.essential} == {
        _canonical("~URB*LIT*~IND"), _canonical("URB*LIT*IND")}
    assert {_canonical(t) for t in solution.prime_implicants} == {
        _canonical(t) for t in ("~URB*LIT*~IND", "URB*LIT*IND", "DEV*~URB*LIT", "DEV*LIT*IND")}
    assert len(solution.models) == 2


# ---- simplifying assumptions ------------------------------------------------------------
SA = _read("expected_simplifying_assumptions.csv")


@pytest.mark.parametrize("outcome", ["SURV", "~SURV"])
def test_simplifying_assumptions_match_published(outcome):
    expected = SA[(SA["dataset"] == "LC") & (SA["outcome"] == outcome)]
    tt = sets.truth_table(_data("LC"), outcome, CONDITIONS, incl_cut=1.0)
    solution = sets.minimize(tt, solution="parsimonious")
    (model,) = solution.models
    assert sorted(model.simplifying_assumptions) == sorted(expected["row"].tolist())
    assert len(model.simplifying_assumptions) == {"SURV": 5, "~SURV": 18}[outcome]


# ---- necessity --------------------------------------------------------------------------
NEC = _read("expected_necessity.csv")


def test_necessity_of_single_conditions_matches_hand_counts_and_manual():
    expected = NEC[NEC["term"].str.count(r"\*") == 0].set_index("term")
    got = sets.necessity(_data("LC"), "SURV", CONDITIONS)
    for term, exp in expected.iterrows():
        for col in ("inclN", "RoN", "covN"):
            assert got.loc[term, col] == pytest.approx(exp[col], abs=5e-4), (term, col)


def test_necessity_of_conjunction_matches_manual():
    exp = NEC.set_index("term").loc["LIT*STB"]
    got = sets.parameters_of_fit(_data("LC"), "SURV", ["LIT*STB"], relation="necessity")
    row = got.iloc[0]
    for col in ("inclN", "RoN", "covN"):
        assert row[col] == pytest.approx(exp[col], abs=5e-4)


def test_lf_head_rows_are_the_published_ones():
    """Guard for a user-supplied LF table: its first rows must be the printed head(LF)."""
    data = _data("LF")
    head = pd.DataFrame(
        [[0.81, 0.12, 0.99, 0.73, 0.43, 0.05], [0.99, 0.89, 0.98, 1.00, 0.98, 0.95],
         [0.58, 0.98, 0.98, 0.90, 0.91, 0.89], [0.16, 0.07, 0.98, 0.01, 0.91, 0.12],
         [0.58, 0.03, 0.99, 0.08, 0.58, 0.77], [0.98, 0.03, 0.99, 0.81, 0.95, 0.95]],
        index=["AU", "BE", "CZ", "EE", "FI", "FR"], columns=[*CONDITIONS, "SURV"],
    )
    np.testing.assert_allclose(data.loc[head.index, head.columns].to_numpy(), head.to_numpy())
