"""Compare fitted models by expected log predictive density."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .loo import ELPDResult
from .result import BayesResult

__all__ = ["compare"]

COMPARE_COLUMNS = ["model", "elpd", "se", "elpd_diff", "se_diff", "p", "method", "n_high_pareto_k"]


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
        n_high_pareto_k``, best model first; ``elpd_diff`` is relative to the
        best model and ``se_diff`` is the standard error of that difference
        from the pointwise contributions.
    """
    if not isinstance(models, Mapping):
        models = {f"model{i}": m for i, m in enumerate(models)}
    if len(models) < 1:
        raise ValueError("compare() needs at least one model")
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
            }
        )
    return (
        pd.DataFrame(rows, columns=COMPARE_COLUMNS)
        .sort_values("elpd", ascending=False)
        .reset_index(drop=True)
    )
