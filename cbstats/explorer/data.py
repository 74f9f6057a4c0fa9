"""What the explorer page shows, as one JSON-ready dict: cases, codings, posterior draws, timeline.

The page computes predicted probabilities itself from the exported draws (see
``explorer.js``): the linear predictor of a case is rebuilt from its design row
(population columns, ``mo()`` level indices, group indices) and a thinned set of
posterior draws of the coefficients, simplexes, group effects and cutpoints, exactly as
:func:`cbstats.models.predict.linear_predictor_draws` does for fitted rows. The tests
check the page's numbers against :meth:`BayesResult.predict` for the same draws.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

from ..casedata.schema import CONDITION_LABELS, CONDITIONS, REGION_LABELS, REGIONS
from ..plots.style import OUTCOME_COLORS, OUTCOME_LABELS

__all__ = ["draw_indices", "explorer_data", "model_draws"]

CODING_LABELS = {"transformation": "Outcome: transformation (0-3)", **CONDITION_LABELS}


def draw_indices(n_total: int, n_draws: int) -> np.ndarray:
    """Evenly spaced positions of ``n_draws`` draws among ``n_total`` (chains stacked), all if fewer."""
    if n_draws >= n_total:
        return np.arange(n_total)
    return np.unique(np.linspace(0, n_total - 1, n_draws).round().astype(int))


def _flat(post, name: str, keep: np.ndarray) -> np.ndarray:
    a = post[name].values
    return a.reshape((-1,) + a.shape[2:])[keep]


def _num(a: np.ndarray) -> list:
    """A float array as nested lists of Python floats (full precision in JSON)."""
    return np.asarray(a, dtype=float).tolist()


def model_draws(result: Any, n_draws: int = 200) -> dict[str, Any]:
    """The fitted rows' design and a thinned set of posterior draws, for the page's predictions.

    Parameters
    ----------
    result : BayesResult
        A ``cumulative`` or ``bernoulli`` fit whose varying effects are intercepts
        (``(1 | g)``) or multi-membership intercepts.
    n_draws : int
        Number of draws kept, evenly spaced over the chains.

    Returns
    -------
    dict
        ``family``, ``draw_index`` (positions among the stacked chains), ``obs`` (ids of the
        fitted rows), ``X`` (population columns per row), ``b`` (draws x columns, population
        then ``mo()`` terms), ``mono`` (per ``mo()`` term: variable, levels, ``D``, simplex
        draws, level index per row), ``groups`` (per factor: effect draws, level indices per
        row), ``cutpoints`` or ``intercept`` draws, and the outcome ``categories``.
    """
    from ..models.families import get_family
    from ..models.terms import safe_name

    d = result.design
    post = result.posterior
    total = post.sizes["chain"] * post.sizes["draw"]
    keep = draw_indices(total, n_draws)
    groups = []
    for g in d.groups:
        if g.k != 1:
            raise ValueError(f"the explorer supports varying intercepts only; {g.name} has "
                             f"{g.k} varying coefficients")
        idx = np.asarray(g.index)
        idx = idx[:, None] if idx.ndim == 1 else idx  # multi-membership: several levels per row
        groups.append({"name": g.name, "mm": bool(g.term.mm),
                       "r": _num(_flat(post, f"r_{safe_name(g.name)}", keep)),
                       "index": idx.astype(int).tolist(), "z": _num(np.asarray(g.Z)[:, 0])})
    mono = [{"var": m.term.var, "levels": [float(v) for v in m.levels], "D": float(m.D),
             "simplex": _num(_flat(post, f"simplex_{safe_name(m.term.var)}", keep)),
             "index": np.asarray(m.index).astype(int).tolist()} for m in d.mono]
    fam = get_family(d.family)
    if d.family not in ("cumulative", "bernoulli"):
        raise ValueError(f"the explorer shows cumulative or bernoulli models, not {d.family!r}")
    out: dict[str, Any] = {
        "family": d.family,
        "draw_index": keep.tolist(),
        "n_total_draws": int(total),
        "obs": [str(o) for o in d.obs_ids],
        "X": _num(d.X),
        "b": _num(_flat(post, "b", keep)) if d.coef_names else [[] for _ in keep],
        "mono": mono,
        "groups": groups,
        fam.prior_class: _num(_flat(post, fam.prior_class, keep)),  # "cutpoints" or "intercept"
        "categories": [str(v) for v in (d.response_levels or [0, 1])],
    }
    return out


def _sources(cbm: Any) -> dict[str, str]:
    src = cbm.table("sources")
    refs = {}
    for r in src.itertuples(index=False):
        parts = [f"{r.author_issuer} ({r.year}). {r.title}"]
        if isinstance(r.publisher, str) and r.publisher.strip():
            parts.append(r.publisher.strip())
        refs[r.source_id] = ". ".join(parts) + f". [{r.kind.replace('_', ' ')}]"
    return refs


def _codings(cbm: Any, case_id: str, refs: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for r in cbm.trace(case_id).itertuples(index=False):
        ids = [s for s in str(r.source_ids).split(";") if s]
        value = None if pd.isna(r.value) else float(r.value)
        rows.append({"coding": r.coding, "label": CODING_LABELS.get(r.coding, r.coding), "value": value,
                     "confidence": r.confidence, "rationale": r.rationale,
                     "sources": [{"id": s, "reference": refs.get(s, s)} for s in ids]})
    return rows


def explorer_data(cbm: Any, result: Any, *, model_name: str = "bayes_ordinal", n_draws: int = 200,
                  prob: float = 0.9, banner: str = "") -> dict[str, Any]:
    """Everything the explorer page shows, ready for ``json.dumps``.

    Parameters
    ----------
    cbm : CaseData
        The case package (for codings, rationales and sources).
    result : BayesResult
        The model whose predictions the page shows (fitted on ``cbm``'s cases).
    model_name : str
        Its name in the run.
    n_draws : int
        Posterior draws exported (evenly thinned).
    prob : float
        Mass of the intervals the page shows.
    banner : str
        A warning shown on top of the page (e.g. for a quick run).

    Returns
    -------
    dict
        ``meta``, ``conditions``, ``regions``, ``outcomes``, ``cases``, ``model``, ``timeline``.
    """
    from ..pipeline.findings import dataset_name
    from ..plots.dataset import timeline_data

    wide = cbm.cases_wide()
    draws = model_draws(result, n_draws)
    row_of = {cid: i for i, cid in enumerate(draws["obs"])}
    refs = _sources(cbm)
    cases = []
    for r in wide.sort_values(["year_signed", "case_id"]).itertuples(index=False):
        cases.append({
            "id": r.case_id, "label": r.case_label, "dyad": r.dyad_name, "arrangement": r.arrangement_name,
            "region": r.region, "year": int(r.year_signed), "decade": int(r.decade),
            "outcome": int(r.transformation),
            "scores": {c: (None if pd.isna(getattr(r, c)) else float(getattr(r, c))) for c in CONDITIONS},
            "row": row_of.get(r.case_id), "codings": _codings(cbm, r.case_id, refs),
        })
    timeline = timeline_data(wide)
    mono_vars = [m["var"] for m in draws["mono"]]
    return {
        "meta": {"dataset": dataset_name(cbm), "version": cbm.version, "model": model_name,
                 "formula": result.formula, "family": draws["family"], "seed": result.seed,
                 "n_draws": len(draws["draw_index"]), "n_total_draws": draws["n_total_draws"],
                 "prob": prob, "banner": banner, "n_cases": len(wide), "n_fitted": len(draws["obs"])},
        "conditions": [{"name": c, "label": CONDITION_LABELS[c], "in_model": c in mono_vars}
                       for c in CONDITIONS],
        "regions": [{"id": r, "label": REGION_LABELS[r]} for r in REGIONS if r in set(wide["region"])],
        "outcomes": [{"level": k, "label": OUTCOME_LABELS[k], "color": OUTCOME_COLORS[k],
                      "axis_label": "<br>".join(textwrap.wrap(OUTCOME_LABELS[k], 18))}
                     for k in sorted(OUTCOME_LABELS)],
        "cases": cases,
        "model": draws,
        "timeline": [{"name": t.arrangement_name, "region": t.region, "start": int(t.year_signed),
                      "end": int(t.end), "outcome": int(t.outcome), "n_cases": int(t.n_cases)}
                     for t in timeline.itertuples(index=False)],
    }
