"""Tidy views of a case package: wide case matrix, long conditions, dyads, panels.

Plain functions over the dict of typed tables; :class:`~cbstats.casedata.dataset.CaseData`
exposes them as methods. None of them modifies its input.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from ..ordinal import ordered
from .schema import CONDITION_SCORES, CONDITIONS, MEASURE_TYPES


def canonical_dyad(state_a: int, state_b: int) -> str:
    """Undirected dyad id of two states: ``'<smaller>-<larger>'``.

    Parameters
    ----------
    state_a, state_b : int
        State codes (COW), in any order.

    Returns
    -------
    str
        E.g. ``canonical_dyad(770, 750) == '750-770'``.

    Raises
    ------
    ValueError
        If both codes are the same state (a dyad needs two states).
    """
    a, b = int(state_a), int(state_b)
    if a == b:
        raise ValueError(f"A dyad needs two different states; got {a} twice.")
    return f"{min(a, b)}-{max(a, b)}"


def _state_names(tables: dict[str, pd.DataFrame]) -> dict[int, str]:
    s = tables["states"]
    return dict(zip(s["ccode"].astype(int), s["name"], strict=True))


def measure_counts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Number of measures of each type per arrangement (``n_interaction`` ...)."""
    m = tables["measures"]
    counts = pd.crosstab(m["arrangement_id"], m["type"])
    counts = counts.reindex(columns=list(MEASURE_TYPES), fill_value=0)
    counts.columns = [f"n_{c}" for c in counts.columns]
    arrangement_ids = tables["arrangements"]["arrangement_id"]
    counts = counts.reindex(arrangement_ids, fill_value=0)
    counts.index.name = "arrangement_id"
    return counts.reset_index().astype({f"n_{c}": "int64" for c in MEASURE_TYPES})


def condition_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose condition columns are ordered categoricals on the codebook's scale.

    The categories are the codebook's scores 0, 0.33, 0.67 and 1 (CODEBOOK.md,
    section 5.1), every one of them whether or not a case has it, so ``mo(x)``
    of a condition always has three steps -- also in a subset of cases whose
    scores are only 0 and 1, and for ``dissatisfaction``, whose level 0 no case
    has (the fit warns that its first step is informed by the prior only).
    Missing scores stay missing. Use ``frame[c].astype(float)`` for the
    numeric fuzzy-set scores.
    """
    out = frame.copy()
    present = [c for c in CONDITIONS if c in out]
    if present:
        out[present] = ordered(out[present].astype("float64"), levels=list(CONDITION_SCORES))
    return out


def conditions_wide(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per case, one column per condition score (NaN where missing)."""
    c = tables["conditions"]
    wide = c.pivot(index="case_id", columns="condition", values="score")
    wide = wide.reindex(columns=list(CONDITIONS))
    wide.columns.name = None
    return wide.reset_index()


