"""Where the bundled CBM dataset lives, in a wheel and in a source checkout."""

from __future__ import annotations

from pathlib import Path


def bundled_cbm_path() -> Path:
    """Folder of the bundled CBM case package.

    In an installed wheel the dataset ships inside the package as
    ``cbstats/_data/cbm``; in a source checkout (editable install) it is the
    repository's ``data/cbm``.
    """
    here = Path(__file__).resolve().parent.parent
    candidates = [here / "_data" / "cbm", here.parent / "data" / "cbm"]
    for c in candidates:
        if (c / "datapackage.json").is_file():
            return c
    raise FileNotFoundError(
        "The bundled CBM dataset was not found; looked in: "
        + ", ".join(str(c) for c in candidates)
    )
