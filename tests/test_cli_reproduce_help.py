"""``cbstats reproduce --help`` lists the analyses (from the registry), the defaults and the outputs."""

from __future__ import annotations

import pytest

from cbstats.cli import main


def reproduce_help(capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main(["reproduce", "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


def test_help_lists_analyses_defaults_and_outputs(capsys):
    from cbstats.pipeline import ANALYSES, DEFAULT_SEED
    from cbstats.pipeline.fitting import SETTINGS

    text = reproduce_help(capsys)
    for analysis in ANALYSES:
        assert f"  {analysis.name}" in text and analysis.description in text
    assert f"--seed {DEFAULT_SEED}" in text
    assert f"{SETTINGS['main']['chains']} chains x {SETTINGS['main']['draws']:,} draws" in text
    for output in ("manifest.json", "report.html", "tables/", "figures/", "posteriors/"):
        assert output in text


def test_help_follows_the_registry(capsys, monkeypatch):
    import cbstats.pipeline as pipeline
    from cbstats.pipeline.analyses import Analysis

    extra = Analysis("sets_demo", "a registered analysis the help must show", lambda ctx: None)
    monkeypatch.setattr(pipeline, "ANALYSES", (*pipeline.ANALYSES, extra))
    assert "sets_demo" in reproduce_help(capsys)
