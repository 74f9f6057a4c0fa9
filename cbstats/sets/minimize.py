"""Boolean minimisation of a truth table: conservative, parsimonious, intermediate solutions.

- conservative (complex) solution: the positive rows are minimised alone;
- parsimonious solution: logical remainders may be used as simplifying assumptions
  (any remainder not excluded as untenable or impossible);
- intermediate solution (Ragin & Sonnett 2005; Ragin 2008, ch. 9; Dusa 2019, ch. 8):
  only *easy* counterfactuals are used. For each pair of a conservative model Ci and a
  parsimonious model Pj, a conservative term c that is a subset of a parsimonious term p
  may drop a literal that p does not contain when that literal contradicts the directional
  expectation (dropping it adds configurations with the expected value). The remainders
  that these relaxed terms cover, among the simplifying assumptions of Pj, are the easy
  counterfactuals; the positive rows plus them are minimised again (as in R ``QCA``, which
  reports them per ``CiPj``).

Every minimum-size cover of the prime-implicant chart is reported (models M1, M2, ...).
No Python library was used for the minimisation core: sympy's ``SOPform`` returns a single
minimum, and the QCA packages on PyPI we looked at were not checked against published
results (see docs/sets.md). The prime implicants are computed by two independent
algorithms (:mod:`cbstats.sets.implicants`), cross-checked in the tests.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .chart import MAX_MODELS, solve_chart
from .fit import fit_table, membership
from .implicants import DASH, covers, implicant_string, primes_ternary, subsumes
from .truthtable import TruthTable, row_bits, row_key
from .validate import SetsInputError

SOLUTIONS = ("conservative", "parsimonious", "intermediate")


@dataclass(frozen=True, eq=False)
class Model:
    """One minimal model (a disjunction of prime implicants).

    Attributes
    ----------
    name : str
        ``"M1"``, ``"M2"``, ... (intermediate: ``"C1P1M1"``, ...).
    terms : tuple of str
        Prime implicants, e.g. ``("A*B", "~C")``.
    simplifying_assumptions : tuple of int
        Remainder rows covered by the model (used as if OUT = 1).
    easy_counterfactuals : tuple of int
        Intermediate solutions only: the easy counterfactuals the model could use.
    fit : DataFrame
        Parameters of fit per term and for the model (``inclS, PRI, covS, covU``),
        computed on first access.
    """

    name: str
    terms: tuple[str, ...]
    simplifying_assumptions: tuple[int, ...]
    easy_counterfactuals: tuple[int, ...] = ()
    compute_fit: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)

    @cached_property
    def fit(self) -> pd.DataFrame:
        """Parameters of fit per term and for the model (``inclS, PRI, covS, covU``)."""
        return self.compute_fit() if self.compute_fit is not None else pd.DataFrame()

    @property
    def expression(self) -> str:
        """The model as one string, ``"A*B + ~C"``."""
        return " + ".join(self.terms)

    def __repr__(self) -> str:
        return f"{self.name}: {self.expression}"


@dataclass(frozen=True, eq=False)
class Solution:
    """The result of :func:`minimize`.

    Attributes
    ----------
    kind : str
        ``"conservative"``, ``"parsimonious"`` or ``"intermediate"``.
    outcome : str
    conditions : tuple of str
    models : tuple of Model
        Every minimum-size model. More than one means the solution is ambiguous.
    charts : dict
        Prime-implicant chart(s): DataFrame of bool, rows = prime implicants, columns =
        positive rows. Key ``""`` (conservative, parsimonious) or ``"C1P1"``, ... .
    essential : tuple of str
        Prime implicants in every model.
    directional : dict
        Directional expectations used (intermediate only).
    excluded : tuple of int
        Remainder rows excluded from the simplifying assumptions.
    """

    kind: str
    outcome: str
    conditions: tuple[str, ...]
    models: tuple[Model, ...]
    charts: dict[str, pd.DataFrame] = field(repr=False)
    essential: tuple[str, ...]
    directional: dict[str, object]
    excluded: tuple[int, ...]

    @property
    def chart(self) -> pd.DataFrame:
        """The prime-implicant chart (the first one for intermediate solutions)."""
        return next(iter(self.charts.values()))

    @property
    def prime_implicants(self) -> tuple[str, ...]:
        """All prime implicants in the chart(s)."""
        seen: dict[str, None] = {}
        for ch in self.charts.values():
            seen.update(dict.fromkeys(ch.index))
        return tuple(seen)

    @property
    def ambiguous(self) -> bool:
        """True when more than one model is equally good."""
        return len(self.models) > 1

    @property
    def fit(self) -> pd.DataFrame:
        """Parameters of fit of every model: index (model, term), columns inclS, PRI, covS, covU."""
        return pd.concat({m.name: m.fit for m in self.models}, names=["model", "term"])

    def distinct_models(self) -> pd.DataFrame:
        """Each distinct model once (intermediate solutions repeat models across pairs).

        Returns
        -------
        DataFrame
            Index ``expression``; columns ``models`` (names, comma-joined) and ``n``.
        """
        seen: dict[frozenset[str], list[str]] = {}
        expr: dict[frozenset[str], str] = {}
        for m in self.models:
            key = frozenset(m.terms)
            seen.setdefault(key, []).append(m.name)
            expr.setdefault(key, m.expression)
        return pd.DataFrame(
            {"models": [", ".join(v) for v in seen.values()], "n": [len(v) for v in seen.values()]},
            index=pd.Index([expr[k] for k in seen], name="expression"),
        )

    def term_table(self) -> pd.DataFrame:
        """Which prime implicant appears in which model (bool), rows = PIs."""
        pis = self.prime_implicants
        return pd.DataFrame(
            {m.name: [p in m.terms for p in pis] for m in self.models},
            index=pd.Index(pis, name="term"),
        )

    def __repr__(self) -> str:
        head = f"{self.kind.capitalize()} solution for {self.outcome!r}"
        if len(self.models) > 1:
            head += f" ({len(self.models)} equally good models)"
        lines = [head]
        for m in self.models:
            lines.append(f"{m.name}: {m.expression} -> {self.outcome}")
        with pd.option_context("display.width", 120):
            lines.append(self.fit.round(3).to_string())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li><b>{m.name}</b>: {m.expression} &rarr; {self.outcome}</li>" for m in self.models
        )
        return (
            f"<p>{self.kind.capitalize()} solution for <code>{self.outcome}</code></p>"
            f"<ul>{items}</ul>" + self.fit.round(3).to_html()
        )


# ---- helpers ------------------------------------------------------------------------------
def _excluded_rows(
    tt: TruthTable, exclude: Iterable[object] | str | None, remainders: np.ndarray
) -> np.ndarray:
    if exclude is None:
        return np.zeros(0, dtype=np.int64)
    if isinstance(exclude, str) and not set(exclude) <= {"0", "1"}:
        exclude = [exclude]
    rows: set[int] = set()
    problems = []
    k = len(tt.conditions)
    rem_bits = row_bits(remainders, k)
    for item in ([exclude] if isinstance(exclude, str | int) else exclude):
        if isinstance(item, str) and not set(item) <= {"0", "1"}:
            digits = _term_digits(item, tt.conditions)
            hit = covers(np.array([digits], dtype=np.int8), rem_bits)[0]
            rows.update(int(r) for r in remainders[hit])
            continue
        r = row_key(item, tt.conditions)
        if r not in set(remainders.tolist()):
            problems.append(
                f"exclude: row {item!r} (row {r}) is not a logical remainder of this truth table; "
                "only remainders can be excluded from the simplifying assumptions"
            )
        rows.add(r)
    if problems:
        raise SetsInputError(problems)
    return np.array(sorted(rows), dtype=np.int64)


def _term_digits(term: str, conditions: Sequence[str]) -> list[int]:
    from .fit import parse_expression

    parsed = parse_expression(term)
    if len(parsed) != 1:
        raise SetsInputError([f"exclude: {term!r} must be a single conjunction, e.g. 'A*~B'"])
    digits = [DASH] * len(conditions)
    problems = []
    for name, neg in parsed[0]:
        if name not in conditions:
            problems.append(f"exclude: condition {name!r} in {term!r} is not in {list(conditions)}")
            continue
        digits[list(conditions).index(name)] = 0 if neg else 1
    if problems:
        raise SetsInputError(problems)
    return digits


def _directional(
    directional: Mapping[str, object] | None, conditions: Sequence[str]
) -> list[object]:
    if directional is None:
        raise SetsInputError(
            ["the intermediate solution needs `directional` expectations: a mapping condition -> "
             "1 (presence expected to contribute), 0 (absence) or '-' (no expectation)"]
        )
    problems = []
    unknown = [c for c in directional if c not in conditions]
    if unknown:
        problems.append(
            f"directional expectations name condition(s) {unknown} that are not in the truth "
            f"table; expected some of {list(conditions)}"
        )
    for c, v in directional.items():
        if v not in (0, 1, "-", None) or isinstance(v, bool):
            problems.append(
                f"directional expectation for {c!r} is {v!r}; expected 1, 0 or '-'"
            )
    if problems:
        raise SetsInputError(problems)
    return [directional.get(c, "-") if directional.get(c) is not None else "-" for c in conditions]


def _models_from(
    pis: np.ndarray,
    positive: np.ndarray,
    remainders: np.ndarray,
    tt: TruthTable,
    prefix: str,
    max_models: int,
) -> tuple[pd.DataFrame, list[tuple[tuple[int, ...], list[int]]], tuple[str, ...]]:
    """Chart, the covers (PI indices + simplifying assumptions) and the essential PIs."""
    k = len(tt.conditions)
    names = [implicant_string(p, tt.conditions) for p in pis]
    chart = covers(pis, row_bits(positive, k))
    covers_found = solve_chart(chart, max_models=max_models)
    rem_cover = covers(pis, row_bits(remainders, k)) if len(remainders) else np.zeros((len(pis), 0), bool)
    out = []
    for combo in covers_found:
        used = rem_cover[list(combo)].any(axis=0) if len(combo) else np.zeros(len(remainders), bool)
        out.append((combo, [int(r) for r in remainders[used]]))
    common = set(covers_found[0]) if covers_found else set()
    for combo in covers_found[1:]:
        common &= set(combo)
    chart_df = pd.DataFrame(chart, index=pd.Index(names, name="term"),
                            columns=pd.Index([int(r) for r in positive], name="row"))
    return chart_df, out, tuple(names[i] for i in sorted(common))


def _order_terms(combo: Sequence[int], keys: Sequence[tuple], names: Sequence[str]) -> tuple[str, ...]:
    return tuple(names[i] for i in sorted(combo, key=keys.__getitem__))


def _solve(
    tt: TruthTable,
    positive: np.ndarray,
    off: np.ndarray,
    remainders: np.ndarray,
    prefix: str,
    max_models: int,
) -> tuple[np.ndarray, pd.DataFrame, list[tuple[tuple[str, ...], list[int], tuple[int, ...]]], tuple[str, ...]]:
    k = len(tt.conditions)
    pis = primes_ternary(positive, off, k)
    chart_df, found, essential = _models_from(pis, positive, remainders, tt, prefix, max_models)
    names = list(chart_df.index)
    keys = [
        (int((d != DASH).sum()), tuple(int(x) if x != DASH else -1 for x in d)) for d in pis
    ]
    position = {t: i for i, t in enumerate(names)}
    models = []
    for combo, sa in found:
        ordered = _order_terms(combo, keys, names)
        digits = [pis[position[t]] for t in ordered]
        models.append((ordered, sa, digits))
    models.sort(key=lambda m: (sum(t.count("*") + 1 for t in m[0]), m[0]))
    return pis, chart_df, models, essential


class _Fitter:
    """Parameters of fit of models, with each prime implicant's memberships computed once."""

    def __init__(self, tt: TruthTable) -> None:
        self.x = tt.data[list(tt.conditions)].to_numpy(dtype=float)
        self.y = membership(tt.data, tt.outcome).to_numpy()
        self.cache: dict[tuple[int, ...], np.ndarray] = {}

    def term(self, digits: Sequence[int]) -> np.ndarray:
        key = tuple(int(d) for d in digits)
        if key not in self.cache:
            m = np.ones(len(self.y))
            for j, d in enumerate(key):
                if d != DASH:
                    m = np.minimum(m, self.x[:, j] if d == 1 else 1.0 - self.x[:, j])
            self.cache[key] = m
        return self.cache[key]

    def __call__(self, terms: Sequence[str], digits: Sequence[Sequence[int]]) -> Callable[[], pd.DataFrame]:
        def compute() -> pd.DataFrame:
            xs = np.vstack([self.term(d) for d in digits])
            return fit_table(xs, self.y, list(terms))

        return compute


