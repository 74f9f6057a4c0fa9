"""Descriptive tables of a case dataset in the four output formats."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .render import Table, descriptive_table

__all__ = ["DESCRIPTIVE_TITLES", "descriptive_tables"]

DESCRIPTIVE_TITLES: dict[str, str] = {
    "cases_by_region": "Cases, dyads and arrangements by region",
    "cases_by_decade": "Cases by decade of signature and region",
    "outcome_distribution": "Transformation outcome by region",
    "condition_coverage": "Supporting conditions: coverage and score distribution",
}
"""Captions of the tables of :meth:`cbstats.CaseData.describe`."""

_NOTES: dict[str, list[str]] = {
    "cases_by_region": ["A case is a dyad under an arrangement; institutionalized = "
                        "transformation level 3."],
    "outcome_distribution": ["Transformation levels: 0 none / abandoned; 1 operational tools "
                             "only; 2 changed practice, not institutionalized; 3 institutionalized."],
    "condition_coverage": ["Scores 0, 0.33, 0.67, 1 (absent to fully present); low confidence "
                           "= codings the coders rated low confidence."],
}


def descriptive_tables(data: Any) -> dict[str, Table]:
    """The descriptive tables of a dataset as :class:`Table` objects.

    Parameters
    ----------
    data : CaseData or dict of DataFrame
        A :class:`cbstats.CaseData` (its ``describe()`` is used) or the dict
        that ``describe()`` returns.

    Returns
    -------
    dict of str to Table
        Keyed like ``describe()`` (``cases_by_region``, ``cases_by_decade``,
        ``outcome_distribution``, ``condition_coverage``); each has
        ``to_markdown()``, ``to_latex()``, ``to_html()`` and ``to_csv()``.
    """
    frames: dict[str, pd.DataFrame] = data.describe() if hasattr(data, "describe") and not \
        isinstance(data, dict) else dict(data)
    return {name: descriptive_table(frame, title=DESCRIPTIVE_TITLES.get(name, name.replace("_", " ")),
                                    notes=_NOTES.get(name))
            for name, frame in frames.items()}
