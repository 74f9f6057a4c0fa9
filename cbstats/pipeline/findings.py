"""Findings in words, computed from the numbers of a run (shown at the top of the report).

Each function takes the numbers an analysis has just computed and returns short
sentences; the analyses record them with :meth:`RunContext.add_finding`. Nothing
here is fixed text about the study: every number comes from the arguments.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..tables.labels import term_label


def _f(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace("-", "−")


def dataset_name(data: Any) -> str:
    """The dataset's title from its descriptor (``datapackage.json``), else its folder or file name."""
    from pathlib import Path

    title = (getattr(data, "descriptor", None) or {}).get("title")
    return str(title) if title else Path(str(data.source)).name


def dataset_findings(data: Any, wide: pd.DataFrame) -> list[str]:
    """Size and outcome distribution of the dataset."""
    n = len(wide)
    years = wide["year_signed"].dropna()
    top = int((wide["transformation"] == wide["transformation"].max()).sum()) if n else 0
    inst = int(wide["institutionalized"].sum()) if "institutionalized" in wide else top
    span = f", signed {int(years.min())}–{int(years.max())}" if len(years) else ""
    return [f"The dataset ({dataset_name(data)}, version {data.version}) has {n} cases (dyads under an "
            f"arrangement) in {wide['dyad_id'].nunique()} dyads and {wide['region'].nunique()} regions, "
            f"under {wide['arrangement_id'].nunique()} arrangements{span}; {inst} of {n} cases "
            f"({100 * inst / max(n, 1):.0f}%) reached an institutionalized transformation."]


def coefficient_findings(result: Any, name: str, *, prob: float = 0.9, passed: bool = True) -> list[str]:
    """Which population effects have a ``prob`` credible interval that excludes zero.

    Parameters
    ----------
    result : BayesResult
        A fitted model.
    name : str
        Its name in the run (e.g. ``bayes_ordinal``).
    prob : float
        Interval mass.
    passed : bool
        Whether the fit passed its diagnostics (the sentence says so when not).
    """
    s = result.summary(prob)
    b = s[s["param_class"] == "b"]
    draws = result.posterior["b"].values.reshape(-1, len(b)) if "b" in result.posterior else None
    clear, parts = [], []
    for i, row in enumerate(b.itertuples(index=False)):
        if row.lower > 0 or row.upper < 0:
            p_pos = float((draws[:, i] > 0).mean()) if draws is not None else float("nan")
            direction = "raises" if row.estimate > 0 else "lowers"
            clear.append(f"{term_label(row.term)} {direction} it ({_f(row.estimate)} "
                         f"[{_f(row.lower)}, {_f(row.upper)}], P(b > 0) = {p_pos:.2f})")
    pct = f"{100 * prob:g}%"
    outcome = result.response
    if clear:
        parts.append(f"In {name} ({outcome}), {len(clear)} of {len(b)} population effects have a {pct} "
                     f"credible interval that excludes zero (log-odds scale): " + "; ".join(clear) + ".")
    else:
        parts.append(f"In {name} ({outcome}), none of the {len(b)} population effects has a {pct} "
                     "credible interval that excludes zero.")
    if not passed:
        parts.append(f"{name} FAILED its sampler diagnostics: these estimates are not reliable.")
    return parts


def comparison_findings(table: pd.DataFrame, kind: str) -> list[str]:
    """Best model by expected log predictive density, and how far the runner-up is behind."""
    if table.empty:
        return []
    best = table.iloc[0]
    text = f"Model comparison ({kind}): '{best['model']}' has the highest expected log predictive density"
    if len(table) > 1:
        second = table.iloc[1]
        diff, se = float(second["elpd_diff"]), float(second["se_diff"])
        ratio = abs(diff) / se if se > 0 else np.inf
        verdict = ("a clear difference" if ratio > 2 else "a difference within two standard errors, "
                   "so the data do not separate the two")
        text += (f"; the next, '{second['model']}', is {_f(abs(diff), 1)} lower (SE {_f(se, 1)}), "
                 f"{verdict}")
    return [text + f" (method: {', '.join(sorted(set(map(str, table['method']))))})."]


def refit_findings(rows: pd.DataFrame) -> list[str]:
    """The largest shift of a coefficient among the refits on subsets of cases."""
    if rows.empty:
        return []
    top = rows.loc[rows["shift_in_sd"].abs().idxmax()]
    n_big = int((rows["shift_in_sd"].abs() > 1).sum())
    return [f"Refitting on subsets of better-documented cases moves {n_big} of {len(rows)} "
            f"coefficient estimates by more than one posterior SD of the main model; the largest shift "
            f"is {term_label(top['term'])} in the {top['model']} model on subset "
            f"'{top['subset']}' ({top['n_cases']} cases): {_f(top['shift_in_sd'])} SD."]


def sensitivity_findings(table: pd.DataFrame, name: str) -> list[str]:
    """Parameters whose power-scaling sensitivity flags a concern."""
    if table.empty:
        return []
    all_priors = table[table["priors_scaled"] == "all priors"]
    flagged = all_priors[all_priors["diagnosis"] != "no concern"]
    if flagged.empty:
        return [f"Prior sensitivity ({name}): no coefficient or cutpoint is flagged (power-scaling "
                "sensitivity < 0.05 for the priors taken together)."]
    terms = ", ".join(f"{term_label(t)} ({d})" for t, d in zip(flagged["term"], flagged["diagnosis"],
                                                                strict=True))
    return [f"Prior sensitivity ({name}): {len(flagged)} of {len(all_priors)} parameters are flagged: "
            f"{terms}."]


def profile_findings(profiles: pd.DataFrame, model: str) -> list[str]:
    """The range of predicted probabilities across observed condition profiles."""
    if profiles.empty:
        return []
    hi, lo = profiles.iloc[0], profiles.iloc[-1]
    return [f"Predicted probability of an institutionalized transformation ({model}) ranges across the "
            f"{len(profiles)} observed condition profiles from {_f(lo['p_mean'])} "
            f"[{_f(lo['p_lower'])}, {_f(lo['p_upper'])}] (profile {lo['profile']}, {lo['n_cases']} "
            f"case(s)) to {_f(hi['p_mean'])} [{_f(hi['p_lower'])}, {_f(hi['p_upper'])}] (profile "
            f"{hi['profile']}, {hi['n_cases']} case(s)); profiles list the scores of "
            f"{hi['profile_order'].replace('/', ', ')}."]
