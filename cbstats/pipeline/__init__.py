"""Reproduction pipeline: the study's analyses, provenance and atomic outputs."""

from .analyses import ANALYSES, analysis_names, get_analysis
from .reproduce import DEFAULT_SEED, reproduce

__all__ = ["ANALYSES", "DEFAULT_SEED", "analysis_names", "get_analysis", "reproduce"]
