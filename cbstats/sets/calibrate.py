"""Calibration: raw scores to set memberships (direct method, direct assignment, ordinal).

References: Ragin (2008) *Redesigning Social Inquiry*, ch. 5 (direct method of calibration
with three qualitative anchors; log odds of membership +3 at full inclusion and -3 at full
exclusion); Dusa (2019) *QCA with R*, ch. 4.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from .validate import SetsInputError

#: Documented default for the CBM outcome ``transformation`` (codebook section 5.3) as
#: membership in "institutionalized transformation": level 3 (institutionalized) = 1,
#: 2 (changed expectations and practices, not institutionalized) = 0.67,
#: 1 (operational tools only) = 0.33, 0 (none or abandoned) = 0. The same four-value
#: grid as the condition scores. Pass another mapping to ``calibrate_ordinal`` to change it
#: (e.g. ``{0: 0, 1: 0, 2: 0.67, 3: 1}``).
CBM_TRANSFORMATION_MEMBERSHIPS: dict[int, float] = {0: 0.0, 1: 0.33, 2: 0.67, 3: 1.0}


def _as_series(x: object, name: str | None) -> pd.Series:
    s = x.copy() if isinstance(x, pd.Series) else pd.Series(x)
    if name is not None:
        s.name = name
    return s


def calibrate_direct(
    x: object,
    *,
    exclusion: float,
    crossover: float,
    inclusion: float,
    log_odds: float = 3.0,
) -> pd.Series:
    """Direct method of calibration with three anchors (Ragin 2008, ch. 5).

    The log odds of membership are linear in the raw score on each side of the crossover:
    ``log_odds * (x - crossover) / (inclusion - crossover)`` on the inclusion side and
    ``-log_odds * (x - crossover) / (exclusion - crossover)`` on the exclusion side;
    membership is the logistic of that. Hence membership is 0.5 at the crossover,
    ``1 / (1 + exp(-log_odds))`` at the inclusion anchor (0.953 for the default 3.0) and
    ``1 / (1 + exp(log_odds))`` at the exclusion anchor.

    Parameters
    ----------
    x : array-like or Series
        Raw scores. NaN stays NaN.
    exclusion, crossover, inclusion : float
        Anchors. ``exclusion < crossover < inclusion`` gives an increasing set,
        ``exclusion > crossover > inclusion`` a decreasing one.
    log_odds : float
        Log odds at the full anchors; Ragin (2008) uses 3. R's ``QCA::calibrate`` default
        (``idm = 0.95``) corresponds to ``log_odds = log(0.95 / 0.05) = 2.944``.

    Returns
    -------
    Series
        Memberships in (0, 1), same index as ``x``.
    """
    s = _as_series(x, None)
    problems = []
    anchors = {"exclusion": exclusion, "crossover": crossover, "inclusion": inclusion}
    for name, v in anchors.items():
        if not isinstance(v, int | float | np.number) or not np.isfinite(v):
            problems.append(f"anchor {name}={v!r}; expected a finite number")
    if not problems and not (
        exclusion < crossover < inclusion or exclusion > crossover > inclusion
    ):
        problems.append(
            f"anchors exclusion={exclusion!r}, crossover={crossover!r}, inclusion={inclusion!r}: "
            "expected the crossover strictly between the two full anchors"
        )
    if not (isinstance(log_odds, int | float) and log_odds > 0):
        problems.append(f"log_odds={log_odds!r}; expected a positive number")
    values = pd.to_numeric(s, errors="coerce")
    bad = values.isna() & s.notna()
    if bad.any():
        problems.append(
            f"column {s.name!r}: non-numeric raw score(s) {list(s[bad])[:10]!r} for case(s) "
            f"{list(s.index[bad])[:10]!r}"
        )
    if problems:
        raise SetsInputError(problems)
    v = values.to_numpy(dtype=float)
    toward_inclusion = (v - crossover) / (inclusion - crossover)
    toward_exclusion = (v - crossover) / (exclusion - crossover)
    lo = np.where(toward_inclusion >= 0, log_odds * toward_inclusion, -log_odds * toward_exclusion)
    out = 1.0 / (1.0 + np.exp(-lo))
    return pd.Series(out, index=s.index, name=s.name)


def assign_memberships(
    x: object, mapping: Mapping[Hashable, float] | None = None, *, name: str | None = None
) -> pd.Series:
    """Direct assignment of memberships.

    Parameters
    ----------
    x : array-like or Series
        Raw values. With ``mapping=None`` they must already be memberships in [0, 1]
        (e.g. the CBM condition scores 0, 0.33, 0.67, 1).
    mapping : mapping, optional
        Raw value -> membership in [0, 1]. Every non-missing value of ``x`` must be a key.
    name : str, optional
        Name of the returned Series (used in error messages too).

    Returns
    -------
    Series
        Float memberships, same index as ``x``; missing stays missing.
    """
    s = _as_series(x, name)
    label = s.name
    problems: list[str] = []
    if mapping is not None:
        bad_targets = {k: v for k, v in mapping.items() if not (0.0 <= float(v) <= 1.0)}
        if bad_targets:
            problems.append(f"mapping for {label!r} has memberships outside [0, 1]: {bad_targets!r}")
        present = s.notna()
        unmapped = present & ~s.isin(list(mapping))
        if unmapped.any():
            problems.append(
                f"column {label!r}: value(s) {sorted(set(s[unmapped]), key=str)!r} (case(s) "
                f"{list(s.index[unmapped])[:10]!r}) have no membership in the mapping; expected "
                f"one of {list(mapping)!r}"
            )
        if problems:
            raise SetsInputError(problems)
        out = s.map(lambda v: np.nan if pd.isna(v) else float(mapping[v]))
        return out.astype(float).rename(label)
    values = pd.to_numeric(s, errors="coerce")
    bad = (values.isna() & s.notna()) | (values < 0) | (values > 1)
    if bad.any():
        raise SetsInputError(
            [
                f"column {label!r}: value(s) {list(s[bad])[:10]!r} (case(s) {list(s.index[bad])[:10]!r}) "
                "are not memberships in [0, 1]; pass a mapping or calibrate them"
            ]
        )
    return values.astype(float).rename(label)


def calibrate_ordinal(
    x: object,
    memberships: Mapping[Hashable, float] | None = None,
    *,
    levels: Sequence[Hashable] | None = None,
    name: str | None = None,
) -> pd.Series:
    """Map an ordinal variable to memberships.

    Parameters
    ----------
    x : array-like or Series
        Ordinal values (integers, strings, or an ordered categorical).
    memberships : mapping, optional
        Level -> membership. Use :data:`CBM_TRANSFORMATION_MEMBERSHIPS` for the CBM outcome.
        When omitted, levels are spaced evenly from 0 to 1 in their order, rounded to 2
        decimals (4 levels give 0, 0.33, 0.67, 1).
    levels : sequence, optional
        The ordered levels (needed without ``memberships`` unless ``x`` is an ordered
        categorical): the evenly spaced default must not depend on which levels happen to
        be observed.
    name : str, optional
        Name of the returned Series.

    Returns
    -------
    Series
        Float memberships, same index as ``x``.
    """
    s = _as_series(x, name)
    if memberships is None:
        if levels is None:
            if isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.ordered:
                levels = list(s.dtype.categories)
            else:
                raise SetsInputError(
                    [
                        f"column {s.name!r}: give `memberships` (level -> membership) or the "
                        "ordered `levels`; the evenly spaced default needs all levels, not only "
                        "those observed"
                    ]
                )
        k = len(levels)
        if k < 2:
            raise SetsInputError([f"levels={list(levels)!r}; expected at least two levels"])
        memberships = {lev: round(i / (k - 1), 2) for i, lev in enumerate(levels)}
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    return assign_memberships(s, memberships, name=s.name)
