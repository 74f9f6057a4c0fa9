"""Set-theoretic results under coding uncertainty.

Each coded membership (a level of an ordered grid such as 0 / 0.33 / 0.67 / 1) carries a
confidence (high / medium / low). A misclassification model gives, per confidence, the
probability that the *true* level is the coded one, one step away, or further away. We
draw whole codings from it, recompute the necessity parameters, the truth table and the
minimisation for every draw (vectorised over draws with numpy), and summarise:
intervals of consistency and coverage, the probability that each truth-table row passes
the cut-offs, and the probability that each prime implicant appears in the solution.

The default rates and their reasoning are in ``docs/sets_uncertainty.md``;
they are a stop-gap until the measurement model of the coding-uncertainty issue lands,
and every rate can be overridden (:class:`MisclassificationModel`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .chart import MAX_MODELS, solve_chart
from .fit import parse_expression
from .implicants import covers, implicant_string, primes_ternary
from .truthtable import row_bits
from .validate import SetsInputError, check_cutoffs

#: P(true level is the coded one), P(one step away), P(two or more steps away), per confidence.
DEFAULT_RATES: dict[str, tuple[float, float, float]] = {
    "high": (0.90, 0.08, 0.02),
    "medium": (0.75, 0.20, 0.05),
    "low": (0.55, 0.35, 0.10),
}
DEFAULT_LEVELS: tuple[float, ...] = (0.0, 0.33, 0.67, 1.0)
SOLUTION_KINDS = ("conservative", "parsimonious")


@dataclass(frozen=True)
class MisclassificationModel:
    """How likely the true level of a coded membership is the coded one, or another.

    Parameters
    ----------
    levels : tuple of float
        The ordered grid of memberships a coder can assign (default 0, 0.33, 0.67, 1).
    rates : mapping
        Confidence label -> ``(p_same, p_one_step, p_further)``, summing to 1. The
        one-step mass is shared equally by the levels one step away (one at the ends of
        the grid, two inside it); the further mass by the levels two or more steps away.
        Where no level lies at a distance, that mass goes back to the coded level.
    """

    levels: tuple[float, ...] = DEFAULT_LEVELS
    rates: Mapping[str, tuple[float, float, float]] = field(default_factory=lambda: dict(DEFAULT_RATES))

    def __post_init__(self) -> None:
        problems = []
        lv = np.asarray(self.levels, dtype=float)
        if lv.ndim != 1 or len(lv) < 2 or np.any(np.diff(lv) <= 0) or lv.min() < 0 or lv.max() > 1:
            problems.append(f"levels={self.levels!r}: expected at least two increasing values in [0, 1]")
        for label, r in self.rates.items():
            r = tuple(r)
            if len(r) != 3 or any((not np.isfinite(p)) or p < 0 for p in r) or abs(sum(r) - 1) > 1e-9:
                problems.append(
                    f"rates[{label!r}]={r!r}: expected (p_same, p_one_step, p_further), each >= 0, summing to 1"
                )
        if problems:
            raise SetsInputError(problems)

    def with_rates(self, **rates: tuple[float, float, float]) -> MisclassificationModel:
        """A copy with some confidence labels' rates replaced or added."""
        return MisclassificationModel(levels=self.levels, rates={**dict(self.rates), **rates})

    def transition(self, confidence: str) -> np.ndarray:
        """Matrix ``P[i, j]`` = P(true level j | coded level i) for one confidence label."""
        if confidence not in self.rates:
            raise SetsInputError(
                [f"confidence {confidence!r} has no misclassification rates; known: {sorted(self.rates)}"]
            )
        same, one, further = self.rates[confidence]
        k = len(self.levels)
        dist = np.abs(np.arange(k)[:, None] - np.arange(k)[None, :])
        p = np.zeros((k, k))
        for i in range(k):
            p[i, i] = same
            for mass, mask in ((one, dist[i] == 1), (further, dist[i] >= 2)):
                if mask.any():
                    p[i, mask] += mass / mask.sum()
                else:
                    p[i, i] += mass
        return p


