"""Group levels in new data that the fit has not seen: a new level, or a typo?

``predict(newdata)`` needs the group-level effect of every row. For a level
the model was fitted on, that is its posterior draw. For a level it has never
seen there is no estimate; the only defensible prediction is to draw the
effect from the fitted population distribution (``Normal(0, sd)``, or the LKJ
covariance for correlated slopes), which widens the prediction by the
between-group variation. That is right for a genuinely new region or dyad,
and wrong for ``"South Asia"`` when the fit knows ``"south_asia"``: the
prediction would silently ignore everything learned about South Asia.

So, as in brms (``allow_new_levels = FALSE``), lme4 (``allow.new.levels =
FALSE``) and bambi (``sample_new_groups=False``), unknown levels are an error
unless the user says they are new, ``new_levels="sample"``. The error names
every unknown level with the nearest known levels (:mod:`difflib`, after
ignoring case, spaces, hyphens and underscores); with ``new_levels="sample"``
a level that is that close to a known one still gets a warning.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

import pandas as pd

from .._warn import warn_user

if TYPE_CHECKING:
    from .design import Design

__all__ = ["NEW_LEVEL_OPTIONS", "check_new_levels", "nearest_levels", "unknown_levels"]

NEW_LEVEL_OPTIONS = (None, "sample")


def _norm(label: str) -> str:
    return re.sub(r"[\s_\-]+", "_", str(label).strip().lower())


def nearest_levels(label: str, known: list[str], n: int = 3) -> list[str]:
    """The known levels closest to ``label`` (difflib ratio >= 0.6, case and separators ignored)."""
    by_norm: dict[str, list[str]] = {}
    for k in known:
        by_norm.setdefault(_norm(k), []).append(k)
    hits = difflib.get_close_matches(_norm(label), list(by_norm), n=n, cutoff=0.6)
    return [k for h in hits for k in by_norm[h]][:n]


def unknown_levels(design: Design, newdata: pd.DataFrame) -> dict[str, list[str]]:
    """Per varying-effects term: the levels in ``newdata`` that the fit has not seen."""
    out: dict[str, list[str]] = {}
    for g in design.groups:
        cols = [c for c in g.term.factors if c in newdata]
        if len(cols) != len(g.term.factors):
            continue  # the design reports missing columns
        if g.term.mm:
            labels = pd.concat([newdata[c].astype(str) for c in cols], ignore_index=True)
        else:
            labels = newdata[cols].astype(str).agg(":".join, axis=1)
        known = set(g.levels)
        new = [lv for lv in pd.unique(labels) if lv not in known]
        if new:
            out[g.name] = new
    return out


def check_new_levels(design: Design, newdata: pd.DataFrame | None, new_levels: str | None) -> None:
    """Raise (default) or warn about group levels of ``newdata`` not seen in the fit.

    Parameters
    ----------
    design
        The fitted design.
    newdata
        The rows to predict for (None: the fitted rows, nothing to check).
    new_levels
        None (default): unknown levels are an error listing them with the
        nearest known levels. ``"sample"``: predict them as new levels (effects
        drawn from the population distribution); a level close to a known one
        still gets a ``UserWarning``, since it is more likely a typo.

    Raises
    ------
    ValueError
        For an invalid ``new_levels`` or (default) unknown levels.
    """
    if new_levels not in NEW_LEVEL_OPTIONS:
        raise ValueError(f"new_levels must be None or 'sample', got {new_levels!r}")
    if newdata is None:
        return
    unknown = unknown_levels(design, newdata)
    if not unknown:
        return
    levels_of = {g.name: g.levels for g in design.groups}
    lines, typos = [], []
    for name, new in unknown.items():
        for lv in new:
            near = nearest_levels(lv, levels_of[name])
            hint = f" (nearest known: {', '.join(map(repr, near))})" if near else ""
            lines.append(f"{name}: {lv!r}{hint}")
            if near:
                typos.append(f"{name}: {lv!r} is close to {', '.join(map(repr, near))}")
    if new_levels is None:
        raise ValueError(
            "newdata has group level(s) the model was not fitted on:\n  - " + "\n  - ".join(lines)
            + "\nIf these are typos, fix them. If they are genuinely new groups, pass "
            "new_levels='sample': their effects are then drawn from the fitted population "
            "distribution (Normal(0, sd)), which widens the predictions.")
    if typos:
        warn_user("predicting these as new group levels, although they are close to levels the "
                  "model was fitted on (typos?): " + "; ".join(typos), UserWarning)
