"""Functions of the model graph evaluated at posterior draws (one source of truth).

Predictions, held-out log densities (k-fold) and counterfactuals are not
re-implemented in numpy: they are compiled pytensor functions of the very
graph that was sampled (:class:`cbstats.models.builder.ModelGraph`), with

* every free random variable and every group-effect Deterministic ``r_<g>``
  replaced by an input that takes one posterior draw, and
* every data container (design matrix, ``mo()`` step indicators, group
  indices, slope columns, trials) replaced by an input that takes the arrays
  of the rows to predict (:func:`cbstats.models.terms.design_arrays`).

The centring constants stay those of the fitted rows, so new data are
predicted on the scale the posterior refers to. Group effects of levels not
seen in the fit are appended to ``r_<g>`` by the caller (see
:func:`cbstats.models.predict.group_effect_draws`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import clone_replace
from pytensor.graph.traversal import explicit_graph_inputs

from .builder import ModelGraph

__all__ = ["GraphFunctions", "graph_functions", "posterior_draws"]


def _placeholder(var):
    """A fresh input of the same dtype and rank, with no static shape."""
    return var.type.clone(shape=(None,) * var.type.ndim)(name=var.name)


def posterior_draws(posterior: Any, names: list[str]) -> dict[str, np.ndarray]:
    """``{name: (S, ...) array}`` with chains and draws stacked (chain-major)."""
    out = {}
    for name in names:
        a = np.asarray(posterior[name].values)
        out[name] = a.reshape((-1,) + a.shape[2:])
    return out


class GraphFunctions:
    """Compiled ``mean`` and ``loglik`` of one :class:`ModelGraph`, at given draws.

    Parameters
    ----------
    graph
        The model graph (with or without a weighted likelihood).
    """

    def __init__(self, graph: ModelGraph) -> None:
        model = graph.model
        self.family = graph.family
        self.group_vars = [v.name for v in model.deterministics if v.name.startswith("r_")]
        params = {v.name: v for v in model.free_RVs}
        params.update({v.name: v for v in model.deterministics if v.name in self.group_vars})
        data = {k: v for k, v in graph.data.items() if k != "obs_weight"}
        replace = {v: _placeholder(v) for v in [*params.values(), *data.values()]}
        self._y = pt.lvector("y")
        trials = graph.data.get("data_trials")
        outputs = {"mean": graph.family.mean(graph.eta, graph.params, trials),
                   "loglik": graph.family.logp(self._y, graph.eta, graph.params, trials)}
        self._outputs = {k: clone_replace(v, replace) for k, v in outputs.items()}
        by_placeholder = {ph: var.name for var, ph in replace.items()}
        self._inputs = {}
        for key, out in self._outputs.items():
            used = [i for i in explicit_graph_inputs([out]) if i in by_placeholder]
            self._inputs[key] = [by_placeholder[i] for i in used]
        self._placeholders = {var.name: ph for var, ph in replace.items()}
        self._fns: dict[str, Any] = {}
        self.data_names = list(data)

    def inputs(self, output: str) -> list[str]:
        """Names of the posterior variables and data containers that ``output`` reads."""
        return list(self._inputs[output])

    def parameter_names(self, output: str) -> list[str]:
        """The posterior variables ``output`` reads (group effects ``r_<g>`` included)."""
        return [n for n in self._inputs[output] if n not in self.data_names]

    def _fn(self, output: str):
        if output not in self._fns:
            names = self._inputs[output]
            ins = [self._placeholders[n] for n in names]
            if output == "loglik":
                ins = [*ins, self._y]
            self._fns[output] = pytensor.function(ins, self._outputs[output],
                                                  on_unused_input="ignore")
        return self._fns[output]

    def evaluate(self, output: str, draws: Mapping[str, np.ndarray],
                 data: Mapping[str, np.ndarray], y: np.ndarray | None = None) -> np.ndarray:
        """``output`` (``"mean"`` or ``"loglik"``) at every draw: shape ``(S, N, ...)``.

        Parameters
        ----------
        output
            ``"mean"`` (the family's expected response) or ``"loglik"``
            (pointwise log-likelihood of ``y``).
        draws
            Posterior variables with the draws stacked in the first axis
            (:func:`posterior_draws`); ``r_<g>`` may have extra (new) levels.
        data
            The data arrays of the rows (:func:`cbstats.models.terms.design_arrays`).
        y
            Response codes (``"loglik"`` only).
        """
        fn = self._fn(output)
        names = self._inputs[output]
        fixed = {n: np.asarray(data[n], dtype=self._placeholders[n].dtype)
                 for n in names if n in self.data_names}
        missing = [n for n in names if n not in fixed and n not in draws]
        if missing:
            raise KeyError(f"the posterior draws lack {missing}")
        S = len(next(iter(draws.values())))
        extra = [np.asarray(y, dtype="int64")] if output == "loglik" else []
        out = []
        for s in range(S):
            args = [fixed[n] if n in fixed else draws[n][s] for n in names]
            out.append(fn(*args, *extra))
        return np.stack(out)


_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 4


def graph_functions(graph_or_result: Any, key: Any = None) -> GraphFunctions:
    """:class:`GraphFunctions` of a graph, or of a result's rebuilt graph (cached by ``key``).

    Parameters
    ----------
    graph_or_result
        A :class:`ModelGraph`, or a fitted ``BayesResult`` (its graph is
        rebuilt with :func:`cbstats.models.builder.rebuild_graph`).
    key
        Hashable identity of the model; compiled functions are reused for the
        same key within the process (default for a result: formula, family,
        data hash, prior overrides, ``centered``).
    """
    if isinstance(graph_or_result, ModelGraph):
        graph, result = graph_or_result, None
    else:
        graph, result = None, graph_or_result
        if key is None:
            key = (result.formula, result.family, result.data_hash,
                   repr(sorted((result.priors_input or {}).items())),
                   result.fit_options.get("centered"), result.fit_options.get("id_col"),
                   result.design.n_obs)
    if key is not None and key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    if graph is None:
        from .builder import rebuild_graph

        graph = rebuild_graph(result)
    fns = GraphFunctions(graph)
    if key is not None:
        _CACHE[key] = fns
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return fns
