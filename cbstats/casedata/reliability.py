"""Intercoder reliability of a case package: a blind second coding against the first.

The second coding lives in ``<package>/reliability/second_coding/`` as four CSV
files (see ``data/cbm/reliability/README.md``): ``outcomes.csv`` (every case),
``conditions.csv`` (a stratified sample of condition cells), ``arrangements.csv``
(``standing_body``) and ``measure_types.csv``. Any file may be absent; the
variables it would cover are then left out.

Agreement is Krippendorff's alpha from the ``krippendorff`` package (ordinal
metric for scores and outcome levels, nominal for binary features and measure
types, interval for years), a percentile bootstrap interval over units, and
percentage agreement. Confusion matrices are cross-tabulated by the first
coder's confidence, in long form, because they feed a misclassification model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SECOND_CODING_FILES = ("outcomes", "conditions", "arrangements", "measure_types")
SCORE_LEVELS = (0.0, 0.33, 0.67, 1.0)


@dataclass(frozen=True)
class PairedCodings:
    """The two codings of one variable, one row per unit coded by both coders.

    Attributes
    ----------
    variable : str
        Name of the variable (e.g. ``"transformation"``, ``"condition:forum"``).
    level : str
        Krippendorff metric: ``"nominal"``, ``"ordinal"`` or ``"interval"``.
    frame : pandas.DataFrame
        Columns ``unit``, ``first``, ``second`` and ``first_confidence`` (may be NA).
    """

    variable: str
    level: str
    frame: pd.DataFrame


def read_second_coding(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read the second-coding CSV files present in ``folder`` (text kept as text)."""
    folder = Path(folder)
    out = {}
    for name in SECOND_CODING_FILES:
        path = folder / f"{name}.csv"
        if path.is_file():
            out[name] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return out


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", np.nan), errors="coerce")


def _score(series: pd.Series) -> pd.Series:
    """Condition scores on the codebook grid (0.333 and 1/3 both become 0.33)."""
    return _number(series).round(2)


def pair_codings(tables: Mapping[str, pd.DataFrame],
                 second: Mapping[str, pd.DataFrame]) -> list[PairedCodings]:
    """Match each variable of the second coding with the first coding.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The first coding: the package's ``cases``, ``conditions``,
        ``arrangements`` and ``measures`` tables.
    second : mapping of str to DataFrame
        The second coding, as returned by :func:`read_second_coding`.

    Returns
    -------
    list of PairedCodings
        Outcome, institutionalized and year institutionalized; each condition and
        all conditions pooled; ``standing_body``; measure type. Units that
        either coder left blank are dropped.
    """
    pairs: list[PairedCodings] = []

    def add(variable: str, level: str, frame: pd.DataFrame) -> None:
        frame = frame.dropna(subset=["first", "second"]).reset_index(drop=True)
        if len(frame):
            pairs.append(PairedCodings(variable, level, frame))

    if "outcomes" in second:
        cases = tables["cases"]
        s = second["outcomes"]
        m = cases.merge(s, on="case_id", suffixes=("_1", "_2"))
        first_t, second_t = _number(m["transformation_1"].astype(str)), _number(m["transformation_2"])
        conf = m["transformation_confidence"] if "transformation_confidence" in m else pd.NA
        add("transformation", "ordinal", pd.DataFrame(
            {"unit": m["case_id"], "first": first_t, "second": second_t, "first_confidence": conf}))
        add("institutionalized", "nominal", pd.DataFrame(
            {"unit": m["case_id"], "first": (first_t == 3).astype(float).where(first_t.notna()),
             "second": (second_t == 3).astype(float).where(second_t.notna()),
             "first_confidence": conf}))
        add("year_institutionalized", "interval", pd.DataFrame(
            {"unit": m["case_id"], "first": _number(m["year_institutionalized_1"].astype(str)),
             "second": _number(m["year_institutionalized_2"]), "first_confidence": conf}))
    if "conditions" in second:
        m = tables["conditions"].merge(second["conditions"], on=["case_id", "condition"],
                                       suffixes=("_1", "_2"))
        frame = pd.DataFrame({"unit": m["case_id"] + ":" + m["condition"],
                              "condition": m["condition"],
                              "first": _score(m["score_1"].astype(str)),
                              "second": _score(m["score_2"]),
                              "first_confidence": m["confidence_1"]})
        add("conditions (pooled)", "ordinal", frame.drop(columns="condition"))
        for condition, part in frame.groupby("condition", sort=True):
            add(f"condition:{condition}", "ordinal", part.drop(columns="condition"))
    if "arrangements" in second:
        m = tables["arrangements"].merge(second["arrangements"], on="arrangement_id",
                                         suffixes=("_1", "_2"))
        add("standing_body", "nominal", pd.DataFrame(
            {"unit": m["arrangement_id"], "first": _number(m["standing_body_1"].astype(str)),
             "second": _number(m["standing_body_2"]), "first_confidence": pd.NA}))
    if "measure_types" in second:
        first = tables["measures"].assign(measure_id=lambda d: d["measure_id"].astype(str))
        m = first.merge(second["measure_types"], on=["arrangement_id", "measure_id"],
                        suffixes=("_1", "_2"))
        add("measure_type", "nominal", pd.DataFrame(
            {"unit": m["arrangement_id"] + ":" + m["measure_id"],
             "first": m["type_1"].replace("", np.nan), "second": m["type_2"].replace("", np.nan),
             "first_confidence": pd.NA}))
    return pairs