# ---- drawing codings ---------------------------------------------------------------------
def _level_index(values: np.ndarray, levels: np.ndarray, names: Sequence[str], cases: Sequence) -> np.ndarray:
    hit = np.isclose(values[..., None], levels[None, None, :], atol=5e-3)
    ok = hit.any(axis=-1)
    if not ok.all():
        bad = [
            f"case {cases[i]!r}, column {names[j]!r}: value {float(values[i, j])} is not on the grid "
            f"{tuple(float(v) for v in levels)}"
            for i, j in zip(*np.nonzero(~ok), strict=True)
        ]
        raise SetsInputError(bad[:20] + ([f"... and {len(bad) - 20} more"] if len(bad) > 20 else []))
    return hit.argmax(axis=-1)


def draw_codings(
    data: pd.DataFrame,
    confidence: pd.DataFrame,
    *,
    n_draws: int,
    model: MisclassificationModel | None = None,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Draw plausible true codings of ``data`` from the misclassification model.

    Parameters
    ----------
    data : DataFrame
        Coded memberships on ``model.levels`` (cases x columns). Not modified.
    confidence : DataFrame
        Confidence label of each cell (same index and columns as ``data``). A column absent
        from ``confidence``, or a cell holding NaN, is taken as known exactly (never redrawn).
    n_draws : int
    model : MisclassificationModel, optional
        Default: :data:`DEFAULT_RATES` on the 0 / 0.33 / 0.67 / 1 grid.
    seed : int or Generator, optional

    Returns
    -------
    ndarray, shape (n_draws, n_cases, n_columns)
    """
    model = model or MisclassificationModel()
    if not isinstance(n_draws, int | np.integer) or n_draws < 1:
        raise SetsInputError([f"n_draws={n_draws!r}: expected a positive integer"])
    values = data.to_numpy(dtype=float)
    if np.isnan(values).any():
        i, j = np.argwhere(np.isnan(values))[0]
        raise SetsInputError([f"case {data.index[i]!r}, column {data.columns[j]!r}: membership is missing; "
                              "drop incomplete cases first"])
    levels = np.asarray(model.levels, dtype=float)
    idx = _level_index(values, levels, list(data.columns), list(data.index))
    conf = confidence.reindex(index=data.index, columns=data.columns)
    labels = sorted(model.rates)
    unknown = sorted({str(v) for v in conf.stack().dropna().unique()} - set(labels))
    if unknown:
        raise SetsInputError([f"confidence label(s) {unknown} have no misclassification rates; known: {labels}"])
    # one extra "exact" label for cells without a confidence
    mats = np.stack([model.transition(lab) for lab in labels] + [np.eye(len(levels))])
    code = {lab: i for i, lab in enumerate(labels)}
    conf_idx = conf.apply(lambda col: col.map(code)).fillna(len(labels)).to_numpy(dtype=np.int64)
    cum = np.cumsum(mats[conf_idx, idx], axis=-1)  # (N, C, K)
    cum[..., -1] = 1.0
    rng = np.random.default_rng(seed)
    u = rng.random((n_draws, *values.shape))
    drawn = (u[..., None] >= cum[None]).sum(axis=-1)
    return levels[np.minimum(drawn, len(levels) - 1)]


# ---- vectorised set-theoretic parameters over draws --------------------------------------
def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def necessity_arrays(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """inclN, RoN, covN of every column of ``x`` (..., N, L) for ``y`` (..., N); sums over N."""
    y = y[..., None]
    both = np.minimum(x, y)
    s_both = both.sum(axis=-2)
    return {
        "inclN": _safe_div(s_both, y.sum(axis=-2)),
        "RoN": _safe_div((1 - x).sum(axis=-2), (1 - both).sum(axis=-2)),
        "covN": _safe_div(s_both, x.sum(axis=-2)),
    }


def sufficiency_arrays(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """inclS, PRI, covS of every column of ``x`` (..., N, L) for ``y`` (..., N); sums over N."""
    y = y[..., None]
    both = np.minimum(x, y)
    s_both = both.sum(axis=-2)
    s_x = x.sum(axis=-2)
    s_neg = np.minimum(both, 1 - y).sum(axis=-2)
    return {
        "inclS": _safe_div(s_both, s_x),
        "PRI": _safe_div(s_both - s_neg, s_x - s_neg),
        "covS": _safe_div(s_both, y.sum(axis=-2)),
    }


def term_arrays(x: np.ndarray, conditions: Sequence[str], terms: Sequence[str]) -> np.ndarray:
    """Membership (..., N, T) in each conjunctive term (``"A*~B"``) from conditions (..., N, C)."""
    pos = {c: i for i, c in enumerate(conditions)}
    out = []
    for term in terms:
        parsed = parse_expression(term)
        if len(parsed) != 1:
            raise SetsInputError([f"term {term!r}: expected one conjunction (no '+')"])
        m = np.ones(x.shape[:-1])
        for name, negated in parsed[0]:
            if name not in pos:
                raise SetsInputError([f"term {term!r}: condition {name!r} is not one of {list(conditions)}"])
            v = x[..., pos[name]]
            m = np.minimum(m, 1 - v if negated else v)
        out.append(m)
    return np.stack(out, axis=-1)


def outcome_array(draws: np.ndarray, columns: Sequence[str], outcome: str) -> np.ndarray:
    """Memberships (..., N) in ``outcome`` (a column or ``"~column"``)."""
    name = outcome.lstrip("~").strip()
    if name not in columns:
        raise SetsInputError([f"outcome {outcome!r}: column {name!r} is not in the data"])
    y = draws[..., list(columns).index(name)]
    return 1 - y if outcome.strip().startswith("~") else y


def _corner_memberships(x: np.ndarray) -> np.ndarray:
    """Membership (..., N, 2**c) in every corner of the conditions in ``x`` (..., N, c)."""
    k = x.shape[-1]
    bits = row_bits(np.arange(1, 2**k + 1), k).astype(bool)  # (2**k, c), R QCA row order
    return np.where(bits, x[..., None, :], 1 - x[..., None, :]).min(axis=-1)


def row_memberships(x: np.ndarray) -> np.ndarray:
    """Membership (..., N, 2**k) of every case in every truth-table row (R ``QCA`` order).

    The conditions are split in two halves whose corner memberships are combined with one
    minimum, which is exact (min is associative) and avoids a (..., N, 2**k, k) array.
    """
    k = x.shape[-1]
    if k <= 3:
        return _corner_memberships(x)
    h = k // 2
    a = _corner_memberships(x[..., :h])  # first conditions = most significant bits
    b = _corner_memberships(x[..., h:])
    m = np.minimum(a[..., :, None], b[..., None, :])
    return m.reshape(*x.shape[:-1], 2**k)


@dataclass(frozen=True)
class TruthTableArrays:
    """Truth-table quantities per draw: arrays of shape (n_draws, 2**k), rows 1..2**k."""

    n: np.ndarray
    inclS: np.ndarray
    PRI: np.ndarray
    OUT: np.ndarray

    @property
    def observed(self) -> np.ndarray:
        """(n_draws, 2**k) bool: at least ``n_cut`` cases in the row (not a remainder)."""
        return ~np.isnan(self.inclS)


def truth_table_arrays(
    x: np.ndarray, y: np.ndarray, *, incl_cut: float = 0.8, n_cut: int = 1, pri_cut: float = 0.0,
    chunk: int = 64,
) -> TruthTableArrays:
    """Vectorised truth table for draws ``x`` (D, N, k) and outcome ``y`` (D, N).

    Row numbering as R ``QCA`` (1 + binary value, first condition most significant). A
    case is in the row where all its memberships are above 0.5; rows with fewer than
    ``n_cut`` cases get NaN inclS/PRI and OUT = False (remainders); OUT = inclS >=
    ``incl_cut`` and PRI >= ``pri_cut``.
    """
    check_cutoffs(incl_cut=incl_cut, pri_cut=pri_cut)
    d, _, k = x.shape
    n = np.zeros((d, 2**k), dtype=np.int64)
    incl = np.empty((d, 2**k))
    pri = np.empty((d, 2**k))
    for start in range(0, d, chunk):
        xs, ys = x[start:start + chunk], y[start:start + chunk]
        mem = row_memberships(xs)  # (d, N, R)
        n[start:start + chunk] = (mem > 0.5).sum(axis=1)
        f = sufficiency_arrays(mem, ys)
        incl[start:start + chunk] = f["inclS"]
        pri[start:start + chunk] = f["PRI"]
    remainder = n < max(int(n_cut), 1)
    incl[remainder] = np.nan
    pri[remainder] = np.nan
    out = ~remainder & (incl >= incl_cut - 1e-12) & (pri >= pri_cut - 1e-12)
    return TruthTableArrays(n=n, inclS=incl, PRI=pri, OUT=out)


def solution_terms(
    positive: np.ndarray, negative: np.ndarray, conditions: Sequence[str], kind: str = "parsimonious",
    *, max_models: int = MAX_MODELS,
) -> tuple[tuple[str, ...], ...]:
    """Every minimal model (tuple of prime-implicant strings) of one truth-table pattern.

    Uses the core's prime-implicant and chart routines (``cbstats.sets.implicants``,
    ``cbstats.sets.chart``) without computing parameters of fit. Conservative: remainders
    are not used; parsimonious: every remainder may be. No positive row -> ``()``; every
    observed row positive (parsimonious) -> ``(("1",),)``. At most ``max_models``
    models are enumerated (the core warns when the cap is reached).
    """
    if kind not in SOLUTION_KINDS:
        raise SetsInputError([f"solution={kind!r}; expected one of {list(SOLUTION_KINDS)}"])
    k = len(conditions)
    positive = np.asarray(positive, dtype=np.int64)
    if len(positive) == 0:
        return ()
    if kind == "conservative":
        off = np.setdiff1d(np.arange(1, 2**k + 1), positive)
    else:
        off = np.asarray(negative, dtype=np.int64)
    if len(off) == 0:
        return (("1",),)
    pis = primes_ternary(positive, off, k)
    chart = covers(pis, row_bits(positive, k))
    names = [implicant_string(p, conditions) for p in pis]
    return tuple(tuple(sorted(names[i] for i in combo)) for combo in solve_chart(chart, max_models=max_models))


# ---- the whole analysis under coding uncertainty -----------------------------------------
@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Summaries of the set-theoretic analysis over drawn codings.

    Attributes
    ----------
    necessity : DataFrame
        Index term (each condition and its negation); for inclN, RoN, covN: the coded
        value, the mean and the interval bounds over draws; ``p_necessary``: share of draws
        with inclN >= ``necessity_cut`` and RoN >= ``ron_cut``.
    rows : DataFrame
        Index truth-table row; the configuration, the coded n/inclS/OUT, ``p_observed``
        (n >= n_cut), ``p_out`` (passes the cut-offs), median and interval of inclS.
    implicants : DataFrame
        Index prime implicant (any found in any draw or in the coded data);
        ``p_any_model`` (in at least one of the draw's minimal models), ``p_all_models``,
        ``in_coded_solution``.
    paths : DataFrame
        Index term of the coded solution (union of its models); coded inclS/PRI/covS,
        their mean and interval over draws, ``p_in_solution`` (the term is a prime
        implicant in a minimal model of the draw) and ``p_consistent`` (the term itself
        passes the inclS and PRI cut-offs in the draw).
    p_no_positive_row : float
        Share of draws in which no truth-table row passes (nothing sufficient).
    """

    outcome: str
    conditions: tuple[str, ...]
    kind: str
    n_draws: int
    settings: dict[str, object]
    necessity: pd.DataFrame
    rows: pd.DataFrame
    implicants: pd.DataFrame
    paths: pd.DataFrame
    p_no_positive_row: float
    cells: pd.DataFrame = field(repr=False)
    changed: np.ndarray = field(repr=False)
    path_presence: np.ndarray = field(repr=False)
    path_consistent: np.ndarray = field(repr=False)

    def cell_influence(
        self, term: str, *, which: str = "solution", top: int | None = 10, min_draws: int = 20
    ) -> pd.DataFrame:
        """Which coded cells a path hangs on.

        For each cell: P(event | cell drawn at its coded level) minus P(event | cell drawn
        at another level), where the event is "the path is in a minimal model"
        (``which="solution"``) or "the path passes the inclS and PRI cut-offs"
        (``which="consistent"``). Large positive values mark cells whose recoding removes
        the path. Cells redrawn (or kept) in fewer than ``min_draws`` draws are left out,
        since their difference would be noise. Columns: case, column, coded, confidence,
        p_changed, p_path_if_coded, p_path_if_changed, influence, z (influence divided by
        its binomial standard error).
        """
        if term not in self.paths.index:
            raise SetsInputError([f"term {term!r} is not a path of the coded solution: {list(self.paths.index)}"])
        if which not in ("solution", "consistent"):
            raise SetsInputError([f"which={which!r}; expected 'solution' or 'consistent'"])
        events = self.path_presence if which == "solution" else self.path_consistent
        present = events[:, list(self.paths.index).index(term)].astype(float)
        ch = self.changed
        n_ch = ch.sum(axis=0)
        n_same = (~ch).sum(axis=0)
        p_if_changed = _safe_div((present[:, None] * ch).sum(axis=0), n_ch.astype(float))
        p_if_same = _safe_div((present[:, None] * ~ch).sum(axis=0), n_same.astype(float))
        out = self.cells.copy()
        out["p_changed"] = n_ch / ch.shape[0]
        out["p_path_if_coded"] = p_if_same
        out["p_path_if_changed"] = p_if_changed
        out["influence"] = p_if_same - p_if_changed
        with np.errstate(invalid="ignore", divide="ignore"):
            se = np.sqrt(p_if_same * (1 - p_if_same) / np.maximum(n_same, 1)
                         + p_if_changed * (1 - p_if_changed) / np.maximum(n_ch, 1))
            out["z"] = np.where(se > 0, out["influence"] / np.where(se > 0, se, 1),
                                np.where(out["influence"] > 0, np.inf, 0.0))
        keep = (n_ch >= min(min_draws, ch.shape[0])) & (n_same >= min(min_draws, ch.shape[0])) & (n_ch > 0)
        out = out[keep].sort_values("influence", ascending=False)
        return out.head(top) if top else out


