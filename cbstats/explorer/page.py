"""The explorer page: the HTML template, the app script and Plotly, inlined into one file."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..pipeline import outputs

__all__ = ["render_explorer", "write_explorer"]


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _inline_script(text: str) -> str:
    """Script text safe inside ``<script>``: no ``</script`` or ``<!--`` can end or confuse it."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def plotly_js() -> str:
    """The plotly.js bundle shipped inside the ``plotly`` Python package (no network needed)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def render_explorer(data: dict[str, Any], *, title: str = "CBM-T case explorer") -> str:
    """The explorer as one self-contained HTML string.

    Parameters
    ----------
    data : dict
        What :func:`cbstats.explorer.explorer_data` returns.
    title : str
        Page title.

    Returns
    -------
    str
        HTML with the data (JSON), plotly.js and the app script inlined: it loads nothing
        from the network and works from a file opened offline.
    """
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False)
    parts = {
        "__TITLE__": title.replace("&", "&amp;").replace("<", "&lt;"),
        "__PLOTLY__": _inline_script(plotly_js()),
        "__DATA__": payload.replace("<", "\\u003c"),  # no tag or comment can start inside the JSON
        "__APP__": _inline_script(_asset("explorer.js")),
    }
    return re.sub("|".join(parts), lambda m: parts[m.group(0)], _asset("template.html"))


def write_explorer(path: str | Path, data: dict[str, Any], *, title: str = "CBM-T case explorer") -> Path:
    """Write the explorer page atomically to ``path``."""
    return outputs.write_text(path, render_explorer(data, title=title))
