"""The model specifications of the study, defined once and used by every analysis."""

from __future__ import annotations

from ..casedata.schema import CONDITIONS

CONDITION_TERMS = " + ".join(f"mo({c})" for c in CONDITIONS)
"""The seven supporting conditions as monotonic effects of their ordered scores."""

PROCESS_TERMS = ("n_interaction + n_information + n_constraint + n_verification"
                 " + negotiation_years + standing_body + third_party + track_two")
"""Features of the confidence-building process."""

GROUP_TERMS = "(1 | region) + (1 | dyad_id) + (1 | arrangement_id)"
"""Varying intercepts: cases in dyads in regions, crossed with arrangements."""

MAIN_ORDINAL = f"transformation ~ {CONDITION_TERMS} + {PROCESS_TERMS} + {GROUP_TERMS}"
MAIN_BINARY = f"institutionalized ~ {CONDITION_TERMS} + {PROCESS_TERMS} + {GROUP_TERMS}"

COMPARISON_ORDINAL = {
    "conditions only": f"transformation ~ {CONDITION_TERMS} + {GROUP_TERMS}",
    "process only": f"transformation ~ {PROCESS_TERMS} + {GROUP_TERMS}",
    "conditions + process": MAIN_ORDINAL,
    "conditions + process, complete pooling": f"transformation ~ {CONDITION_TERMS} + {PROCESS_TERMS}",
    "conditions + process + states (multi-membership)":
        f"{MAIN_ORDINAL} + (1 | mm(state_a, state_b))",
}