def _alpha(first: np.ndarray, second: np.ndarray, level: str) -> float:
    import krippendorff

    data = np.vstack([first, second]).astype(float)
    if np.unique(data[~np.isnan(data)]).size < 2:
        return float("nan")  # one value only: alpha is undefined
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def _codes(pair: PairedCodings) -> tuple[np.ndarray, np.ndarray]:
    """Both codings as floats (nominal text values mapped to integer codes)."""
    first, second = pair.frame["first"], pair.frame["second"]
    if pair.level == "nominal" and (first.dtype == object or second.dtype == object
                                    or pd.api.types.is_string_dtype(first)):
        values = sorted(set(first.astype(str)) | set(second.astype(str)))
        code = {v: i for i, v in enumerate(values)}
        return (first.astype(str).map(code).to_numpy(float),
                second.astype(str).map(code).to_numpy(float))
    return first.to_numpy(float), second.to_numpy(float)


def agreement(pair: PairedCodings, *, n_boot: int = 1000, seed: int = 20261202,
              prob: float = 0.95) -> dict[str, object]:
    """Krippendorff's alpha, its bootstrap interval and percentage agreement of one variable.

    Parameters
    ----------
    pair : PairedCodings
        The two codings.
    n_boot : int
        Bootstrap replications (units resampled with replacement).
    seed : int
        Seed of the bootstrap.
    prob : float
        Mass of the percentile interval.

    Returns
    -------
    dict
        ``variable, metric, n_units, percent_agreement, alpha, alpha_lower,
        alpha_upper, n_boot``.
    """
    first, second = _codes(pair)
    n = len(first)
    alpha = _alpha(first, second, pair.level)
    rng = np.random.default_rng(seed)
    boot = np.array([_alpha(first[i], second[i], pair.level)
                     for i in rng.integers(0, n, size=(n_boot, n))]) if n_boot else np.array([])
    boot = boot[np.isfinite(boot)]
    tail = (1 - prob) / 2
    lower, upper = (np.quantile(boot, [tail, 1 - tail]) if boot.size else (np.nan, np.nan))
    return {"variable": pair.variable, "metric": pair.level, "n_units": n,
            "percent_agreement": 100.0 * float(np.mean(first == second)),
            "alpha": alpha, "alpha_lower": float(lower), "alpha_upper": float(upper),
            "n_boot": int(boot.size)}


def confusion(pairs: list[PairedCodings]) -> pd.DataFrame:
    """Cross-tabulation of first against second coding by the first coder's confidence.

    Long form, one row per (variable, first_confidence, first, second) with a
    count ``n``; only variables with a recorded first confidence
    (outcome levels and condition scores).
    """
    frames = []
    for pair in pairs:
        f = pair.frame
        if f["first_confidence"].isna().all() or pair.level == "interval":
            continue
        counts = (f.groupby(["first_confidence", "first", "second"]).size()
                  .rename("n").reset_index())
        counts.insert(0, "variable", pair.variable)
        frames.append(counts)
    if not frames:
        return pd.DataFrame(columns=["variable", "first_confidence", "first", "second", "n"])
    return pd.concat(frames, ignore_index=True)


def disagreements(pairs: list[PairedCodings]) -> pd.DataFrame:
    """Every unit on which the two coders differ (the input to the adjudication log)."""
    rows = []
    for pair in pairs:
        if pair.variable == "conditions (pooled)":
            continue  # the per-condition variables list the same cells
        f = pair.frame[pair.frame["first"] != pair.frame["second"]]
        rows.append(pd.DataFrame({"variable": pair.variable, "unit": f["unit"],
                                  "first": f["first"].astype(str), "second": f["second"].astype(str),
                                  "first_confidence": f["first_confidence"]}))
    if not rows:
        return pd.DataFrame(columns=["variable", "unit", "first", "second", "first_confidence"])
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class Reliability:
    """Reliability tables of a double-coded case package.

    Attributes
    ----------
    agreement : pandas.DataFrame
        One row per variable: alpha, bootstrap interval, percentage agreement.
    confusion : pandas.DataFrame
        Long-form confusion counts by the first coder's confidence.
    disagreements : pandas.DataFrame
        Every unit coded differently.
    adjudication : pandas.DataFrame or None
        The adjudication log: every disagreement, its resolution and the reason.
    first_coding_version : str or None
        Release of the dataset whose coding was compared with the second coding.
    """

    agreement: pd.DataFrame
    confusion: pd.DataFrame
    disagreements: pd.DataFrame
    adjudication: pd.DataFrame | None = None
    first_coding_version: str | None = None


def reliability_tables(tables: Mapping[str, pd.DataFrame], folder: str | Path, *,
                       n_boot: int = 1000, seed: int = 20261202,
                       adjudication: str | Path | None = None,
                       first_coding_version: str | None = None) -> Reliability:
    """Reliability of the first coding against the second coding stored in ``folder``.

    ``adjudication`` is an optional CSV log of resolved disagreements, returned as read.

    Raises
    ------
    FileNotFoundError
        When ``folder`` holds none of the second-coding files.
    """
    second = read_second_coding(folder)
    if not second:
        raise FileNotFoundError(
            f"No second coding in {folder}: expected one or more of "
            + ", ".join(f"{n}.csv" for n in SECOND_CODING_FILES))
    pairs = pair_codings(tables, second)
    table = pd.DataFrame([agreement(p, n_boot=n_boot, seed=seed) for p in pairs])
    log = (pd.read_csv(adjudication, dtype=str, keep_default_na=False)
           if adjudication is not None else None)
    return Reliability(table, confusion(pairs), disagreements(pairs), log, first_coding_version)
