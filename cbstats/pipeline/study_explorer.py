"""Analysis 07: the interactive case explorer (``explorer.html``)."""

from __future__ import annotations

from .context import RunContext

EXPLORER_DRAWS = 200
"""Posterior draws of the main ordinal model exported to the page (evenly thinned)."""


def explorer(ctx: RunContext) -> None:
    """Write ``explorer.html``: cases, codings, predictions of the main ordinal model, timeline."""
    from ..explorer import explorer_data, write_explorer
    from .study_models import main_ordinal

    _, ordinal = main_ordinal(ctx)
    data = explorer_data(ctx.data, ordinal, model_name="bayes_ordinal", n_draws=EXPLORER_DRAWS,
                         banner=ctx.quick_banner)
    path = ctx._record(write_explorer(ctx.out / "explorer.html", data))
    ctx.describe(path, "page", model="bayes_ordinal", title="Case explorer (interactive page)",
                 caption=f"Open explorer.html in a browser (works offline): filter the cases, read every "
                         f"coding with its sources, and move a condition score to see the predicted "
                         f"outcome of bayes_ordinal change ({len(data['model']['draw_index'])} posterior "
                         "draws).")
