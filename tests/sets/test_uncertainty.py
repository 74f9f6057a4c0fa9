"""Coding-uncertainty draws: the misclassification model, agreement of the vectorised
recomputation with the core functions, and a planted fragile path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbstats import sets
from cbstats.sets.uncertainty import (
    DEFAULT_RATES,
    MisclassificationModel,
    coding_uncertainty,
    draw_codings,
    necessity_arrays,
    solution_terms,
    truth_table_arrays,
)

REF = Path(__file__).parent / "reference"
EXACT = {"high": (1.0, 0.0, 0.0), "medium": (1.0, 0.0, 0.0), "low": (1.0, 0.0, 0.0)}


def _grid_data(seed: int = 0, n: int = 40, k: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    grid = np.array([0.0, 0.33, 0.67, 1.0])
    x = grid[rng.integers(0, 4, size=(n, k))]
    y = np.clip(np.round(x[:, 0] * 0.6 + x[:, 1] * 0.4 + rng.normal(0, 0.15, n), 2), 0, 1)
    y = grid[np.abs(y[:, None] - grid[None]).argmin(axis=1)]
    cols = [f"C{i}" for i in range(k)]
    return pd.DataFrame(np.column_stack([x, y]), columns=[*cols, "Y"], index=[f"c{i}" for i in range(n)])


def test_default_transition_matrix_follows_the_documented_rates():
    model = MisclassificationModel()
    for label, (same, one, further) in DEFAULT_RATES.items():
        p = model.transition(label)
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        # coded 0: one neighbour one step away, two levels further away
        np.testing.assert_allclose(p[0], [same, one, further / 2, further / 2])
        # coded 0.33: two neighbours one step away share the one-step mass
        np.testing.assert_allclose(p[1], [one / 2, same, one / 2, further])
    assert model.transition("low")[3, 3] < model.transition("medium")[3, 3] < model.transition("high")[3, 3]


def test_rates_are_validated_and_overridable():
    with pytest.raises(sets.SetsInputError, match="summing to 1"):
        MisclassificationModel(rates={"high": (0.9, 0.2, 0.0)})
    with pytest.raises(sets.SetsInputError, match="no misclassification rates"):
        MisclassificationModel().transition("unsure")
    custom = MisclassificationModel().with_rates(low=(0.4, 0.4, 0.2))
    assert custom.rates["low"] == (0.4, 0.4, 0.2) and custom.rates["high"] == DEFAULT_RATES["high"]


def test_draws_reproduce_the_transition_probabilities():
    data = pd.DataFrame({"A": [0.33, 1.0]}, index=["a", "b"])
    conf = pd.DataFrame({"A": ["low", "medium"]}, index=["a", "b"])
    draws = draw_codings(data, conf, n_draws=20000, seed=3)
    model = MisclassificationModel()
    for i, (lab, lvl) in enumerate([("low", 1), ("medium", 3)]):
        freq = np.array([(np.isclose(draws[:, i, 0], v)).mean() for v in model.levels])
        np.testing.assert_allclose(freq, model.transition(lab)[lvl], atol=0.015)
    again = draw_codings(data, conf, n_draws=20000, seed=3)
    np.testing.assert_array_equal(draws, again)


def test_cells_without_confidence_are_never_redrawn_and_bad_values_are_named():
    data = pd.DataFrame({"A": [0.33, 0.67], "Y": [1.0, 0.0]}, index=["a", "b"])
    conf = pd.DataFrame({"A": ["low", np.nan]}, index=["a", "b"])  # Y has no confidence column
    draws = draw_codings(data, conf, n_draws=500, seed=1)
    assert np.all(draws[:, 1, 0] == 0.67) and np.all(draws[:, :, 1] == data["Y"].to_numpy())
    assert not np.all(draws[:, 0, 0] == 0.33)
    bad = data.assign(A=[0.5, 0.67])
    with pytest.raises(sets.SetsInputError, match=r"case 'a', column 'A': value 0.5 is not on the grid"):
        draw_codings(bad, conf, n_draws=2)
    with pytest.raises(sets.SetsInputError, match="'unsure'"):
        draw_codings(data, conf.assign(A=["unsure", "low"]), n_draws=2)


@pytest.mark.parametrize("seed", [0, 1])
def test_vectorised_truth_table_equals_core_truth_table(seed):
    data = _grid_data(seed)
    conds = [c for c in data.columns if c != "Y"]
    x = data[conds].to_numpy()[None]
    y = data["Y"].to_numpy()[None]
    arr = truth_table_arrays(x, y, incl_cut=0.75, n_cut=2, pri_cut=0.3)
    tt = sets.truth_table(data, "Y", conds, incl_cut=0.75, n_cut=2, pri_cut=0.3)
    rows = tt.table.index.to_numpy()
    assert set(np.flatnonzero(arr.observed[0]) + 1) == set(rows)
    np.testing.assert_array_equal(arr.n[0, rows - 1], tt.table["n"].to_numpy())
    np.testing.assert_allclose(arr.inclS[0, rows - 1], tt.table["inclS"].to_numpy())
    np.testing.assert_allclose(arr.PRI[0, rows - 1], tt.table["PRI"].to_numpy())
    np.testing.assert_array_equal(arr.OUT[0, rows - 1].astype(int), tt.table["OUT"].to_numpy())


def test_vectorised_necessity_equals_core_necessity():
    data = _grid_data(2)
    conds = [c for c in data.columns if c != "Y"]
    x = data[conds].to_numpy()
    lits = np.column_stack([v for c in range(len(conds)) for v in (x[:, c], 1 - x[:, c])])
    got = necessity_arrays(lits, data["Y"].to_numpy())
    core = sets.necessity(data, "Y", conds)
    names = [n for c in conds for n in (c, f"~{c}")]
    for stat in ("inclN", "RoN", "covN"):
        np.testing.assert_allclose(got[stat], core.loc[names, stat].to_numpy())


@pytest.mark.parametrize(("file", "conds", "cut", "kind"), [
    ("lipset_crisp4_dev600.csv", ["DEV", "URB", "LIT", "IND"], 0.2, "conservative"),
    ("lipset_crisp.csv", ["DEV", "URB", "LIT", "IND", "STB"], 1.0, "parsimonious"),
    ("lipset_crisp.csv", ["DEV", "URB", "LIT", "IND", "STB"], 1.0, "conservative"),
])
def test_solution_terms_equal_core_minimize(file, conds, cut, kind):
    data = pd.read_csv(REF / file, index_col=0).astype(float)
    tt = sets.truth_table(data, "SURV", conds, incl_cut=cut)
    core = {frozenset(m.terms) for m in sets.minimize(tt, solution=kind).models}
    got = {frozenset(m) for m in solution_terms(tt.positive_rows, tt.negative_rows, conds, kind)}
    assert got == core


def test_without_misclassification_every_draw_is_the_coded_analysis():
    data = pd.read_csv(REF / "lipset_crisp.csv", index_col=0).astype(float)
    conf = pd.DataFrame("low", index=data.index, columns=data.columns)
    res = coding_uncertainty(data, conf, "SURV", n_draws=5, seed=0, incl_cut=1.0,
                             model=MisclassificationModel(rates=EXACT))
    assert res.implicants.loc["DEV*STB", "p_any_model"] == 1.0
    assert res.paths.index.tolist() == ["DEV*STB"]
    np.testing.assert_allclose(res.rows["p_out"], res.rows["OUT_coded"])
    np.testing.assert_allclose(res.necessity["inclN_lo"], res.necessity["inclN_coded"])
    np.testing.assert_allclose(res.necessity["inclN_hi"], res.necessity["inclN_coded"])
    assert res.necessity.loc["LIT", "inclN_coded"] == pytest.approx(1.0)


def _fragile_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A -> Y rests on one case (c9) whose outcome is a low-confidence 1 (see test)."""
    rows = [(1, 1, 1)] * 4 + [(0, 0, 0)] * 4 + [(1, 0, 1)] + [(0, 1, 0)] * 2
    data = pd.DataFrame(rows, columns=["A", "B", "Y"], index=[f"c{i}" for i in range(1, 12)], dtype=float)
    conf = pd.DataFrame("high", index=data.index, columns=data.columns)
    conf.loc["c9", "Y"] = "low"
    return data, conf


