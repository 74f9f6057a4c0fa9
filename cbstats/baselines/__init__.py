"""Frequentist baselines (statsmodels) for the population part of cbstats formulas."""

from .fit import SUMMARY_COLUMNS, BaselineResult, SeparationError, fit_baseline
from .separation import SeparationReport, check_binary_separation, check_ordinal_separation

__all__ = [
    "SUMMARY_COLUMNS",
    "BaselineResult",
    "SeparationError",
    "SeparationReport",
    "check_binary_separation",
    "check_ordinal_separation",
    "fit_baseline",
]
