"""Set-theoretic analysis (crisp- and fuzzy-set QCA) as plain functions over DataFrames.

Data: one row per case (index = case id), one column per set, memberships in [0, 1].
Terms are written ``"A*~B + C"`` (``*`` and, ``+`` or, ``~`` not). Column names follow R
``QCA`` (Dusa 2019): ``inclS, PRI, covS, covU, inclN, RoN, covN, OUT, n, cases``.
See ``docs/sets.md``.
"""

from __future__ import annotations

from .calibrate import (
    CBM_TRANSFORMATION_MEMBERSHIPS,
    assign_memberships,
    calibrate_direct,
    calibrate_ordinal,
)
from .chart import brute_force_covers, solve_chart
from .diagnostics import case_types, deviant_cases, simultaneous_subset, skewness
from .fit import (
    membership,
    necessity_fit,
    parameters_of_fit,
    parse_expression,
    sufficiency_fit,
)
from .implicants import primes_quine_mccluskey, primes_ternary
from .minimize import Model, Solution, minimize
from .necessity import necessity, subset_search, superset_search
from .permutation import PermutationResult, permutation_test
from .truthtable import TruthTable, row_key, truth_table
from .uncertainty import (
    MisclassificationModel,
    UncertaintyResult,
    coding_uncertainty,
    draw_codings,
)
from .validate import CrossoverWarning, SetsInputError, check_cutoffs, check_memberships

__all__ = [
    "CBM_TRANSFORMATION_MEMBERSHIPS",
    "CrossoverWarning",
    "MisclassificationModel",
    "Model",
    "PermutationResult",
    "SetsInputError",
    "Solution",
    "TruthTable",
    "UncertaintyResult",
    "assign_memberships",
    "brute_force_covers",
    "calibrate_direct",
    "calibrate_ordinal",
    "case_types",
    "check_cutoffs",
    "check_memberships",
    "coding_uncertainty",
    "deviant_cases",
    "draw_codings",
    "membership",
    "minimize",
    "necessity",
    "necessity_fit",
    "parameters_of_fit",
    "parse_expression",
    "permutation_test",
    "primes_quine_mccluskey",
    "primes_ternary",
    "row_key",
    "simultaneous_subset",
    "skewness",
    "solve_chart",
    "subset_search",
    "sufficiency_fit",
    "superset_search",
    "truth_table",
]