def test_planted_fragile_path_hangs_on_its_low_confidence_cell():
    data, conf = _fragile_data()
    model = MisclassificationModel(rates={"high": (1.0, 0.0, 0.0), "low": (0.5, 0.5, 0.0)})
    res = coding_uncertainty(data, conf, "Y", ["A", "B"], n_draws=400, seed=5, model=model, incl_cut=0.8)
    # coded: rows 11 and 10 positive -> parsimonious A; if c9's Y drops to 0.67, row 10 fails
    assert res.paths.index.tolist() == ["A"]
    assert res.paths.loc["A", "p_in_solution"] == pytest.approx(0.5, abs=0.07)
    # A itself stays consistent: (4 + 0.67) / 5 = 0.934 >= 0.8 in every draw
    assert res.paths.loc["A", "p_consistent"] == 1.0
    assert res.paths.loc["A", "inclS_lo"] == pytest.approx(0.934, abs=1e-3)
    assert res.implicants.loc["A*B", "p_any_model"] == pytest.approx(0.5, abs=0.07)
    assert res.rows.loc[3, "p_out"] == pytest.approx(0.5, abs=0.07)
    infl = res.cell_influence("A")
    top = infl.iloc[0]
    assert (top["case"], top["column"], top["confidence"]) == ("c9", "Y", "low")
    assert top["influence"] == pytest.approx(1.0)
    assert len(infl) == 1  # no other cell is ever redrawn


