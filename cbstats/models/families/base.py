"""The :class:`Family` interface: everything cbstats knows about one likelihood family.

A family owns, and is the only place that knows,

* the **response**: how a data column is encoded (and checked), its levels;
* its **coordinates** (e.g. the ``cutpoint`` dimension) and **initial values**;
* the **link** and the family **parameters** (cutpoints, intercept) with
  their prior class;
* the **log-likelihood** on the graph side (a pytensor expression used both by
  the observed variable of the PyMC model and by every held-out density);
* the **mean** of the response (a pytensor expression: probabilities);
* **random generation** of responses given that mean (numpy);
* **label decoding** of generated responses.

Shared model pieces (population, ``mo()``, varying and ``mm()`` terms) are
built once in :mod:`cbstats.models.terms`; :mod:`cbstats.models.builder`
composes them with a family. Adding a family means one new module with a
:class:`Family` subclass and one line in :mod:`.registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

if TYPE_CHECKING:
    from ..design import Design
    from ..formula import FormulaSpec
    from ..priors import Prior

__all__ = ["Family", "Response", "LogitFamily"]


@dataclass(frozen=True)
class Response:
    """An encoded response: integer codes ``y``, ``trials`` (or None) and ``levels`` (or None)."""

    y: np.ndarray
    trials: np.ndarray | None = None
    levels: list | None = None


class Family(ABC):
    """One likelihood family (stateless; one instance per family in the registry).

    Attributes
    ----------
    name : str
        The name users pass as ``family=...``.
    link : str
        Name of the link function (``"logit"``).
    prior_class : str
        Prior class of the family parameters (``"cutpoints"``, ``"intercept"``).
    outcome : str
        ``"ordinal"`` or ``"binary"`` (binary or binomial counts), for plots.
    """

    name: ClassVar[str]
    link: ClassVar[str] = "logit"
    prior_class: ClassVar[str]
    outcome: ClassVar[str]

    # ------------------------------------------------------------ response
    @abstractmethod
    def encode_response(self, spec: FormulaSpec, data: pd.DataFrame) -> Response:
        """Encode (and check) the response column(s) of ``data``; ``ValueError`` if invalid."""

    def one_outcome_per_row(self, response: Response) -> bool:
        """Whether each row carries a single binary/ordinal outcome (observation-level check)."""
        return True

    def coords(self, design: Design) -> dict[str, list]:
        """Family-specific coordinates of the PyMC model (none by default)."""
        return {}

    def initvals(self, design: Design) -> dict[str, np.ndarray]:
        """Starting values the sampler needs (none by default)."""
        return {}

    def center_predictors(self, design: Design) -> bool:
        """Whether population predictors are centred (a family parameter absorbs the offset)."""
        return True

    # ----------------------------------------------------------- the graph
    @abstractmethod
    def add_parameters(self, design: Design, priors: dict[str, Prior],
                       offset: Any) -> tuple[Any, ...]:
        """Create the family parameters inside a model context.

        ``offset`` is what the uncentred linear predictor adds to the centred
        one; the family records its parameters on the original scale as
        Deterministics. Returns the parameters as the likelihood sees them.
        """

    @abstractmethod
    def logp(self, y: Any, eta: Any, params: tuple[Any, ...], trials: Any) -> Any:
        """Pointwise log-likelihood (pytensor) of ``y`` given the linear predictor ``eta``."""

    @abstractmethod
    def mean(self, eta: Any, params: tuple[Any, ...], trials: Any) -> Any:
        """Expected response (pytensor): P(y = 1), or P(y = k) with a last category axis."""

    @abstractmethod
    def add_observed(self, name: str, y: Any, eta: Any, params: tuple[Any, ...],
                     trials: Any) -> Any:
        """The observed variable of the PyMC model (inside a model context, dim ``obs``)."""

    # --------------------------------------------------------- numpy side
    @abstractmethod
    def random(self, mean: np.ndarray, trials: np.ndarray | None,
               rng: np.random.Generator) -> np.ndarray:
        """Draw responses (codes) given the mean from :meth:`mean` (draws in leading axes)."""

    def decode(self, design: Design, codes: np.ndarray) -> np.ndarray:
        """Response codes -> the labels of the data (identity by default)."""
        return np.asarray(codes)

    def categories(self, design: Design) -> list[str] | None:
        """Labels of the last axis of :meth:`mean` (None when the mean is a scalar per row)."""
        return None


class LogitFamily(Family):
    """Shared graph of the logit-link families with an intercept (Bernoulli, binomial)."""

    prior_class = "intercept"
    outcome = "binary"
    distribution: ClassVar[type]

    def center_predictors(self, design: Design) -> bool:
        return design.has_intercept

    def add_parameters(self, design, priors, offset):
        from ..priors import make_rv

        if not design.has_intercept:
            return ()
        alpha = make_rv("intercept_centered", priors["intercept"])
        pm.Deterministic("intercept", alpha - offset)
        return (alpha,)

    @staticmethod
    def _logit(eta, params):
        return eta + params[0] if params else eta

    def _dist(self, eta, params, trials):
        return self.distribution.dist(logit_p=self._logit(eta, params), **self._kwargs(trials))

    def _kwargs(self, trials) -> dict:
        return {}

    def logp(self, y, eta, params, trials):
        return pm.logp(self._dist(eta, params, trials), y)

    def mean(self, eta, params, trials):
        return pt.sigmoid(self._logit(eta, params))

    def add_observed(self, name, y, eta, params, trials):
        return self.distribution(name, logit_p=self._logit(eta, params), observed=y, dims="obs",
                                 **self._kwargs(trials))
