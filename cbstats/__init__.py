"""cbstats: Bayesian modelling of case-study datasets in international security.

Importing ``cbstats`` is cheap: PyMC, ArviZ, statsmodels and matplotlib are
imported only when a function that needs them is first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ._version import __version__

_LAZY = {
    # case data
    "CaseData": "cbstats.casedata",
    "CaseDataError": "cbstats.casedata",
    "Problem": "cbstats.casedata",
    "CONDITIONS": "cbstats.casedata",
    "CONDITION_LABELS": "cbstats.casedata",
    "REGIONS": "cbstats.casedata",
    "canonical_dyad": "cbstats.casedata",
    "load_cbm": "cbstats.casedata",
    "read_case_package": "cbstats.casedata",
    "read_case_table": "cbstats.casedata",
    "ordered": "cbstats.ordinal",
    # Bayesian models
    "fit": "cbstats.models",
    "sample_prior_predictive": "cbstats.models",
    "compare": "cbstats.models",
    "load_result": "cbstats.models",
    "BayesResult": "cbstats.models",
    "DiagnosticsError": "cbstats.models",
    # many refits: simulation-based calibration on the refit executor
    "sbc": "cbstats.refits.sbc",
    # frequentist baselines
    "fit_baseline": "cbstats.baselines",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cbstats' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
