"""Live progress of a many-refit run: tasks done / total and time left.

Uses ``tqdm.auto`` (a widget in notebooks, a text bar in terminals). Silent
when ``progress=False``, or when ``progress=None`` and the ``CI`` environment
variable is set or the output is not a terminal or notebook.
"""

from __future__ import annotations

import os
import sys

__all__ = ["Progress", "progress_enabled"]


def progress_enabled(progress: bool | None) -> bool:
    """Whether to show a live display (see the module docstring)."""
    if progress is not None:
        return bool(progress)
    if os.environ.get("CI"):
        return False
    if "ipykernel" in sys.modules:
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


class Progress:
    """A progress bar over ``total`` tasks (a no-op when disabled)."""

    def __init__(self, total: int, label: str, enabled: bool, done: int = 0):
        self.bar = None
        if enabled and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, initial=done, desc=label, unit="fit", leave=True,
                            dynamic_ncols=True)

    def update(self, failed: int = 0) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if failed:
                self.bar.set_postfix(failed=failed, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