def test_same_seed_same_numbers_and_bad_input():
    data, conf = _fragile_data()
    a = coding_uncertainty(data, conf, "Y", ["A", "B"], n_draws=50, seed=9)
    b = coding_uncertainty(data, conf, "Y", ["A", "B"], n_draws=50, seed=9)
    pd.testing.assert_frame_equal(a.necessity, b.necessity)
    pd.testing.assert_frame_equal(a.implicants, b.implicants)
    with pytest.raises(sets.SetsInputError, match="'Z' is not in the data"):
        coding_uncertainty(data, conf, "Z", ["A", "B"], n_draws=5)
    with pytest.raises(sets.SetsInputError, match="incl_cut"):
        coding_uncertainty(data, conf, "Y", ["A", "B"], n_draws=5, incl_cut=1.5)
    with pytest.raises(sets.SetsInputError, match="shape"):
        coding_uncertainty(data, conf, "Y", ["A", "B"], draws=np.zeros((3, 2, 3)))


def test_path_fit_over_draws_equals_core_fit_of_each_draw():
    data = _grid_data(4, n=30, k=3)
    conf = pd.DataFrame("low", index=data.index, columns=data.columns)
    draws = draw_codings(data, conf, n_draws=15, seed=2)
    res = coding_uncertainty(data, conf, "Y", draws=draws, incl_cut=0.7, pri_cut=0.4)
    assert not res.paths.empty
    for term in res.paths.index:
        fits = [sets.sufficiency_fit(sets.membership(pd.DataFrame(d, columns=data.columns), term), d[:, -1])
                for d in draws]
        ok = [f["inclS"] >= 0.7 - 1e-12 and f["PRI"] >= 0.4 - 1e-12 for f in fits]
        assert res.paths.loc[term, "p_consistent"] == pytest.approx(np.mean(ok))
        assert res.paths.loc[term, "inclS_mean"] == pytest.approx(np.mean([f["inclS"] for f in fits]))
