"""Bayesian hierarchical models for case-study data (PyMC).

Public API: :func:`fit`, :func:`sample_prior_predictive`, :func:`compare`,
:func:`load_result`, :class:`BayesResult`, :class:`DiagnosticsError`,
:class:`WeakIdentificationWarning` and its subclasses
:class:`UnobservedLevelWarning` and :class:`ObservationLevelEffectWarning`.

Modules: ``formula`` (parse formulas), ``design`` (formula + data -> arrays),
``priors`` (defaults and overrides), ``terms`` (varying, monotonic and
multi-membership building blocks), ``families`` (one model builder per
likelihood), ``sampling`` (the only place that samples), ``result``
(:class:`BayesResult`), ``predict``, ``loo``, ``compare``, ``io``.
"""

from . import _blas_setup  # noqa: F401  (first: sets PyTensor's BLAS before PyMC is imported)
from .api import fit, sample_prior_predictive
from .compare import compare
from .design import (
    ObservationLevelEffectWarning,
    UnobservedLevelWarning,
    WeakIdentificationWarning,
)
from .io import load_result
from .result import BayesResult, DiagnosticsError

__all__ = [
    "BayesResult",
    "DiagnosticsError",
    "compare",
    "fit",
    "load_result",
    "ObservationLevelEffectWarning",
    "UnobservedLevelWarning",
    "WeakIdentificationWarning",
    "sample_prior_predictive",
]