# ---- public -------------------------------------------------------------------------------
def minimize(
    tt: TruthTable,
    *,
    solution: str = "conservative",
    directional: Mapping[str, object] | None = None,
    exclude: Iterable[object] | str | None = None,
    max_models: int = MAX_MODELS,
    max_pairs: int = 1000,
) -> Solution:
    """Minimise a truth table.

    Parameters
    ----------
    tt : TruthTable
        From :func:`cbstats.sets.truth_table` (use ``outcome="~Y"`` there for the negated
        outcome). Rows with OUT = 1 are explained.
    solution : {"conservative", "parsimonious", "intermediate"}
    directional : mapping, optional
        Directional expectations for the intermediate solution: condition -> 1 (its
        presence is expected to contribute to the outcome), 0 (its absence), or ``"-"``
        (no expectation; the default for unnamed conditions).
    exclude : iterable, optional
        Remainders not to be used as simplifying assumptions (untenable or impossible
        configurations): row numbers, 0/1 strings, condition mappings, or conjunctions such
        as ``"A*~B"`` (every remainder in that conjunction).
    max_models : int
        Cap on the number of equally good models enumerated (warns when reached).
    max_pairs : int
        Intermediate solution: cap on the (conservative model, parsimonious model) pairs
        minimised (warns when reached). Pairs with the same easy counterfactuals share
        one minimisation.

    Returns
    -------
    Solution
    """
    if solution not in SOLUTIONS:
        raise SetsInputError([f"solution={solution!r}; expected one of {list(SOLUTIONS)}"])
    if not isinstance(tt, TruthTable):
        raise SetsInputError([f"minimize() needs a TruthTable, got {type(tt).__name__}"])
    if directional is not None and solution != "intermediate":
        raise SetsInputError(
            [f"directional expectations are only used by the intermediate solution, not {solution!r}"]
        )
    positive = np.array(tt.positive_rows, dtype=np.int64)
    if len(positive) == 0:
        raise SetsInputError(
            [f"the truth table for outcome {tt.outcome!r} has no positive row (OUT = 1) with "
             f"incl_cut={tt.incl_cut}, pri_cut={tt.pri_cut}, n_cut={tt.n_cut}: nothing to "
             "explain; lower the cut-offs or check the outcome"]
        )
    negative = np.array(tt.negative_rows, dtype=np.int64)
    remainders = tt.remainder_rows
    excluded = _excluded_rows(tt, exclude, remainders)
    usable = np.setdiff1d(remainders, excluded)
    dir_list = _directional(directional, tt.conditions) if solution == "intermediate" else []
    if solution != "conservative" and len(negative) + len(excluded) == 0:
        raise SetsInputError(
            [f"outcome {tt.outcome!r}: every observed row is positive and no remainder is "
             "excluded, so with remainders the solution is the tautology '1'; use the "
             "conservative solution or exclude untenable remainders"]
        )

    if solution in ("conservative", "parsimonious"):
        off = np.concatenate([negative, remainders]) if solution == "conservative" else np.concatenate([negative, excluded])
        _, chart_df, found, essential = _solve(tt, positive, off, usable, "", max_models)
        fitter = _Fitter(tt)
        models = tuple(
            Model(name=f"M{i}", terms=terms, simplifying_assumptions=tuple(sa), compute_fit=fitter(terms, dig))
            for i, (terms, sa, dig) in enumerate(found, start=1)
        )
        return Solution(
            kind=solution, outcome=tt.outcome, conditions=tt.conditions, models=models,
            charts={"": chart_df}, essential=essential, directional={}, excluded=tuple(int(r) for r in excluded),
        )

    # intermediate
    k = len(tt.conditions)
    c_pis, _, c_models, _ = _solve(
        tt, positive, np.concatenate([negative, remainders]), usable, "", max_models
    )
    p_pis, _, p_models, _ = _solve(
        tt, positive, np.concatenate([negative, excluded]), usable, "", max_models
    )
    c_names = [implicant_string(p, tt.conditions) for p in c_pis]
    p_names = [implicant_string(p, tt.conditions) for p in p_pis]
    c_digits = dict(zip(c_names, c_pis, strict=True))
    p_digits = dict(zip(p_names, p_pis, strict=True))
    rem_bits = row_bits(usable, k) if len(usable) else np.zeros((0, k), np.int8)
    fitter = _Fitter(tt)
    charts: dict[str, pd.DataFrame] = {}
    models_out: list[Model] = []
    essential_all: set[str] | None = None
    pairs = [
        (ci, c, pj, p)
        for ci, c in enumerate(c_models, start=1)
        for pj, p in enumerate(p_models, start=1)
    ]
    if len(pairs) > max_pairs:
        warnings.warn(
            f"{len(c_models)} conservative x {len(p_models)} parsimonious models: only the first "
            f"{max_pairs} pairs are used for intermediate solutions (raise max_pairs)",
            UserWarning,
            stacklevel=2,
        )
        pairs = pairs[:max_pairs]
    solved: dict[tuple[int, ...], tuple] = {}
    for ci, (c_terms, _, _), pj, (p_terms, p_sa, _) in pairs:
        relaxed = []
        for ct in c_terms:
            cd = c_digits[ct]
            for pt in p_terms:
                pd_ = p_digits[pt]
                if not subsumes(pd_, cd):
                    continue
                r = cd.copy()
                for t in range(k):
                    e = dir_list[t]
                    if cd[t] != DASH and pd_[t] == DASH and e != "-" and cd[t] != e:
                        r[t] = DASH
                relaxed.append(r)
        sa_set = set(p_sa)
        if relaxed and len(usable):
            hit = covers(np.array(relaxed, dtype=np.int8), rem_bits).any(axis=0)
            ec = np.array([r for r in usable[hit] if int(r) in sa_set], dtype=np.int64)
        else:
            ec = np.zeros(0, dtype=np.int64)
        key = tuple(int(r) for r in ec)
        if key not in solved:  # pairs with the same easy counterfactuals share one result
            off = np.setdiff1d(
                np.arange(1, 2**k + 1, dtype=np.int64), np.concatenate([positive, ec])
            )
            solved[key] = _solve(tt, positive, off, ec, "", max_models)[1:]
        chart_df, found, essential = solved[key]
        pair = f"C{ci}P{pj}"
        charts[pair] = chart_df
        essential_all = set(essential) if essential_all is None else essential_all & set(essential)
        for m, (terms, sa, dig) in enumerate(found, start=1):
            models_out.append(
                Model(
                    name=f"{pair}M{m}", terms=terms, simplifying_assumptions=tuple(sa),
                    easy_counterfactuals=tuple(int(r) for r in ec), compute_fit=fitter(terms, dig),
                )
            )
    return Solution(
        kind="intermediate", outcome=tt.outcome, conditions=tt.conditions, models=tuple(models_out),
        charts=charts, essential=tuple(sorted(essential_all or ())),
        directional={c: dir_list[i] for i, c in enumerate(tt.conditions)},
        excluded=tuple(int(r) for r in excluded),
    )