def cases_wide(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The wide case matrix: one row per case, ready for modelling.

    Columns: identifiers (``case_id``, ``dyad_id``, ``arrangement_id``,
    ``region`` of the dyad, ``state_a``, ``state_b``), labels
    (``dyad_name``, ``arrangement_name``, ``case_label``), timing
    (``year_signed``, ``decade``, ``sequence`` = 1 for a dyad's first
    arrangement, 2 for its second ...), the seven condition scores (ordered
    categoricals with levels 0, 0.33, 0.67, 1; see :func:`condition_scores`), process
    features (``n_interaction``, ``n_information``, ``n_constraint``,
    ``n_verification``, ``negotiation_years``, ``standing_body``,
    ``legal_form``, ``scope``, ``third_party``, ``track_two``) and outcomes
    (``transformation`` 0-3, ``institutionalized`` = transformation == 3,
    ``reversed``, ``negotiation_failed`` = 1 for a formally opened negotiation
    that produced no arrangement (outcome 0), ``year_institutionalized``, ``year_reversed``,
    ``year_observed_end``).
    """
    cases = tables["cases"]
    arr = tables["arrangements"][
        ["arrangement_id", "name", "year_signed", "year_in_force", "year_ended", "scope",
         "legal_form", "negotiation_years", "standing_body"]
    ].rename(columns={"name": "arrangement_name"})
    dyads = tables["dyads"][["dyad_id", "ccode_a", "ccode_b", "region"]].rename(
        columns={"ccode_a": "state_a", "ccode_b": "state_b"}
    )
    names = _state_names(tables)
    wide = (
        cases.merge(dyads, on="dyad_id", how="left", validate="many_to_one")
        .merge(arr, on="arrangement_id", how="left", validate="many_to_one")
        .merge(measure_counts(tables), on="arrangement_id", how="left", validate="many_to_one")
        .merge(conditions_wide(tables), on="case_id", how="left", validate="one_to_one")
    )
    wide["state_a"] = wide["state_a"].astype("int64")
    wide["state_b"] = wide["state_b"].astype("int64")
    wide["dyad_name"] = [f"{names[a]}–{names[b]}" for a, b in zip(wide["state_a"], wide["state_b"], strict=True)]
    wide["case_label"] = [
        f"{d}: {n} ({y})" for d, n, y in zip(wide["dyad_name"], wide["arrangement_name"], wide["year_signed"], strict=True)
    ]
    wide["year_signed"] = wide["year_signed"].astype("int64")
    wide["decade"] = (wide["year_signed"] // 10 * 10).astype("int64")
    order = wide.sort_values(["dyad_id", "year_signed", "arrangement_id"])
    wide["sequence"] = order.groupby("dyad_id").cumcount().add(1).reindex(wide.index).astype("int64")
    for col in ("transformation", "third_party", "track_two", "standing_body"):
        wide[col] = wide[col].astype("int64")
    wide["institutionalized"] = (wide["transformation"] == 3).astype("int64")
    wide["reversed"] = wide["year_reversed"].notna().astype("int64")
    wide["legal_form"] = pd.Categorical(
        wide["legal_form"], categories=["political_declaration", "memorandum", "agreement", "treaty"]
    )
    wide["region"] = wide["region"].astype(str)
    status = (tables["arrangements"].set_index("arrangement_id")["status"]
              if "status" in tables["arrangements"] else pd.Series(dtype=object))
    wide["negotiation_failed"] = (wide["arrangement_id"].map(status) == "negotiation_failed").astype("int64")
    columns = [
        "case_id", "dyad_id", "arrangement_id", "region", "state_a", "state_b",
        "dyad_name", "arrangement_name", "case_label", "year_signed", "decade", "sequence",
        *CONDITIONS,
        "n_interaction", "n_information", "n_constraint", "n_verification",
        "negotiation_years", "standing_body", "legal_form", "scope", "third_party", "track_two",
        "transformation", "institutionalized", "reversed", "negotiation_failed",
        "year_in_force", "year_ended", "year_institutionalized", "year_reversed", "year_observed_end",
    ]
    wide = condition_scores(wide[columns])
    return wide.sort_values(["year_signed", "case_id"]).reset_index(drop=True)


def conditions_long(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Condition codings in long form, with the case's dyad, region and year."""
    wide = cases_wide(tables)[["case_id", "dyad_id", "region", "year_signed", "case_label", "transformation"]]
    long = tables["conditions"].merge(wide, on="case_id", how="left", validate="many_to_one")
    return long.sort_values(["case_id", "condition"]).reset_index(drop=True)


def arrangement_dyads(tables: dict[str, pd.DataFrame], arrangement_id: str) -> pd.DataFrame:
    """Expand an arrangement into every pair of its participants.

    Returns one row per unordered pair of participating states with
    ``dyad_id``, both states' codes and names, and ``is_case`` (whether the
    pair is coded as an antagonistic dyad under this arrangement).
    """
    p = tables["participants"]
    members = sorted(int(c) for c in p.loc[p["arrangement_id"] == arrangement_id, "ccode"])
    if not members:
        known = ", ".join(sorted(tables["arrangements"]["arrangement_id"])[:5])
        raise KeyError(f"No participants for arrangement {arrangement_id!r} (known ids include: {known}, ...)")
    names = _state_names(tables)
    cases = set(tables["cases"].loc[tables["cases"]["arrangement_id"] == arrangement_id, "dyad_id"])
    rows = [
        {"arrangement_id": arrangement_id, "dyad_id": canonical_dyad(a, b), "state_a": a, "state_b": b,
         "name_a": names.get(a, str(a)), "name_b": names.get(b, str(b)),
         "is_case": canonical_dyad(a, b) in cases}
        for a, b in combinations(members, 2)
    ]
    return pd.DataFrame(rows)


def dyad_year_panel(tables: dict[str, pd.DataFrame], by: str = "case") -> pd.DataFrame:
    """Person-period panel for discrete-time (time-to-event) models.

    Parameters
    ----------
    by : {"case", "dyad"}
        ``"case"``: one row per case and year, from the year signed to the
        first of institutionalization, reversal, or ``year_observed_end``
        (censoring); events ``event_institutionalized`` and ``event_reversed``
        mark the final year. Case-level covariates are attached.
        ``"dyad"``: one row per dyad and year, from the dyad's first
        arrangement to its first institutionalization (event) or its last
        observed year (censored), with ``n_arrangements`` signed so far.

    Returns
    -------
    DataFrame
        With ``t`` = 1 in the first year at risk.
    """
    wide = cases_wide(tables)
    if by == "case":
        rows = []
        for r in wide.itertuples(index=False):
            ends = [r.year_observed_end]
            if pd.notna(r.year_institutionalized):
                ends.append(int(r.year_institutionalized))
            if pd.notna(r.year_reversed):
                ends.append(int(r.year_reversed))
            end = int(min(ends))
            for year in range(int(r.year_signed), end + 1):
                rows.append({
                    "case_id": r.case_id, "dyad_id": r.dyad_id, "year": year,
                    "t": year - int(r.year_signed) + 1,
                    "event_institutionalized": int(pd.notna(r.year_institutionalized)
                                                   and year == int(r.year_institutionalized)),
                    "event_reversed": int(pd.notna(r.year_reversed) and year == int(r.year_reversed)
                                          and not (pd.notna(r.year_institutionalized)
                                                   and int(r.year_institutionalized) <= year)),
                })
        panel = pd.DataFrame(rows)
        covariates = wide.drop(columns=["dyad_id", "year_institutionalized", "year_reversed",
                                        "transformation", "institutionalized", "reversed"])
        return panel.merge(covariates, on="case_id", how="left", validate="many_to_one")
    if by == "dyad":
        rows = []
        for dyad, g in wide.groupby("dyad_id", sort=True):
            start = int(g["year_signed"].min())
            inst = g["year_institutionalized"].dropna()
            first_inst = int(inst.min()) if len(inst) else None
            end = first_inst if first_inst is not None else int(g["year_observed_end"].max())
            signed_years = np.sort(g["year_signed"].to_numpy())
            for year in range(start, end + 1):
                rows.append({
                    "dyad_id": dyad, "region": g["region"].iloc[0], "year": year, "t": year - start + 1,
                    "n_arrangements": int(np.searchsorted(signed_years, year, side="right")),
                    "event_institutionalized": int(first_inst is not None and year == first_inst),
                })
        return pd.DataFrame(rows)
    raise ValueError(f"by must be 'case' or 'dyad', got {by!r}")
