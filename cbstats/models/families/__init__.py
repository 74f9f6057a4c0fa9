"""Likelihood families: one :class:`Family` object per family, in a registry.

``get_family(name)`` returns the object that owns the family's response
encoding and levels, coordinates, initial values, link, log-likelihood,
mean, random generation and label decoding. The PyMC model is assembled by
:mod:`cbstats.models.builder` from the shared terms and one family.
"""

from .base import Family, LogitFamily, Response
from .cumulative import cumulative_logp
from .registry import FAMILIES, get_family, register_family

__all__ = ["FAMILIES", "Family", "LogitFamily", "Response", "cumulative_logp", "get_family",
           "register_family"]

