"""The command-line interface: exit codes, reports, speed of --help (no PyMC import)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from cbstats.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cbstats.cli", *args], capture_output=True, text=True)


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from cbstats.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('pymc','pytensor','arviz','matplotlib','statsmodels','pandas') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_validate_clean(mini_package, capsys):
    assert main(["validate", str(mini_package)]) == 0
    assert "no problems" in capsys.readouterr().out


def test_validate_broken_copy_lists_every_problem(mini_package):
    cond = mini_package / "conditions.csv"
    cond.write_text(cond.read_text().replace(",fatigue,0,", ",fatigued,0,", 1))
    arr = mini_package / "arrangements.csv"
    arr.write_text(arr.read_text().replace("1990,1991,2000", "1990,1989,2000"))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in mini_package.iterdir()}
    result = run_cli("validate", str(mini_package))
    assert result.returncode == 1
    assert "conditions.csv:2" in result.stdout and "'fatigued'" in result.stdout
    assert "arrangements.csv:3" in result.stdout and "year_in_force" in result.stdout
    assert before == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in mini_package.iterdir()}


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("validate", str(tmp_path / "missing")).returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("reproduce", "--only", "no_such_analysis").returncode == 2


def test_describe(mini_package, capsys):
    assert main(["describe", str(mini_package)]) == 0
    out = capsys.readouterr().out
    assert "cases by region" in out and "South Asia" in out and "condition coverage" in out
