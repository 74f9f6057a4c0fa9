"""Compare fitted models by expected log predictive density."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .elpd import ELPDResult
from .result import BayesResult

__all__ = ["compare", "check_same_observations"]

COMPARE_COLUMNS = ["model", "elpd", "se", "elpd_diff", "se_diff", "p", "method", "n_high_pareto_k",
                   "n_failed_folds"]


def _obs_ids(model: BayesResult | ELPDResult) -> np.ndarray | None:
    if isinstance(model, BayesResult):
        return np.asarray(model.design.obs_ids)
    ids = getattr(model, "obs_ids", None)
    return None if ids is None else np.asarray(ids)


def _n_rows(model: BayesResult | ELPDResult) -> int:
    if isinstance(model, BayesResult):
        return int(model.design.n_obs)
    return len(model.pointwise)


def check_same_observations(models: Mapping[str, BayesResult | ELPDResult]) -> None:
    """Raise ``ValueError`` unless every model was fitted to the same observation ids.

    Runs before any LOO or refit. The message names the models that differ
    from the first one, how many rows each has, and some ids present in one
    but not the other. Models whose ids are unknown (a bare
    :class:`ELPDResult`) are compared by their number of rows.
    """
    names = list(models)
    ref_name = names[0]
    ref_ids, ref_n = _obs_ids(models[ref_name]), _n_rows(models[ref_name])
    problems = []
    for name in names[1:]:
        ids, n = _obs_ids(models[name]), _n_rows(models[name])
        if ids is not None and ref_ids is not None:
            if n == ref_n and np.array_equal(ids.astype(str), ref_ids.astype(str)):
                continue
            a, b = set(map(str, ref_ids)), set(map(str, ids))
            detail = []
            if a - b:
                detail.append(f"{len(a - b)} id(s) only in {ref_name!r}, e.g. {sorted(a - b)[:5]}")
            if b - a:
                detail.append(f"{len(b - a)} id(s) only in {name!r}, e.g. {sorted(b - a)[:5]}")
            if not detail:
                detail.append("the same ids in a different order")
        elif n == ref_n:
            continue
        else:
            detail = []
        problems.append(f"{name!r} has {n} rows, {ref_name!r} has {ref_n}"
                        + (f" ({'; '.join(detail)})" if detail else ""))
    if problems:
        raise ValueError("compare() needs models fitted to the same observations; "
                         + "; ".join(problems))


def compare(
    models: Mapping[str, BayesResult | ELPDResult] | Sequence[BayesResult | ELPDResult],
    **loo_kwargs: Any,
) -> pd.DataFrame:
    """Comparison table of models fitted to the same observations.

    Parameters
    ----------
    models
        ``{name: result}`` (or a list; names then are ``model0``, ...). Each
        value is a :class:`BayesResult` (its :meth:`~BayesResult.loo` is run
        with ``loo_kwargs``) or a precomputed :class:`ELPDResult`.

    Returns
    -------
    pandas.DataFrame
        Columns ``model, elpd, se, elpd_diff, se_diff, p, method,
        n_high_pareto_k, n_failed_folds``, best model first; ``elpd_diff`` is
        relative to the best model and ``se_diff`` is the standard error of
        that difference from the pointwise contributions.

    Raises
    ------
    ValueError
        Before any LOO or refit, if the models were not fitted to the same
        observation ids (the message names the models and their row counts).
    """
    if not isinstance(models, Mapping):
        models = {f"model{i}": m for i, m in enumerate(models)}
    if len(models) < 1:
        raise ValueError("compare() needs at least one model")
    check_same_observations(models)
    elpds = {
        name: (m.loo(**loo_kwargs) if isinstance(m, BayesResult) else m)
        for name, m in models.items()
    }
    sizes = {len(e.pointwise) for e in elpds.values()}
    if len(sizes) != 1:
        raise ValueError("models were evaluated on different numbers of observations")
    best = max(elpds, key=lambda k: elpds[k].elpd)
    rows = []
    for name, e in elpds.items():
        diff = e.pointwise - elpds[best].pointwise
        rows.append(
            {
                "model": name,
                "elpd": e.elpd,
                "se": e.se,
                "elpd_diff": float(diff.sum()),
                "se_diff": float(np.sqrt(len(diff) * np.var(diff))),
                "p": e.p,
                "method": e.method,
                "n_high_pareto_k": e.n_high_k,
                "n_failed_folds": getattr(e, "n_failed_folds", 0),
            }
        )
    return (
        pd.DataFrame(rows, columns=COMPARE_COLUMNS)
        .sort_values("elpd", ascending=False)
        .reset_index(drop=True)
    )
