"""Parse lme4/brms-style model formulas into a :class:`FormulaSpec`.

Only the *special* terms are parsed here; the population (fixed-effect) part
is handed to :mod:`formulae`, which understands categorical predictors,
interactions, ``C()``, ``I()`` and transformations.

Supported syntax
----------------
``y ~ x1 + C(x2) + x1:x3``
    population terms (everything :mod:`formulae` accepts).
``succ | trials(n) ~ ...``
    binomial response with the number of trials in column ``n``.
``(1 | g)``, ``(1 | a) + (1 | b)``, ``(1 | a/b)``, ``(1 | a:b)``
    varying intercepts, crossed or nested (``a/b`` expands to
    ``(1 | a) + (1 | a:b)``).
``(x | g)``, ``(1 + x | g)``, ``(0 + x | g)``
    varying slopes, correlated with the varying intercept (LKJ prior).
``mo(x)``
    monotonic effect of an ordered predictor (Bürkner & Charpentier 2020).
``(1 | mm(a, b))`` or the shorthand ``mm(a, b)``
    multi-membership varying intercept: each row belongs equally to the
    levels in columns ``a`` and ``b`` (e.g. the two states of a dyad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["FormulaSpec", "GroupTerm", "MonoTerm", "parse_formula"]

_IDENT = r"[A-Za-z_][A-Za-z0-9_.]*"


@dataclass(frozen=True)
class MonoTerm:
    """A monotonic effect ``mo(var)``."""

    var: str

    @property
    def name(self) -> str:
        return f"mo({self.var})"


@dataclass(frozen=True)
class GroupTerm:
    """A varying-effects term ``(expr | group)``.

    Attributes
    ----------
    factors
        Columns whose combination defines the grouping (``("region", "dyad")``
        for the nested part of ``region/dyad``) or, for multi-membership, the
        member columns.
    intercept
        Whether a varying intercept is included.
    slopes
        Numeric columns with varying slopes.
    mm
        True for a multi-membership term.
    """

    factors: tuple[str, ...]
    intercept: bool = True
    slopes: tuple[str, ...] = ()
    mm: bool = False

    @property
    def name(self) -> str:
        """Name of the grouping factor, used as the dimension name."""
        if self.mm:
            prefix = _common_prefix(self.factors).rstrip("_.")
            return prefix if prefix else "_".join(self.factors)
        return ":".join(self.factors)

    @property
    def coef_names(self) -> list[str]:
        return (["Intercept"] if self.intercept else []) + list(self.slopes)

    @property
    def columns(self) -> list[str]:
        return list(self.factors) + list(self.slopes)


@dataclass(frozen=True)
class FormulaSpec:
    """The parsed pieces of a model formula."""

    formula: str
    response: str
    trials: str | None
    population: str
    mono: tuple[MonoTerm, ...] = field(default_factory=tuple)
    groups: tuple[GroupTerm, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> list[str]:
        """Data columns named explicitly by special terms and the response."""
        cols = [self.response] + ([self.trials] if self.trials else [])
        cols += [m.var for m in self.mono]
        for g in self.groups:
            cols += g.columns
        return list(dict.fromkeys(cols))


def _common_prefix(names: tuple[str, ...]) -> str:
    first = names[0]
    n = 0
    while all(len(s) > n and s[n] == first[n] for s in names):
        n += 1
    return first[:n]


def _split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside parentheses/brackets."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced parentheses in formula part {text!r}")
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth != 0:
        raise ValueError(f"unbalanced parentheses in formula part {text!r}")
    out.append("".join(cur))
    return [s.strip() for s in out]


def _parse_call(text: str, fname: str) -> list[str] | None:
    m = re.fullmatch(rf"{fname}\s*\((.*)\)", text.strip())
    if not m:
        return None
    args = [a.strip() for a in _split_top(m.group(1), ",")]
    for a in args:
        if not re.fullmatch(_IDENT, a):
            raise ValueError(f"{fname}() takes plain column names, got {a!r} in {text!r}")
    return args


def _parse_group(inner: str) -> list[GroupTerm]:
    if "||" in inner:
        raise ValueError(f"uncorrelated '||' varying effects are not supported: ({inner})")
    parts = _split_top(inner, "|")
    if len(parts) != 2:
        raise ValueError(f"a varying-effects term needs exactly one '|': ({inner})")
    expr, group = parts
    intercept, slopes = True, []
    for tok in (t.strip() for t in _split_top(expr, "+")):
        if tok == "1":
            intercept = True
        elif tok in ("0", "-1"):
            intercept = False
        elif re.fullmatch(_IDENT, tok):
            slopes.append(tok)
        else:
            raise ValueError(
                f"varying slopes must be plain numeric column names; got {tok!r} in ({inner})"
            )
    if not intercept and not slopes:
        raise ValueError(f"empty varying-effects term: ({inner})")
    mm_args = _parse_call(group, "mm")
    if mm_args is not None:
        if slopes or not intercept or len(mm_args) < 2:
            raise ValueError(
                f"mm() supports varying intercepts over two or more columns only: ({inner})"
            )
        return [GroupTerm(tuple(mm_args), mm=True)]
    if "/" in group:
        levels = [g.strip() for g in group.split("/")]
        factors_list = [tuple(levels[: i + 1]) for i in range(len(levels))]
    else:
        factors_list = [tuple(g.strip() for g in group.split(":"))]
    out = []
    for factors in factors_list:
        for f in factors:
            if not re.fullmatch(_IDENT, f):
                raise ValueError(f"bad grouping factor {f!r} in ({inner})")
        out.append(GroupTerm(factors, intercept=intercept, slopes=tuple(slopes)))
    return out


def parse_formula(formula: str) -> FormulaSpec:
    """Parse a model formula.

    Parameters
    ----------
    formula
        An lme4/brms-style formula, e.g.
        ``"transformation ~ mo(forum) + n_interaction + (1 | region/dyad)"``.

    Returns
    -------
    FormulaSpec

    Raises
    ------
    ValueError
        If the formula is malformed or uses unsupported syntax.
    """
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise ValueError(f"formula must be a string with exactly one '~': {formula!r}")
    lhs, rhs = (s.strip() for s in formula.split("~"))
    if not lhs:
        raise ValueError(f"formula has no response: {formula!r}")
    if not rhs:
        raise ValueError(f"formula has no right-hand side: {formula!r}")
    trials = None
    lhs_parts = _split_top(lhs, "|")
    if len(lhs_parts) == 2:
        args = _parse_call(lhs_parts[1], "trials")
        if args is None or len(args) != 1:
            raise ValueError(f"expected 'y | trials(n)' on the left-hand side, got {lhs!r}")
        trials = args[0]
    elif len(lhs_parts) > 2:
        raise ValueError(f"bad left-hand side {lhs!r}")
    response = lhs_parts[0]
    if not re.fullmatch(_IDENT, response):
        raise ValueError(f"the response must be a column name, got {response!r}")

    population, mono, groups = [], [], []
    for term in _split_top(rhs, "+"):
        if not term:
            raise ValueError(f"empty term in formula {formula!r}")
        if term.startswith("(") and term.endswith(")") and "|" in term:
            groups.extend(_parse_group(term[1:-1]))
            continue
        mo = _parse_call(term, "mo")
        if mo is not None:
            if len(mo) != 1:
                raise ValueError(f"mo() takes one column: {term!r}")
            mono.append(MonoTerm(mo[0]))
            continue
        mm = _parse_call(term, "mm")
        if mm is not None:
            groups.extend(_parse_group(f"1 | {term}"))
            continue
        if re.search(r"\b(mo|mm)\s*\(", term) or "|" in term:
            raise ValueError(
                f"unsupported term {term!r}: mo()/mm()/(..|..) cannot be combined with "
                "interactions or transformations"
            )
        population.append(term)
    names = [g.name for g in groups]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"grouping factor(s) {sorted(dup)} appear in more than one term")
    monos = [m.var for m in mono]
    if len(set(monos)) != len(monos):
        raise ValueError("the same mo() term appears twice")
    return FormulaSpec(
        formula=formula,
        response=response,
        trials=trials,
        population=" + ".join(population) if population else "1",
        mono=tuple(mono),
        groups=tuple(groups),
    )
