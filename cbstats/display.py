"""Short printed forms of results, for an 80-column terminal.

``print(result.summary())`` shows term, estimate, interval, ESS and R-hat
(or the standard error, for maximum-likelihood baselines) in at most 80
columns; the object itself is a :class:`SummaryTable`, a full
:class:`pandas.DataFrame` with every column, so code, ``to_csv()``,
``to_string()`` and notebooks (HTML) see everything. The result objects get a
``repr`` of a few lines built here. Only numpy and pandas are imported, so
the frequentist baselines can use this module without loading PyMC.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DiagnosticsTable",
    "SummaryTable",
    "baseline_repr",
    "bayes_repr",
    "compact_diagnostics",
    "compact_summary",
    "elpd_repr",
]

WIDTH = 80
MAX_ROWS = 60
"""Tables with more rows print their first 30 and last 10 rows."""


def _clip(text: str, width: int, *, middle: bool = True) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis (in the middle, or at the end)."""
    if len(text) <= width:
        return text
    keep = width - 1
    if not middle:
        return text[:keep] + "…"
    return text[: keep - keep // 3] + "…" + text[len(text) - keep // 3:]


def _num(x: float, decimals: int = 2) -> str:
    """A number with fixed decimals (thousands separated), '-' when missing."""
    if x is None or not np.isfinite(x):
        return "-"
    return f"{x:,.{decimals}f}" if abs(x) < 1e6 else f"{x:.3g}"


HEAD_ROWS, TAIL_ROWS = 30, 10


def _rows_shown(n: int) -> tuple[list[int], int]:
    """Indices of the rows to print and how many are left out."""
    if n <= MAX_ROWS:
        return list(range(n)), 0
    return list(range(HEAD_ROWS)) + list(range(n - TAIL_ROWS, n)), n - HEAD_ROWS - TAIL_ROWS


def compact_summary(frame: pd.DataFrame, width: int = WIDTH) -> str:
    """A summary table (the shared tidy columns) in at most ``width`` columns.

    Shows ``term``, ``estimate``, the interval ``[lower, upper]`` (two
    decimals) and, for Bayesian fits, bulk ESS and R-hat (three decimals),
    for maximum-likelihood fits the standard error. Long term labels are
    shortened in the middle; more than 60 rows are shown as the first 30 and
    the last 10.
    """
    n = len(frame)
    prob = frame["prob"].iloc[0] if "prob" in frame and n else np.nan
    method = str(frame["method"].iloc[0]) if "method" in frame and n else ""
    bayes = "r_hat" in frame and frame["r_hat"].notna().any()
    label = f"{prob:.0%} interval" if np.isfinite(prob) else "interval"
    cells = []
    for _, row in frame.iterrows():
        interval = f"[{_num(row['lower'])}, {_num(row['upper'])}]"
        extra = ([_num(row["ess_bulk"], 0), _num(row["r_hat"], 3)]
                 if bayes else [_num(row["std_error"])])
        cells.append([str(row["term"]), _num(row["estimate"]), interval, *extra])
    heads = ["term", "estimate", label, *(["ess_bulk", "r_hat"] if bayes else ["std_error"])]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(heads)]
    room = width - sum(widths[1:]) - 2 * (len(heads) - 1)
    widths[0] = max(12, min(widths[0], room))
    kind = "posterior summary" if bayes else f"{method or 'estimate'} summary"
    lines = [f"{kind}: {n} parameter{'s' if n != 1 else ''}"
             + (f", {label}s" if bayes else f", {label}s (Wald)")]
    lines.append("  ".join([heads[0].ljust(widths[0])] + [h.rjust(w) for h, w in zip(heads[1:], widths[1:],
                                                                                      strict=True)]))
    shown, left_out = _rows_shown(n)
    for k, i in enumerate(shown):
        if left_out and k == HEAD_ROWS:
            lines.append(f"... {left_out} more rows ...")
        c = cells[i]
        lines.append("  ".join([_clip(c[0], widths[0]).ljust(widths[0])]
                               + [v.rjust(w) for v, w in zip(c[1:], widths[1:], strict=True)]))
    lines.append("(a DataFrame: all columns with .to_string(), or as data)")
    return "\n".join(line.rstrip() for line in lines)


