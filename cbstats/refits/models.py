"""A model that workers build and compile once, then re-sample with swapped data.

:class:`ModelSource` holds what is needed to build the PyMC model of a
formula, data and family (it is sent to the workers); its ``key`` names the
compiled model in each worker's cache (:func:`cbstats.refits.worker.compiled`),
so a worker compiles it once and every further task only swaps data.
The observed response is moved into a data container (``RESPONSE_DATA``) so
that simulated responses can be swapped in without recompiling.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RESPONSE_DATA", "ModelSource", "response_as_data"]

RESPONSE_DATA = "cbstats_response"


def response_as_data(model):
    """Make the observed response of ``model`` a data container, in place.

    The observed random variable keeps its likelihood; its value becomes the
    ``pm.Data`` named :data:`RESPONSE_DATA`, which nutpie's
    ``CompiledModel.with_data`` (or ``pm.set_data``) can change.
    """
    import pymc as pm

    if len(model.observed_RVs) != 1:
        raise ValueError(f"expected one observed variable, found "
                         f"{[v.name for v in model.observed_RVs]}")
    obs = model.observed_RVs[0]
    value = model.rvs_to_values[obs]
    current = np.asarray(value.data if hasattr(value, "data") else value.eval())
    with model:
        container = pm.Data(RESPONSE_DATA, current, dims=model.named_vars_to_dims.get(obs.name))
    model.rvs_to_values[obs] = container
    return model


@dataclass(frozen=True)
class ModelSource:
    """How to build one model in a worker.

    Attributes
    ----------
    formula, data, family, priors, id_col, missing, centered
        As in :func:`cbstats.fit`.
    key
        Identity of the compiled model (computed from all of the above).
    """

    formula: str
    data: pd.DataFrame = field(repr=False)
    family: str
    priors: dict[str, Any] | None = None
    id_col: str | None = None
    missing: str = "raise"
    centered: bool | None = None
    key: str = ""

    @classmethod
    def create(cls, formula: str, data: pd.DataFrame, family: str, **options: Any) -> ModelSource:
        """A source with its ``key`` set (SHA-256 of the formula, data, family and options)."""
        from ..models.api import data_hash

        priors = options.get("priors")
        ident = repr((formula, family, data_hash(data),
                      sorted((str(k), str(v)) for k, v in (priors or {}).items()),
                      options.get("id_col"), options.get("missing", "raise"),
                      options.get("centered"), RESPONSE_DATA))
        key = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:20]
        return cls(formula, data, family, key=key, **options)

    def build(self):
        """``(design, resolved priors, pm.Model)`` with the response in a data container."""
        import warnings

        from ..models.api import prepare

        with warnings.catch_warnings():  # design warnings were shown once in the main process
            warnings.simplefilter("ignore")
            design, resolved, model = prepare(self.formula, self.data, self.family, self.priors,
                                              id_col=self.id_col, missing=self.missing,
                                              centered=self.centered)
        return design, resolved, response_as_data(model)

    def compile(self):
        """The nutpie-compiled model (called once per worker through the cache)."""
        import nutpie

        from ..models.families import get_family

        design, _, model = self.build()
        initvals = get_family(self.family).initvals(design)
        return nutpie.compile_pymc_model(model, initial_points=initvals or None)
