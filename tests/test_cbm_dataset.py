"""The bundled CBM dataset: validity, coverage thresholds, completeness, consistency, known facts."""

from __future__ import annotations

import pandas as pd
import pytest

import cbstats
from cbstats.casedata.schema import CONDITIONS, REGIONS


@pytest.fixture(scope="module")
def cbm():
    return cbstats.load_cbm()


@pytest.fixture(scope="module")
def wide(cbm):
    return cbm.cases_wide()


def test_bundled_dataset_validates_and_has_a_version(cbm):
    assert cbm.version == "1.1.0"
    assert cbm.is_package


def test_coverage_thresholds(cbm, wide):
    arrangements = cbm.table("arrangements")
    assert len(arrangements) >= 50
    assert arrangements["year_signed"].min() >= 1963 and arrangements["year_signed"].max() <= 2024
    assert len(wide) >= 90
    assert wide["dyad_id"].nunique() >= 30
    per_region = wide.groupby("region").size()
    assert set(per_region.index) == set(REGIONS)
    assert (per_region >= 5).all(), per_region.to_dict()


def test_outcomes_span_successes_partials_failures_and_reversals(wide):
    counts = wide["transformation"].value_counts()
    assert all(counts.get(level, 0) >= 5 for level in range(4)), counts.to_dict()
    assert wide["reversed"].sum() >= 10


def test_every_case_has_seven_conditions_and_outcome_fully_documented(cbm):
    cases = cbm.table("cases")
    cond = cbm.table("conditions")
    sources = set(cbm.table("sources")["source_id"])
    per_case = cond.groupby("case_id")["condition"].apply(set)
    assert (per_case.reindex(cases["case_id"]).map(lambda s: s == set(CONDITIONS))).all()
    for frame, conf, rationale, srcs in ((cond, "confidence", "rationale", "source_ids"),
                                         (cases, "transformation_confidence", "transformation_rationale",
                                          "transformation_source_ids")):
        assert frame[conf].isin(["high", "medium", "low"]).all()
        assert frame[rationale].str.len().gt(20).all()
        cited = frame[srcs].str.split(";").explode()
        assert cited.isin(sources).all(), sorted(set(cited) - sources)[:5]
    missing = cond[cond["score"].isna()]
    assert missing["missing_reason"].str.len().gt(5).all()


def test_internal_consistency(cbm, wide):
    participants = cbm.table("participants").groupby("arrangement_id")["ccode"].apply(set)
    for row in wide.itertuples():
        assert {row.state_a, row.state_b} <= participants[row.arrangement_id], row.case_id
    assert (wide["institutionalized"] == (wide["transformation"] == 3)).all()
    assert (wide["year_institutionalized"].notna() == (wide["transformation"] == 3)).all()
    assert (wide["year_observed_end"] >= wide["year_signed"]).all()
    arr = cbm.table("arrangements")
    both = arr.dropna(subset=["year_in_force"])
    assert (both["year_in_force"] >= both["year_signed"]).all()


def _arrangement(cbm, arrangement_id: str) -> pd.Series:
    arr = cbm.table("arrangements").set_index("arrangement_id")
    assert arrangement_id in arr.index, f"arrangement {arrangement_id!r} is missing"
    return arr.loc[arrangement_id]


@pytest.mark.parametrize(
    ("arrangement_id", "signed", "in_force", "ended"),
    [
        ("us_ussr_hotline_1963", 1963, 1963, None),        # MoU signed in Geneva, 20 June 1963
        ("us_ussr_incsea_1972", 1972, 1972, None),         # signed in Moscow, 25 May 1972
        ("helsinki_final_act_cbm_1975", 1975, None, None),  # Final Act, 1 August 1975
        ("stockholm_document_1986", 1986, 1987, None),     # adopted 19 Sept 1986, effective 1 Jan 1987
        ("us_ussr_dangerous_military_activities_1989", 1989, 1990, None),
        ("cfe_treaty_1990", 1990, 1992, 2023),             # Russia's withdrawal, November 2023
        ("open_skies_treaty_1992", 1992, 2002, None),      # in force 1 January 2002
        ("india_pakistan_nuclear_installations_1988", 1988, 1991, None),  # 31 Dec 1988 / Jan 1991
        ("argentina_brazil_guadalajara_abacc_1991", 1991, None, None),    # 18 July 1991
        ("korea_basic_agreement_1991", 1991, 1992, None),   # 13 Dec 1991, in force 19 Feb 1992
        ("shanghai_border_cbm_1996", 1996, None, None),     # 26 April 1996
        ("moscow_border_force_reduction_1997", 1997, None, None),  # 24 April 1997
        ("brasilia_presidential_act_1998", 1998, None, None),      # 26 October 1998
    ],
)
def test_known_dates(cbm, arrangement_id, signed, in_force, ended):
    row = _arrangement(cbm, arrangement_id)
    assert row["year_signed"] == signed
    if in_force is not None:
        assert row["year_in_force"] == in_force
    if ended is not None:
        assert row["year_ended"] == ended


def test_known_participants(cbm):
    participants = cbm.table("participants").groupby("arrangement_id")["ccode"].apply(set)
    helsinki = participants["helsinki_final_act_cbm_1975"]
    # 35 CSCE states: both Germanys, the superpowers, Canada and the Holy See among them
    assert len(helsinki) == 35 and {2, 20, 260, 265, 365, 9001} <= helsinki
    assert len(participants["cfe_treaty_1990"]) == 22   # 16 NATO + 6 Warsaw Pact states
    assert participants["shanghai_border_cbm_1996"] == {365, 702, 703, 705, 710}
    assert participants["us_ussr_incsea_1972"] == {2, 365}


def test_known_outcome_years(cbm):
    cases = cbm.table("cases").set_index("case_id")
    # The Galwan clash of June 2020 reversed the India-China border CBMs
    assert cases.loc["india_china_border_defence_cooperation_2013__710-750", "year_reversed"] == 2020


def test_codebook_and_changelog_exist():
    folder = cbstats.casedata.bundled.bundled_cbm_path()
    codebook = (folder / "CODEBOOK.md").read_text(encoding="utf-8")
    for heading in ("Unit of analysis", "Anchoring examples", "limitations", "cite"):
        assert heading.lower() in codebook.lower()
    assert "1.0.0" in (folder / "CHANGELOG.md").read_text(encoding="utf-8")
