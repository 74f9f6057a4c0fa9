"""Build the explorer from a saved fit, or fit the study's main ordinal model first."""

from __future__ import annotations

from pathlib import Path

from .data import explorer_data
from .page import write_explorer

DEFAULT_POSTERIOR = Path("results") / "posteriors" / "bayes_ordinal.nc"
"""Where ``cbstats reproduce`` saves the main ordinal model (used when present)."""


def build_explorer(out: str | Path = "explorer.html", *, posterior: str | Path | None = None,
                   data_path: str | Path | None = None, n_draws: int = 200, seed: int | None = None,
                   quick: bool = False, say=print) -> Path:
    """Write the explorer page for the main ordinal model of the study.

    Parameters
    ----------
    out : str or Path
        The HTML file to write.
    posterior : str or Path, optional
        A saved fit (``cbstats.load_result``) of a model of the dataset's cases. Default:
        ``results/posteriors/bayes_ordinal.nc`` when it exists, else the main ordinal
        model is fitted here (4 chains x 3,000 draws, or few draws with ``quick``).
    data_path : str or Path, optional
        A case package folder (default: the bundled CBM-T dataset).
    n_draws : int
        Posterior draws exported to the page.
    seed : int, optional
        Seed of the fit when one is needed (default: the reproduction's default seed).
    quick : bool
        Fit with few draws (the page then says it is for trying out only).
    say : callable
        Progress messages.

    Returns
    -------
    Path
        The page written.
    """
    from ..casedata import load_cbm, read_case_package
    from ..models import fit, load_result
    from ..pipeline.fitting import QUICK, SETTINGS
    from ..pipeline.reproduce import DEFAULT_SEED
    from ..pipeline.specs import MAIN_ORDINAL

    cbm = read_case_package(data_path) if data_path else load_cbm()
    banner = ""
    if posterior is None and data_path is None and DEFAULT_POSTERIOR.is_file():
        posterior = DEFAULT_POSTERIOR
    if posterior is not None:
        say(f"reading the fit {posterior}")
        result = load_result(posterior)
    else:
        settings = dict(QUICK) if quick else dict(SETTINGS["main"])
        say(f"fitting the main ordinal model ({settings['chains']} chains x {settings['draws']} draws) ...")
        result = fit(MAIN_ORDINAL, cbm.complete_cases(), "cumulative", seed=seed or DEFAULT_SEED,
                     id_col="case_id", **settings)
        if quick:
            banner = "QUICK (--quick): few posterior draws, for trying the page out only."
    page = write_explorer(out, explorer_data(cbm, result, n_draws=n_draws, banner=banner))
    say(f"wrote {page} (open it in a browser; it works offline)")
    return page
