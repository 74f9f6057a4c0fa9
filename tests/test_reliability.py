"""Intercoder reliability: alpha, bootstrap interval, agreement and confusion tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cbstats
from cbstats.casedata.reliability import PairedCodings, agreement, confusion, reliability_tables


@pytest.fixture(scope="module")
def cbm():
    return cbstats.load_cbm()


def _write_second(folder, cbm, *, flip_outcomes=(), flip_cells=()):
    """A second coding equal to the first except for the listed units (moved one level)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = cbm.table("cases")
    out = pd.DataFrame({"case_id": cases["case_id"],
                        "transformation": cases["transformation"].astype(int),
                        "year_institutionalized": cases["year_institutionalized"],
                        "confidence": "medium", "rationale": "x", "source_ids": ""})
    for case_id in flip_outcomes:
        i = out.index[out["case_id"] == case_id][0]
        t = out.loc[i, "transformation"]
        out.loc[i, "transformation"] = t + 1 if t < 3 else t - 1
        out.loc[i, "year_institutionalized"] = 2000 if out.loc[i, "transformation"] == 3 else np.nan
    out.to_csv(folder / "outcomes.csv", index=False)
    cond = cbm.table("conditions")
    cells = cond[["case_id", "condition", "score"]].head(60).copy()
    for case_id, condition in flip_cells:
        i = cells.index[(cells["case_id"] == case_id) & (cells["condition"] == condition)][0]
        cells.loc[i, "score"] = 0.33 if cells.loc[i, "score"] != 0.33 else 0.67
    cells.assign(confidence="low", rationale="x", source_ids="", missing_reason="").to_csv(
        folder / "conditions.csv", index=False)
    return cells


def test_identical_codings_agree_perfectly(tmp_path, cbm):
    _write_second(tmp_path, cbm)
    rel = reliability_tables({n: cbm.table(n) for n in cbm.table_names}, tmp_path, n_boot=20)
    by_var = rel.agreement.set_index("variable")
    assert by_var.loc["transformation", "alpha"] == pytest.approx(1.0)
    assert by_var.loc["transformation", "percent_agreement"] == 100.0
    assert by_var.loc["transformation", "n_units"] == len(cbm.table("cases"))
    assert by_var.loc["conditions (pooled)", "alpha"] == pytest.approx(1.0)
    assert rel.disagreements.empty


def test_disagreements_lower_alpha_and_are_listed(tmp_path, cbm):
    cases = cbm.table("cases")["case_id"].tolist()
    flipped = cases[:15]
    cells = _write_second(tmp_path, cbm, flip_outcomes=flipped,
                          flip_cells=[(cbm.table("conditions")["case_id"][0],
                                       cbm.table("conditions")["condition"][0])])
    rel = reliability_tables({n: cbm.table(n) for n in cbm.table_names}, tmp_path, n_boot=200)
    row = rel.agreement.set_index("variable").loc["transformation"]
    n = len(cases)
    assert row["percent_agreement"] == pytest.approx(100 * (n - 15) / n)
    assert 0.5 < row["alpha"] < 1.0
    assert row["alpha_lower"] <= row["alpha"] <= row["alpha_upper"]
    listed = rel.disagreements[rel.disagreements["variable"] == "transformation"]
    assert sorted(listed["unit"]) == sorted(flipped)
    # confusion counts by the first coder's confidence add up to the units coded
    conf = rel.confusion[rel.confusion["variable"] == "transformation"]
    assert conf["n"].sum() == n
    off_diagonal = conf[conf["first"] != conf["second"]]["n"].sum()
    assert off_diagonal == 15
    assert set(conf["first_confidence"]) <= {"high", "medium", "low"}
    assert len(cells) == 60


def test_nominal_alpha_matches_hand_computation():
    # Two coders, four units: (a, a), (a, b), (b, b), (b, b).
    # Coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4; n_a = 3, n_b = 5, n = 8.
    # D_o = 2/8; D_e = 2 * 3 * 5 / (8 * 7) = 30/56; alpha = 1 - D_o / D_e = 8/15.
    frame = pd.DataFrame({"unit": list("wxyz"), "first": ["a", "a", "b", "b"],
                          "second": ["a", "b", "b", "b"], "first_confidence": "high"})
    row = agreement(PairedCodings("toy", "nominal", frame), n_boot=0)
    assert row["alpha"] == pytest.approx(8 / 15)
    assert row["percent_agreement"] == pytest.approx(75.0)


def test_ordinal_alpha_penalises_distant_disagreement_more():
    base = pd.DataFrame({"unit": range(8), "first": [0, 1, 2, 3, 0, 1, 2, 3],
                         "first_confidence": "low"})
    near = base.assign(second=[0, 1, 2, 3, 0, 1, 2, 2])
    far = base.assign(second=[0, 1, 2, 3, 0, 1, 2, 0])
    a_near = agreement(PairedCodings("t", "ordinal", near), n_boot=0)["alpha"]
    a_far = agreement(PairedCodings("t", "ordinal", far), n_boot=0)["alpha"]
    assert a_near > a_far
    assert confusion([PairedCodings("t", "ordinal", far)])["n"].sum() == 8


def test_missing_second_coding_is_a_clear_error(tmp_path, cbm):
    with pytest.raises(FileNotFoundError, match="outcomes.csv"):
        cbm.reliability(tmp_path)


def test_nominal_alpha_three_categories_by_hand():
    # Units (0,0), (1,1), (2,2), (0,1), (0,2). Coincidences: o_00 = o_11 = o_22 = 2,
    # o_01 = o_10 = o_02 = o_20 = 1; n_0 = 4, n_1 = 3, n_2 = 3, n = 10.
    # Nominal: D_o = 4/10, D_e = (100 - 34)/90, alpha = 1 - 36/66 = 5/11.
    # (An interval metric would weigh the (0, 2) pair four times: a different value.)
    frame = pd.DataFrame({"unit": range(5), "first": [0, 1, 2, 0, 0],
                          "second": [0, 1, 2, 1, 2], "first_confidence": "high"})
    assert agreement(PairedCodings("t", "nominal", frame), n_boot=0)["alpha"] == \
        pytest.approx(5 / 11)


def test_institutionalized_is_level_three(tmp_path, cbm):
    cases = cbm.table("cases")
    threes = cases.loc[cases["transformation"] == 3, "case_id"].tolist()[:4]
    _write_second(tmp_path, cbm, flip_outcomes=threes)
    rel = reliability_tables({n: cbm.table(n) for n in cbm.table_names}, tmp_path, n_boot=0)
    listed = rel.disagreements[rel.disagreements["variable"] == "institutionalized"]
    assert sorted(listed["unit"]) == sorted(threes)
