"""CBM-T v1.1.0: versions, reliability study, adjudication, change log, sampling frame."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cbstats
from cbstats.casedata import cbm_versions
from cbstats.casedata.bundled import bundled_cbm_path

CBM = bundled_cbm_path()
REL = CBM / "reliability"


@pytest.fixture(scope="module")
def cbm():
    return cbstats.load_cbm()


@pytest.fixture(scope="module")
def reliability(cbm):
    return cbm.reliability()


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_both_releases_load(cbm):
    assert cbm_versions()[-2:] == ["1.0.0", "1.1.0"]
    assert cbm.version == "1.1.0"
    old = cbstats.load_cbm(version="1.0.0")
    assert old.version == "1.0.0"
    assert len(old.table("cases")) == 146
    with pytest.raises(ValueError, match="available: 1.0.0, 1.1.0"):
        cbstats.load_cbm(version="0.9")


def test_stored_reliability_tables_are_recomputed_from_the_codings(reliability):
    stored = pd.read_csv(REL / "agreement.csv")
    fresh = reliability.agreement
    assert list(stored["variable"]) == list(fresh["variable"])
    for column in ("n_units", "percent_agreement", "alpha", "alpha_lower", "alpha_upper"):
        np.testing.assert_allclose(stored[column], fresh[column], rtol=1e-5, err_msg=column)
    assert reliability.first_coding_version == "1.0.0"
    confusion = pd.read_csv(REL / "confusion.csv")
    assert confusion["n"].sum() == reliability.confusion["n"].sum()


def test_reliability_covers_what_the_issue_asks(cbm, reliability):
    agreement = reliability.agreement.set_index("variable")
    old = cbstats.load_cbm(version="1.0.0")
    assert agreement.loc["transformation", "n_units"] == len(old.table("cases"))
    assert agreement.loc["standing_body", "n_units"] == len(old.table("arrangements"))
    assert agreement.loc["measure_type", "n_units"] == len(old.table("measures"))
    conditions = old.table("conditions")
    sampled = _read(REL / "second_coding" / "conditions.csv")
    strata = conditions.groupby(["condition", "confidence"]).size()
    merged = sampled[["case_id", "condition"]].merge(conditions, on=["case_id", "condition"])
    got = merged.groupby(["condition", "confidence"]).size().reindex(strata.index, fill_value=0)
    assert (got >= 0.3 * strata).all(), "every (condition, confidence) stratum sampled at >= 30%"
    for _, row in reliability.agreement.iterrows():
        assert row["alpha_lower"] <= row["alpha"] <= row["alpha_upper"]


def test_every_disagreement_is_adjudicated_with_a_reason(reliability):
    log = reliability.adjudication
    assert log is not None
    listed = set(zip(reliability.disagreements["variable"], reliability.disagreements["unit"],
                     strict=True))
    logged = set(zip(log["variable"], log["unit"], strict=True))
    assert listed == logged
    assert (log["reason"].str.len() > 20).all()
    assert set(log["resolution_basis"]) <= {"first", "second", "neither"}
    # neither coder wins by default
    counts = log["resolution_basis"].value_counts()
    assert counts.get("first", 0) > 0 and counts.get("second", 0) > 0


def test_change_log_is_the_diff_of_the_two_releases_and_every_row_has_a_reason():
    spec = importlib.util.spec_from_file_location("build_release", CBM / "build_release.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    fresh = build.release_changes("1.1.0", "1.0.0")
    stored = _read(CBM / "CHANGES_1.1.0.csv")
    pd.testing.assert_frame_equal(stored.reset_index(drop=True),
                                  fresh.astype(str).reset_index(drop=True))
    assert len(stored) > 0
    assert (stored["reason"].str.strip() != "").all(), stored[stored["reason"] == ""].head()


def test_every_source_id_exists(cbm):
    known = set(cbm.table("sources")["source_id"])
    frames = [_read(REL / "second_coding" / "outcomes.csv"),
              _read(REL / "second_coding" / "conditions.csv"),
              _read(REL / "adjudication.csv")]
    for frame in frames:
        for ids in frame["source_ids"]:
            for sid in filter(None, ids.split(";")):
                assert sid in known, sid


def test_sampling_frame_coverage_and_size(cbm):
    frame = _read(CBM / "frame.csv")
    in_data = frame["in_dataset"].str.strip() != ""
    assert in_data.mean() >= 0.90
    arrangements = set(cbm.table("arrangements")["arrangement_id"])
    assert set(frame.loc[in_data, "in_dataset"]) <= arrangements
    assert len(cbm.table("cases")) >= 170
    assert len(arrangements) >= 140


def test_failed_negotiations_are_marked_and_can_be_left_out(cbm):
    wide = cbm.cases_wide()
    failed = wide[wide["negotiation_failed"] == 1]
    assert len(failed) > 0
    assert (failed["transformation"] == 0).all()
    assert (failed[["n_interaction", "n_information", "n_constraint", "n_verification"]]
            .fillna(0) == 0).all().all()
    concluded = cbm.cases_wide(failed_negotiations=False)
    assert len(concluded) == len(wide) - len(failed)
    assert concluded["negotiation_failed"].eq(0).all()
    complete = cbm.complete_cases(failed_negotiations=False)
    assert not set(complete["case_id"]) & set(failed["case_id"])


def test_no_rationale_is_reused_without_saying_so(cbm):
    cond = cbm.table("conditions")
    cases = cbm.table("cases")
    texts = pd.concat([cond["rationale"], cases["transformation_rationale"]])
    repeated = texts[texts.duplicated(keep=False)]
    # identical text is allowed only where it says the facts are the same
    assert repeated.str.contains("same", case=False).all(), repeated.unique()[:5]


def test_codebook_reliability_table_is_rendered_from_the_stored_codings(reliability):
    spec = importlib.util.spec_from_file_location("build_release", CBM / "build_release.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    text = (CBM / "CODEBOOK.md").read_text(encoding="utf-8")
    assert build.START in text, "the codebook has a reliability section with the table"
    assert build.codebook_with_table(text, reliability.agreement) == text


def test_validator_checks_the_failed_negotiation_rules(tmp_path):
    import shutil

    from cbstats.casedata import CaseDataError, read_case_package

    package = tmp_path / "pkg"
    shutil.copytree(CBM, package, ignore=shutil.ignore_patterns("versions", "reliability"))
    arr = _read(package / "arrangements.csv")
    target = "cfe_treaty_1990"
    arr.loc[arr["arrangement_id"] == target, "status"] = "negotiation_failed"
    arr.to_csv(package / "arrangements.csv", index=False, lineterminator="\n")
    with pytest.raises(CaseDataError) as err:
        read_case_package(package)
    text = str(err.value)
    assert "year_in_force" in text and "blank for a negotiation" in text
    assert "standing_body" in text
    assert "no measures for a negotiation" in text
    assert "transformation" in text and "0 for a negotiation" in text
    assert (CBM / "arrangements.csv").read_bytes() != (package / "arrangements.csv").read_bytes()
