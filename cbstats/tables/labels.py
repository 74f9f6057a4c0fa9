"""Human-readable labels for model terms, taken from the codebook.

Term names come from the formulas (``mo(forum)``, ``n_interaction``,
``C(legal_form)[T.treaty]``, ``region:dyad``, cutpoints ``0|1`` ...); tables
and plots show them with the labels of the case-data codebook
(:data:`cbstats.casedata.schema.CONDITION_LABELS`, ``REGION_LABELS``) and the
short variable labels below. Any label can be overridden by passing
``labels={"term or column": "label"}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..casedata.schema import CONDITION_LABELS, REGION_LABELS

VARIABLE_LABELS: dict[str, str] = {
    **CONDITION_LABELS,
    "n_interaction": "Interaction measures (count)",
    "n_information": "Information-exchange measures (count)",
    "n_constraint": "Constraint measures (count)",
    "n_verification": "Verification measures (count)",
    "negotiation_years": "Negotiation length (years)",
    "standing_body": "Standing implementation body",
    "third_party": "Third-party facilitation",
    "track_two": "Track-two dialogue",
    "legal_form": "Legal form",
    "scope": "Scope",
    "sequence": "Sequence (nth case of the dyad)",
    "year_signed": "Year signed",
    "decade": "Decade signed",
    "region": "Region",
    "transformation": "Transformation (0-3)",
    "institutionalized": "Institutionalized transformation",
    "reversed": "Reversed",
}
"""Short labels of the case-matrix columns (conditions from the codebook)."""

GROUP_LABELS: dict[str, str] = {
    "region": "Region",
    "dyad": "Dyad",
    "dyad_id": "Dyad",
    "arrangement": "Arrangement",
    "arrangement_id": "Arrangement",
    "state": "State",
    "state_a": "State",
    "region:dyad": "Dyad within region",
    "region:dyad_id": "Dyad within region",
}
"""Labels of grouping factors of varying effects."""

LEVEL_LABELS: dict[str, dict[str, str]] = {
    "region": dict(REGION_LABELS),
    "legal_form": {"treaty": "treaty", "agreement": "agreement", "memorandum": "memorandum",
                   "political_declaration": "political declaration"},
}
"""Labels of the levels of categorical columns."""

OUTCOME_SHORT: dict[str, str] = {"0": "none", "1": "operational", "2": "changed practice",
                                 "3": "institutionalized"}
"""Short names of the transformation levels, for cutpoint labels."""

_CATEGORICAL = re.compile(r"^C\((?P<var>[^,)]+)(?:,[^)]*)?\)\[(?:T\.)?(?P<level>.*)\]$")
_PLAIN_CAT = re.compile(r"^(?P<var>[A-Za-z_][A-Za-z0-9_.]*)\[(?:T\.)?(?P<level>.*)\]$")
_MO = re.compile(r"^mo\((?P<var>[^)]+)\)$")
_CUT = re.compile(r"^(?:cutpoints?\[)?(?P<a>[^|\[\]]+)\|(?P<b>[^|\[\]]+)\]?$")
_SD = re.compile(r"^(?:sd[_\[(])(?P<group>[^\]\[)]+)[\])]?(?:\[(?P<coef>[^\]]+)\])?$")
_COR = re.compile(r"^cor[_\[(](?P<group>[^\]\[)]+)[\])]?(?:\[(?P<a>[^\],]+),\s*(?P<b>[^\]]+)\])?$")
_B = re.compile(r"^b\[(?P<term>.+)\]$")


def group_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """Label of a grouping factor (``region`` → "Region", ``region:dyad`` → "Dyad within region")."""
    labels = labels or {}
    if name in labels:
        return labels[name]
    if name in GROUP_LABELS:
        return GROUP_LABELS[name]
    parts = name.split(":")
    if len(parts) > 1:
        return " within ".join(reversed([group_label(p, labels) for p in parts])).capitalize()
    return name.replace("_", " ").capitalize()


def variable_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """Label of a data column (conditions from the codebook, then :data:`VARIABLE_LABELS`)."""
    labels = labels or {}
    if name in labels:
        return labels[name]
    return VARIABLE_LABELS.get(name, name)


def level_label(var: str, level: str, labels: Mapping[str, str] | None = None) -> str:
    """Label of one level of a categorical column (``region`` levels from ``REGION_LABELS``)."""
    labels = labels or {}
    key = f"{var}[{level}]"
    if key in labels:
        return labels[key]
    return LEVEL_LABELS.get(var, {}).get(level, level.replace("_", " "))


def cutpoint_label(a: str, b: str, response: str | None = None) -> str:
    """Label of the cutpoint between outcome levels ``a`` and ``b``.

    For the transformation outcome the level names are spelled out
    ("Cutpoint 0|1: none / operational").
    """
    a, b = a.strip(), b.strip()
    if response in (None, "transformation") and a in OUTCOME_SHORT and b in OUTCOME_SHORT:
        return f"Cutpoint {a}|{b}: {OUTCOME_SHORT[a]} / {OUTCOME_SHORT[b]}"
    return f"Cutpoint {a}|{b}"


def term_label(term: str, labels: Mapping[str, str] | None = None, *,
               response: str | None = None) -> str:
    """Human-readable label of a model term.

    Parameters
    ----------
    term : str
        A term as it appears in a summary: ``"mo(forum)"``, ``"n_interaction"``,
        ``"C(legal_form)[T.treaty]"``, ``"x:z"``, ``"0|1"``, ``"sd[region]"``,
        ``"Intercept"`` ...
    labels : mapping, optional
        Overrides, keyed by the full term or by a column name.
    response : str, optional
        Name of the outcome (cutpoints of ``transformation`` get level names).

    Returns
    -------
    str

    Examples
    --------
    >>> term_label("mo(forum)")
    'Forum for discussion (monotonic)'
    >>> term_label("0|1")
    'Cutpoint 0|1: none / operational'
    """
    labels = dict(labels or {})
    term = str(term)
    if term in labels:
        return labels[term]
    if term in VARIABLE_LABELS:
        return VARIABLE_LABELS[term]
    if term.lower() in ("intercept", "(intercept)", "const"):
        return "Intercept"
    if m := _B.match(term):
        return term_label(m.group("term"), labels, response=response)
    if m := _MO.match(term):
        return f"{variable_label(m.group('var').strip(), labels)} (monotonic)"
    if m := _COR.match(term):
        g = group_label(m.group("group"), labels)
        if m.group("a"):
            return f"Correlation {m.group('a')}, {m.group('b')}: {g}"
        return f"Correlation: {g}"
    if m := _SD.match(term):
        g = group_label(m.group("group"), labels)
        coef = m.group("coef")
        if coef and coef.lower() != "intercept":
            return f"SD of {variable_label(coef, labels)} slopes: {g}"
        return f"SD of intercepts: {g}"
    if m := _CUT.match(term):
        return cutpoint_label(m.group("a"), m.group("b"), response)
    if m := _CATEGORICAL.match(term) or _PLAIN_CAT.match(term):
        var = m.group("var").strip()
        return f"{variable_label(var, labels)}: {level_label(var, m.group('level'), labels)}"
    if ":" in term and "(" not in term:
        return " × ".join(term_label(p, labels, response=response) for p in term.split(":"))
    return variable_label(term, labels)
