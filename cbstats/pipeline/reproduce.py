"""Run the analyses, record provenance in ``manifest.json``, report what ran."""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ..casedata import CaseDataError, load_cbm, read_case_package
from . import provenance
from .analyses import ANALYSES, get_analysis
from .context import RunContext
from .outputs import output_folder_problem, sha256_file
from .report import REPORT_NAME, build_report

DEFAULT_SEED = 20261127


def _say(message: str) -> None:
    print(message, flush=True)


def reproduce(
    *,
    out: str | Path = "results",
    only: Sequence[str] | None = None,
    seed: int = DEFAULT_SEED,
    quick: bool = False,
    strict: bool = False,
    data_path: str | Path | None = None,
    command: Sequence[str] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Any = None,
) -> int:
    """Run every analysis (or those named in ``only``) and write ``manifest.json``.

    Parameters
    ----------
    out : str or Path
        Output folder.
    only : sequence of str, optional
        Names of analyses to run (default: all, in order).
    seed : int
        Base random seed.
    quick : bool
        Few draws; outputs are marked as a quick run.
    strict : bool
        Fail (exit code 1) when any Bayesian fit fails its diagnostics.
    data_path : str or Path, optional
        A case package folder to use instead of the bundled dataset.
    command : sequence of str, optional
        Command line recorded in the manifest (default: ``sys.argv``).
    workers, scheduler, executor : optional
        Where groups of refits (comparison models, k-fold, robustness refits)
        run: local workers, a Dask scheduler address, or an executor / Dask
        client; default from ``CBSTATS_SCHEDULER`` / ``CBSTATS_WORKERS``, else
        one local worker per core (see :func:`cbstats.refits.get_executor`).

    Returns
    -------
    int
        0 when every analysis ran (and, with ``strict``, every fit passed), else 1.
    """
    out = Path(out)
    problem = output_folder_problem(out)
    if problem is not None:  # before any work: not after minutes of fitting
        _say(f"FAILED: {problem}; nothing was run.")
        return 1
    started = provenance.now_utc()
    t0 = time.perf_counter()
    selected = [get_analysis(n) for n in only] if only else list(ANALYSES)
    from ..refits.config import executor_scope

    with ExitStack() as stack:
        try:  # bad settings are reported before any work starts (the folder was checked above)
            ex = stack.enter_context(executor_scope(executor, workers=workers, scheduler=scheduler))
        except (ValueError, ConnectionError, PermissionError) as err:
            _say(f"FAILED: {err}. Nothing was run.")
            return 2
        previous, ex.report = ex.report, lambda line: _say(f"    {line}")  # a line per group
        stack.callback(setattr, ex, "report", previous)
        return _run(out, selected, seed, quick, strict, data_path, command, ex, started, t0)


def _run(out, selected, seed, quick, strict, data_path, command, ex, started, t0) -> int:
    try:
        data = read_case_package(data_path) if data_path else load_cbm()
    except CaseDataError as err:
        _say(err.report())
        _say(f"FAILED: the dataset did not validate; nothing was run. Outputs: {out}/ (none written)")
        return 1
    ctx = RunContext(out=out, seed=seed, quick=quick, data=data, executor=ex)
    runs = []
    note_analyses: list[str | None] = []  # the analysis that first recorded each note
    for i, analysis in enumerate(selected, start=1):
        ctx.analysis = analysis.name
        _say(f"[{i}/{len(selected)}] {analysis.name}: {analysis.description} ...")
        a0 = time.perf_counter()
        status, error = "ok", None
        try:
            analysis.run(ctx)
        except Exception as exc:  # report and continue with the next analysis
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        seconds = round(time.perf_counter() - a0, 2)
        _say(f"[{i}/{len(selected)}] {analysis.name}: {status} in {seconds:.1f} s")
        runs.append({"name": analysis.name, "status": status, "error": error, "seconds": seconds})
        note_analyses += [analysis.name] * (len(ctx.notes) - len(note_analyses))
    ctx.analysis = None
    failed = [r["name"] for r in runs if r["status"] != "ok"]
    bad_fits = [f["name"] for f in ctx.fits if not f.get("passed", False)]
    manifest = {
        "command": list(command if command is not None else sys.argv),
        "started_utc": started,
        "finished_utc": provenance.now_utc(),
        "wall_seconds": round(time.perf_counter() - t0, 2),
        "seed": seed,
        "quick": quick,
        "strict": strict,
        "refits": {"backend": ex.name, "workers": ex.n_workers},
        "git_commit": provenance.git_commit(Path(__file__).resolve().parent),
        "environment": provenance.environment(),
        "data": {
            "source": data.source,
            "version": data.version,
            "sha256": data.data_hash(),
            "files": data.file_hashes(),
        },
        "analyses": runs,
        "fits": ctx.fits,
        "notes": ctx.notes,
        "note_records": [{"text": n, "analysis": a} for n, a in zip(ctx.notes, note_analyses, strict=True)],
        "findings": ctx.findings,
        "records": ctx.records,
    }
    report_error = None
    try:  # after the analyses, before the manifest, so that the manifest lists the report
        build_report(ctx, manifest)
    except Exception as exc:  # a broken report must not lose the manifest
        report_error = manifest["report_error"] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    manifest["outputs"] = {
        p.relative_to(out).as_posix(): sha256_file(p) for p in sorted(ctx.written) if p.is_file()
    }
    ctx.write_json("manifest.json", manifest)
    ok = not failed and not (strict and bad_fits) and report_error is None
    summary = f"ran {len(runs) - len(failed)}/{len(runs)} analyses"
    if failed:
        summary += f"; FAILED: {', '.join(failed)}"
    if report_error:
        summary += f"; report FAILED: {report_error}"
    if bad_fits:
        summary += f"; fits failing diagnostics: {', '.join(bad_fits)}"
    _say(f"{'DONE' if ok else 'FAILED'}: {summary}. Outputs in {out}/ (manifest: {out / 'manifest.json'}"
         f"{'' if report_error else f', report: {out / REPORT_NAME}'})")
    return 0 if ok else 1
