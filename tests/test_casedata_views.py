"""Tidy views on the synthetic fixture: values checked by hand."""

from __future__ import annotations

import pytest

from cbstats import canonical_dyad, read_case_package


def test_canonical_dyad():
    assert canonical_dyad(770, 750) == "750-770"
    assert canonical_dyad(2, 365) == canonical_dyad(365, 2) == "2-365"
    with pytest.raises(ValueError, match="two different states"):
        canonical_dyad(750, 750)


def test_cases_wide(mini_package):
    data = read_case_package(mini_package)
    wide = data.cases_wide().set_index("case_id")
    row = wide.loc["test_pact_1990__750-770"]
    assert (row.n_constraint, row.n_verification, row.n_information, row.n_interaction) == (1, 1, 1, 0)
    assert row.sequence == 1 and wide.loc["test_pact_1995__750-770", "sequence"] == 2
    assert row.region == "south_asia" and row.state_a == 750 and row.state_b == 770
    assert wide["institutionalized"].to_dict() == {
        "test_accord_1970__2-365": 1, "test_pact_1990__750-770": 0, "test_pact_1995__750-770": 0}
    assert wide.loc["test_pact_1990__750-770", "reversed"] == 1
    assert wide.loc["test_pact_1990__750-770", "dissatisfaction"] == pytest.approx(0.67)
    # the missing coding stays missing, it is not filled in
    assert wide["new_generation"].isna().sum() == 1


def test_views_do_not_modify_tables(mini_package):
    data = read_case_package(mini_package)
    before = data.table("cases").copy()
    wide = data.cases_wide()
    wide.loc[:, "transformation"] = 0
    assert data.table("cases").equals(before)


def test_conditions_long_and_trace(mini_package):
    data = read_case_package(mini_package)
    long = data.conditions_long()
    assert len(long) == 21 and set(long["region"]) == {"south_asia", "europe_east_west"}
    trace = data.trace("test_pact_1995__750-770")
    assert list(trace["coding"])[0] == "transformation" and len(trace) == 8
    assert "Synthetic Book B" in trace.loc[0, "sources"]
    assert "missing:" in trace.set_index("coding").loc["new_generation", "rationale"]


def test_arrangement_dyads(mini_package):
    data = read_case_package(mini_package)
    pairs = data.arrangement_dyads("test_accord_1970")
    assert pairs[["dyad_id", "is_case"]].values.tolist() == [["2-365", True]]
    with pytest.raises(KeyError):
        data.arrangement_dyads("no_such_arrangement")


def test_dyad_year_panel_by_case(mini_package):
    panel = read_case_package(mini_package).dyad_year_panel()
    inst = panel[panel.case_id == "test_accord_1970__2-365"]
    # 1970 .. 1975 inclusive, event in the last year
    assert inst["year"].tolist() == list(range(1970, 1976))
    assert inst["event_institutionalized"].tolist() == [0] * 5 + [1]
    rev = panel[panel.case_id == "test_pact_1990__750-770"]
    assert rev["year"].max() == 2000 and rev["event_reversed"].sum() == 1
    cens = panel[panel.case_id == "test_pact_1995__750-770"]
    assert cens["year"].max() == 2024 and cens[["event_reversed", "event_institutionalized"]].sum().sum() == 0
    assert inst["t"].iloc[0] == 1


def test_dyad_year_panel_by_dyad(mini_package):
    panel = read_case_package(mini_package).dyad_year_panel(by="dyad")
    ip = panel[panel.dyad_id == "750-770"]
    assert ip["year"].min() == 1990 and ip["year"].max() == 2024
    assert ip.set_index("year").loc[[1994, 1995], "n_arrangements"].tolist() == [1, 2]
    with pytest.raises(ValueError):
        read_case_package(mini_package).dyad_year_panel(by="region")


def test_describe_counts(mini_package):
    tables = read_case_package(mini_package).describe()
    by_region = tables["cases_by_region"].set_index("region")
    assert by_region.loc["total", "cases"] == 3 and by_region.loc["South Asia", "arrangements"] == 2
    cov = tables["condition_coverage"].set_index("condition")
    assert cov.loc["new_generation", "missing"] == 1 and cov.loc["fatigue", "coded"] == 3


def test_complete_cases(mini_package):
    data = read_case_package(mini_package)
    complete = data.complete_cases()
    assert complete["case_id"].tolist() == ["test_accord_1970__2-365", "test_pact_1990__750-770"]
    assert complete.attrs["dropped_case_ids"] == ["test_pact_1995__750-770"]
    assert len(data.complete_cases(columns=["forum"])) == 3
