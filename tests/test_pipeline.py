"""Reproduction pipeline: manifest, atomic outputs, identical reruns."""

from __future__ import annotations

import json
import os
import stat
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cbstats.models import UnobservedLevelWarning
from cbstats.ordinal import ordered
from cbstats.pipeline import reproduce
from cbstats.pipeline.context import RunContext
from cbstats.pipeline.fitting import get_fit
from cbstats.pipeline.outputs import sha256_file, write_atomic, write_text


def test_write_atomic_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "table.csv"
    write_text(target, "old\n")

    def broken_writer(path: Path) -> None:
        path.write_text("half a fi")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken_writer)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]  # no temp file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_descriptives_manifest_and_identical_rerun(mini_package, tmp_path, capsys):
    out1, out2 = tmp_path / "r1", tmp_path / "r2"
    assert reproduce(out=out1, only=["descriptives"], data_path=mini_package, seed=1, command=["t"]) == 0
    assert reproduce(out=out2, only=["descriptives"], data_path=mini_package, seed=1, command=["t"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("DONE") and str(out2) in last
    manifest = json.loads((out1 / "manifest.json").read_text())
    assert manifest["seed"] == 1 and manifest["data"]["version"] == "1.0.0"
    assert set(manifest["data"]["files"]) >= {"cases.csv", "conditions.csv", "datapackage.json"}
    assert manifest["analyses"][0]["status"] == "ok"
    assert "pymc" in manifest["environment"]["packages"]
    outputs = manifest["outputs"]
    for rel in ("validation_report.txt", "tables/descriptive_cases_by_region.csv",
                "figures/cases_conditions_heatmap.png", "figures/arrangements_timeline.pdf"):
        assert rel in outputs
        assert outputs[rel] == sha256_file(out1 / rel)
    manifest2 = json.loads((out2 / "manifest.json").read_text())
    tables = {k: v for k, v in outputs.items() if k.startswith("tables/") or k.endswith(".txt")}
    assert tables == {k: manifest2["outputs"][k] for k in tables}


def test_quick_outputs_say_so(mini_package, tmp_path):
    assert reproduce(out=tmp_path, only=["descriptives"], data_path=mini_package, quick=True) == 0
    first_line = (tmp_path / "tables" / "descriptive_cases_by_region.csv").read_text().splitlines()[0]
    assert first_line.startswith("# QUICK RUN")
    assert json.loads((tmp_path / "manifest.json").read_text())["quick"] is True


def test_invalid_data_fails_cleanly(mini_package, tmp_path, capsys):
    (mini_package / "cases.csv").write_text("case_id\n", encoding="utf-8")
    assert reproduce(out=tmp_path / "r", data_path=mini_package) == 1
    assert "FAILED" in capsys.readouterr().out
    assert not (tmp_path / "r").exists()


def test_get_fit_records_unobserved_scale_levels_as_a_run_note(tmp_path):
    """A mo() level that no case has becomes a run note naming the fit, not a console line."""
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"case_id": [f"c{i}" for i in range(40)],
                         "x": ordered(rng.choice([0.33, 0.67, 1.0], 40), [0.0, 0.33, 0.67, 1.0]),
                         "institutionalized": rng.integers(0, 2, 40)})
    ctx = RunContext(out=tmp_path, seed=1, quick=True, data=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        get_fit(ctx, "m", "institutionalized ~ mo(x)", "bernoulli", data, save=False)
    assert not [w for w in caught if issubclass(w.category, UnobservedLevelWarning)]
    assert len(ctx.notes) == 1 and ctx.notes[0].startswith("mo(x): level(s) [0.0]")
    assert ctx.notes[0].endswith("(fits: m (40 cases))") and ctx.fits[0]["name"] == "m"
    # a second fit with the same problem joins the same note; a new problem is a new note
    ctx.add_fit_note(ctx.notes[0].rsplit(" (fits:", 1)[0], "m2 (30 cases)")
    ctx.add_fit_note("another problem", "m2 (30 cases)")
    assert ctx.notes[0].endswith("(fits: m (40 cases), m2 (30 cases))")
    assert ctx.notes[1] == "another problem (fits: m2 (30 cases))"


@pytest.mark.slow
def test_sets_analysis_writes_its_outputs(mini_package, tmp_path):
    """The set-theoretic analysis runs on a small package and says the regression is absent."""
    assert reproduce(out=tmp_path, only=["sets"], data_path=mini_package, quick=True, seed=3) == 0
    tables = {p.stem for p in (tmp_path / "tables").glob("sets_*.csv")}
    assert {"sets_necessity", "sets_solutions", "sets_cutoff_robustness", "sets_paths"} <= tables
    necessity = pd.read_csv(tmp_path / "tables" / "sets_necessity.csv", comment="#")
    assert {"inclN_coded", "inclN_lo", "inclN_hi", "p_value"} <= set(necessity.columns)
    assert (necessity["inclN_lo"] <= necessity["inclN_hi"] + 1e-12).all()
    findings = (tmp_path / "sets_findings.md").read_text()
    assert "models analysis did not run" in findings
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert any("sets_findings.md" in json.dumps(entry) for entry in manifest.get("outputs", manifest.get("files", [])))
