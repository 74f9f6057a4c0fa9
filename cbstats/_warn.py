"""Warnings that point at the user's line, however deep inside cbstats they are raised.

A fixed ``stacklevel`` breaks as soon as a function moves one call deeper
(``fit -> prepare -> build_design``). :func:`user_stacklevel` instead counts
the frames up to the first one outside the cbstats package, which is the
user's script, notebook cell or test (on Python >= 3.12 ``warnings.warn``'s
``skip_file_prefixes`` does the same; cbstats supports 3.11).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

__all__ = ["user_stacklevel", "warn_user"]

_PACKAGE_DIR = str(Path(__file__).resolve().parent)  # .../cbstats


def _inside_cbstats(filename: str) -> bool:
    try:
        return str(Path(filename).resolve()).startswith(_PACKAGE_DIR)
    except (OSError, ValueError):
        return False


def user_stacklevel() -> int:
    """The ``stacklevel`` for ``warnings.warn`` (called from the function that warns) that
    names the first caller outside cbstats."""
    frame = sys._getframe(2)  # the caller of the function that called us
    level = 2
    while frame is not None and _inside_cbstats(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    return level


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` at the first frame outside cbstats (the user's line)."""
    warnings.warn(message, category, stacklevel=user_stacklevel())
