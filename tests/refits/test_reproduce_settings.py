"""`cbstats reproduce` refit settings: bad values stop the run before any work."""

from __future__ import annotations

import pytest

from cbstats.cli import main


@pytest.mark.parametrize(("args", "message"), [
    (["--workers", "0"], "workers must be a positive integer (1, 2, ...), got 0"),
    (["--workers", "-3"], "workers must be a positive integer (1, 2, ...), got -3"),
    (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"),
])
def test_bad_refit_settings_are_reported_before_any_work(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    code = main(["reproduce", "--only", "descriptives", "--out", str(out), *args])
    printed = capsys.readouterr().out
    assert code == 2
    assert message in printed and "Nothing was run" in printed
    assert not list(out.glob("**/*.csv")) and not (out / "manifest.json").exists()


def test_unwritable_output_folder_is_reported_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(SystemExit) as exit_info:  # a usage error of the command line
        main(["reproduce", "--only", "descriptives", "--out", str(blocker / "results")])
    assert exit_info.value.code == 2
    printed = capsys.readouterr().err
    assert f"{blocker} is a file, so the folder cannot be created there" in printed
    assert blocker.read_text() == "a file where the output folder should be"
    assert not (tmp_path / "results").exists()


def test_environment_chooses_the_backend_and_every_group_reports_a_line(tmp_path, monkeypatch,
                                                                       capsys):
    import importlib

    from cbstats.refits import SerialExecutor

    rep = importlib.import_module("cbstats.pipeline.reproduce")  # the module, not the function

    seen = {}

    def fake_run(out, selected, seed, quick, strict, data_path, command, ex, started, t0):
        seen["executor"] = ex
        ex.run(abs, [-1, -2], label="demo refits", progress=False)  # a group of "refits"
        return 0

    monkeypatch.setattr(rep, "_run", fake_run)
    monkeypatch.setenv("CBSTATS_SCHEDULER", "serial")
    assert main(["reproduce", "--only", "descriptives", "--out", str(tmp_path / "o")]) == 0
    assert isinstance(seen["executor"], SerialExecutor)
    assert "    demo refits: 2/2 refits ok, 0 failed" in capsys.readouterr().out
    assert seen["executor"].report is None  # the line printer is removed after the run
    monkeypatch.setenv("CBSTATS_SCHEDULER", "local")
    monkeypatch.setattr(rep, "_run", lambda *a: seen.update(executor=a[7]) or 0)
    assert main(["reproduce", "--workers", "3", "--out", str(tmp_path / "o")]) == 0
    assert seen["executor"].name == "local" and seen["executor"].n_workers == 3