def _solve_chunk(args: tuple) -> list[tuple[tuple[str, ...], ...]]:
    keys, conds, kind, max_models = args
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the cap is reported in settings
        for pos, neg in keys:
            out.append(solution_terms(np.frombuffer(pos, dtype=np.int64), np.frombuffer(neg, dtype=np.int64),
                                      conds, kind, max_models=max_models))
    return out


def _solve_patterns(keys: list, conds: Sequence[str], kind: str, max_models: int, n_jobs: int) -> list:
    """Minimal models of each truth-table pattern, optionally in ``n_jobs`` processes."""
    if n_jobs <= 1 or len(keys) < 2 * n_jobs:
        return _solve_chunk((keys, conds, kind, max_models))
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(keys) // n_jobs)
    chunks = [(keys[i:i + size], tuple(conds), kind, max_models) for i in range(0, len(keys), size)]
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        return [m for part in pool.map(_solve_chunk, chunks) for m in part]


def _interval_cols(prefix: str, arr: np.ndarray, coded: np.ndarray, q: tuple[float, float]) -> dict:
    return {
        f"{prefix}_coded": coded,
        f"{prefix}_mean": np.nanmean(arr, axis=0),
        f"{prefix}_lo": np.nanquantile(arr, q[0], axis=0),
        f"{prefix}_hi": np.nanquantile(arr, q[1], axis=0),
    }