class SummaryTable(pd.DataFrame):
    """A posterior or baseline summary: a full DataFrame with a compact ``repr``.

    Everything a DataFrame does works as usual and returns plain DataFrames;
    only the text shown by ``print()``/``repr()`` is compact
    (:func:`compact_summary`). ``to_string()`` prints every column.
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def __repr__(self) -> str:
        needed = {"term", "estimate", "lower", "upper", "std_error", "prob"}
        if not needed.issubset(self.columns):
            return super().__repr__()
        return compact_summary(self)


def compact_diagnostics(frame: pd.DataFrame, width: int = WIDTH) -> str:
    """The diagnostics table in at most ``width`` columns, failing items shortened."""
    passed = int(frame["passed"].sum())
    lines = [f"MCMC diagnostics: {passed} of {len(frame)} checks passed"]
    head = f"{'check':<12}{'needs':<10}{'worst':>9}  {'ok':<4}failing"
    lines.append(head)
    for r in frame.itertuples(index=False):
        failing = "" if r.passed else f"{r.n_failing}: {r.failing}"
        value = _num(r.value, 3 if r.check in ("r_hat", "e_bfmi") else 0)
        start = f"{r.check:<12}{r.threshold:<10}{value:>9}  {'yes' if r.passed else 'NO':<4}"
        lines.append(start + _clip(failing, max(10, width - len(start)), middle=False) if failing
                     else start.rstrip())
    return "\n".join(lines)


class DiagnosticsTable(pd.DataFrame):
    """The table of :meth:`BayesResult.diagnostics`: a full DataFrame with a compact ``repr``."""

    @property
    def _constructor(self):
        return pd.DataFrame

    def __repr__(self) -> str:
        if not {"check", "threshold", "value", "passed", "n_failing", "failing"}.issubset(self.columns):
            return super().__repr__()
        return compact_diagnostics(self)


def _wrap(label: str, text: str, width: int = WIDTH) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=f"  {label}: ", subsequent_indent=" " * 6,
                         break_on_hyphens=False) or [f"  {label}:"]


def bayes_repr(result: Any) -> str:
    """A few lines on a :class:`~cbstats.models.BayesResult` (cheap: no ESS or R-hat)."""
    post = result.posterior
    chains, draws = post.sizes["chain"], post.sizes["draw"]
    ss = result.idata.sample_stats
    divergent = int(ss["diverging"].sum()) if "diverging" in ss else 0
    lines = [f"<BayesResult: {result.family} model, {result.design.n_obs} observations>"]
    lines += _wrap("formula", result.formula)
    lines += _wrap("sampled", f"{result.sampler}, {chains} chains x {draws:,} draws, seed {result.seed}, "
                              f"{divergent} divergent transition{'s' if divergent != 1 else ''}")
    lines.append("  see .summary(), .diagnostics(), .predict(), .loo()")
    return "\n".join(lines)


def baseline_repr(result: Any) -> str:
    """A few lines on a :class:`~cbstats.baselines.BaselineResult`."""
    lines = [f"<BaselineResult: {result.family} ({result.link}), maximum likelihood, {result.nobs} obs.>"]
    lines += _wrap("formula", result.formula)
    state = "converged" if result.converged else "DID NOT CONVERGE"
    lines += _wrap("fit", f"{len(result.params)} parameters, log-likelihood {result.llf:.2f}, "
                          f"AIC {result.aic:.1f}, {state}, covariance {result.cov_type}")
    if result.notes:
        lines.append(f"  {len(result.notes)} note{'s' if len(result.notes) != 1 else ''} in .notes")
    lines.append("  see .summary()")
    return "\n".join(lines)


def elpd_repr(elpd: Any) -> str:
    """A few lines on an :class:`~cbstats.models.elpd.ELPDResult`, without the pointwise arrays."""
    n = len(elpd.pointwise)
    how = f"exact {elpd.folds}-fold cross-validation" if elpd.method == "kfold" else "PSIS-LOO"
    lines = [f"<ELPDResult: {how}, {n} observations>",
             f"  elpd {elpd.elpd:.1f} (SE {elpd.se:.1f})"
             + (f", effective parameters {elpd.p:.1f}" if np.isfinite(elpd.p) else "")]
    if elpd.pareto_k is not None:
        lines.append(f"  Pareto k: max {np.max(elpd.pareto_k):.2f}, {elpd.n_high_k} above the threshold"
                     + (" (hence k-fold)" if elpd.method == "kfold" and elpd.n_high_k else ""))
    failed = getattr(elpd, "n_failed_folds", 0)
    if failed:
        lines.append(f"  {failed} fold(s) failed their diagnostics: see .fold_table")
    lines.append("  see .to_frame(), .pointwise, .pareto_k")
    return "\n".join(lines)
