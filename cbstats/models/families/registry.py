"""The family registry: name -> :class:`~cbstats.models.families.base.Family`.

The only place that maps family names to behaviour. A new family is a new
module with a :class:`Family` subclass and one :func:`register_family` call
here.
"""

from __future__ import annotations

from .base import Family
from .bernoulli import Bernoulli
from .binomial import Binomial
from .cumulative import Cumulative

__all__ = ["FAMILIES", "get_family", "register_family"]

FAMILIES: dict[str, Family] = {}


def register_family(family: Family) -> Family:
    """Add ``family`` to the registry under ``family.name`` (ValueError if taken)."""
    if family.name in FAMILIES:
        raise ValueError(f"family {family.name!r} is already registered")
    FAMILIES[family.name] = family
    return family


def get_family(name: str) -> Family:
    """Look up a family by name (ValueError listing the known ones)."""
    if name not in FAMILIES:
        raise ValueError(f"unknown family {name!r}; available: {sorted(FAMILIES)}")
    return FAMILIES[name]


for _family in (Cumulative(), Bernoulli(), Binomial()):
    register_family(_family)