def coding_uncertainty(
    data: pd.DataFrame,
    confidence: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    n_draws: int = 1000,
    seed: int | None = None,
    model: MisclassificationModel | None = None,
    incl_cut: float = 0.8,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    solution: str = "parsimonious",
    interval: float = 0.9,
    necessity_cut: float = 0.9,
    ron_cut: float = 0.6,
    draws: np.ndarray | None = None,
    max_models: int = MAX_MODELS,
    n_jobs: int = 1,
) -> UncertaintyResult:
    """Necessity, truth table and minimisation recomputed over drawn codings.

    Parameters
    ----------
    data : DataFrame
        Coded memberships, cases x columns (conditions and the outcome column), on the
        model's grid; no missing values. Not modified.
    confidence : DataFrame
        Confidence label per cell (see :func:`draw_codings`; the outcome column may have
        one too).
    outcome : str
        Outcome column, or ``"~column"`` for its negation.
    conditions : sequence of str, optional
        Default: every column except the outcome.
    n_draws, seed, model
        Passed to :func:`draw_codings`. The same seed gives the same codings for the
        outcome and its negation.
    incl_cut, n_cut, pri_cut : float
        Truth-table cut-offs.
    solution : {"parsimonious", "conservative"}
    interval : float
        Central probability of the reported intervals (0.9 -> 5 % and 95 % quantiles).
    necessity_cut, ron_cut : float
        Thresholds for ``p_necessary``.
    draws : ndarray, optional
        Pre-drawn codings (n_draws, n_cases, n_columns) in ``data.columns`` order, e.g. to
        share them between analyses; ``n_draws``/``seed``/``model`` are then not used.
    max_models : int
        Cap on the minimal models enumerated per draw. When a draw's chart has more,
        ``p_any_model``/``p_all_models`` use the first ``max_models`` of them; the number of
        such draws is ``settings["draws_with_capped_models"]``.
    n_jobs : int
        Processes for the minimisations (one per distinct truth table); 1 = in this process.

    Returns
    -------
    UncertaintyResult
    """
    check_cutoffs(incl_cut=incl_cut, pri_cut=pri_cut, interval=interval, necessity_cut=necessity_cut,
                  ron_cut=ron_cut)
    if solution not in SOLUTION_KINDS:
        raise SetsInputError([f"solution={solution!r}; expected one of {list(SOLUTION_KINDS)}"])
    out_col = outcome.lstrip("~").strip()
    conds = tuple(conditions) if conditions is not None else tuple(c for c in data.columns if c != out_col)
    missing = [c for c in (*conds, out_col) if c not in data.columns]
    if missing:
        raise SetsInputError([f"column {c!r} is not in the data (columns: {list(data.columns)})" for c in missing])
    cols = [*conds, out_col]
    sub = data[cols]
    if draws is None:
        draws = draw_codings(sub, confidence.reindex(columns=cols), n_draws=n_draws, model=model, seed=seed)
    else:
        draws = np.asarray(draws, dtype=float)
        if draws.ndim != 3 or draws.shape[1:] != sub.shape:
            raise SetsInputError([f"draws has shape {draws.shape}; expected (n_draws, {sub.shape[0]}, {sub.shape[1]})"])
    coded = sub.to_numpy(dtype=float)[None]
    k = len(conds)
    q = ((1 - interval) / 2, 1 - (1 - interval) / 2)

    x, cx = draws[..., :k], coded[..., :k]
    y, cy = outcome_array(draws, cols, outcome), outcome_array(coded, cols, outcome)
    lit_names = [n for c in conds for n in (c, f"~{c}")]
    lits = np.stack([v for i in range(k) for v in (x[..., i], 1 - x[..., i])], axis=-1)
    clits = np.stack([v for i in range(k) for v in (cx[..., i], 1 - cx[..., i])], axis=-1)

    # necessity
    nec, cnec = necessity_arrays(lits, y), necessity_arrays(clits, cy)
    necessity = pd.DataFrame(
        {**_interval_cols("inclN", nec["inclN"], cnec["inclN"][0], q),
         **_interval_cols("RoN", nec["RoN"], cnec["RoN"][0], q),
         **_interval_cols("covN", nec["covN"], cnec["covN"][0], q),
         "p_necessary": ((nec["inclN"] >= necessity_cut) & (nec["RoN"] >= ron_cut)).mean(axis=0)},
        index=pd.Index(lit_names, name="term"),
    )

    # truth table
    tta = truth_table_arrays(x, y, incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut)
    ctt = truth_table_arrays(cx, cy, incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut)
    ever = tta.observed.any(axis=0) | ctt.observed[0]
    row_ids = np.arange(1, 2**k + 1)[ever]
    bits = row_bits(row_ids, k)
    with np.errstate(all="ignore"):
        rows = pd.DataFrame(
            {"config": ["".join(map(str, b)) for b in bits],
             "n_coded": ctt.n[0, ever], "inclS_coded": ctt.inclS[0, ever], "OUT_coded": ctt.OUT[0, ever].astype(int),
             "p_observed": tta.observed[:, ever].mean(axis=0), "p_out": tta.OUT[:, ever].mean(axis=0),
             "inclS_median": np.nanmedian(tta.inclS[:, ever], axis=0),
             "inclS_lo": np.nanquantile(tta.inclS[:, ever], q[0], axis=0),
             "inclS_hi": np.nanquantile(tta.inclS[:, ever], q[1], axis=0)},
            index=pd.Index(row_ids, name="row"),
        )

    # minimisation per distinct truth-table pattern (positive rows, negative rows)
    def pattern(out_row: np.ndarray, obs_row: np.ndarray) -> tuple[bytes, bytes]:
        return ((np.flatnonzero(out_row) + 1).tobytes(), (np.flatnonzero(obs_row & ~out_row) + 1).tobytes())

    coded_key = pattern(ctt.OUT[0], ctt.observed[0])
    draw_keys = [pattern(tta.OUT[i], tta.observed[i]) for i in range(draws.shape[0])]
    unique = list(dict.fromkeys([coded_key, *draw_keys]))
    solved = _solve_patterns(unique, conds, solution, max_models, n_jobs)
    cache = dict(zip(unique, solved, strict=True))
    coded_models = cache[coded_key]
    draw_models = [cache[key] for key in draw_keys]
    coded_terms = sorted({t for m in coded_models for t in m})
    all_terms = sorted({t for ms in draw_models for m in ms for t in m} | set(coded_terms))
    any_m = {t: np.zeros(len(draw_models), bool) for t in all_terms}
    all_m = {t: np.zeros(len(draw_models), bool) for t in all_terms}
    for i, ms in enumerate(draw_models):
        if not ms:
            continue
        sets_ = [set(m) for m in ms]
        for t in set().union(*sets_):
            any_m[t][i] = True
            all_m[t][i] = all(t in s for s in sets_)
    implicants = pd.DataFrame(
        {"p_any_model": [any_m[t].mean() for t in all_terms],
         "p_all_models": [all_m[t].mean() for t in all_terms],
         "in_coded_solution": [t in coded_terms for t in all_terms]},
        index=pd.Index(all_terms, name="term"),
    ).sort_values(["in_coded_solution", "p_any_model"], ascending=False)

    # the coded solution's paths: fit over draws and presence
    real_terms = [t for t in coded_terms if t != "1"]
    if real_terms:
        tx = term_arrays(x, conds, real_terms)
        ctx = term_arrays(cx, conds, real_terms)
        suf, csuf = sufficiency_arrays(tx, y), sufficiency_arrays(ctx, cy)
        consistent = (suf["inclS"] >= incl_cut - 1e-12) & (suf["PRI"] >= pri_cut - 1e-12)
        paths = pd.DataFrame(
            {**_interval_cols("inclS", suf["inclS"], csuf["inclS"][0], q),
             **_interval_cols("PRI", suf["PRI"], csuf["PRI"][0], q),
             **_interval_cols("covS", suf["covS"], csuf["covS"][0], q),
             "p_in_solution": [any_m[t].mean() for t in real_terms],
             "p_consistent": consistent.mean(axis=0)},
            index=pd.Index(real_terms, name="term"),
        )
        presence = np.stack([any_m[t] for t in real_terms], axis=1)
    else:
        paths = pd.DataFrame(index=pd.Index([], name="term"))
        presence = np.zeros((draws.shape[0], 0), bool)
        consistent = np.zeros((draws.shape[0], 0), bool)

    conf = confidence.reindex(index=sub.index, columns=cols)
    cells = pd.DataFrame({
        "case": np.repeat(sub.index.to_numpy(), len(cols)),
        "column": np.tile(cols, len(sub)),
        "coded": coded[0].ravel(),
        "confidence": conf.to_numpy().ravel(),
    })
    changed = ~np.isclose(draws, coded).reshape(draws.shape[0], -1)
    return UncertaintyResult(
        outcome=outcome, conditions=conds, kind=solution, n_draws=int(draws.shape[0]),
        settings={"incl_cut": incl_cut, "n_cut": n_cut, "pri_cut": pri_cut, "interval": interval,
                  "necessity_cut": necessity_cut, "ron_cut": ron_cut, "seed": seed,
                  "distinct_truth_tables": len(cache), "max_models": max_models,
                  "draws_with_capped_models": int(sum(len(ms) >= max_models for ms in draw_models))},
        necessity=necessity, rows=rows, implicants=implicants, paths=paths,
        p_no_positive_row=float(np.mean([len(ms) == 0 for ms in draw_models])),
        cells=cells, changed=changed, path_presence=presence, path_consistent=consistent,
    )
