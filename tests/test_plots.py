"""Result plots: each draws from its tidy companion data without error, and the data are right.

Uses tiny real fits (cbstats.fit, 2 chains x 100 draws, PyMC sampler) on
simulated case data, created once for the module; no mocked InferenceData.
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import arviz as az  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

import cbstats  # noqa: E402
from cbstats import plots  # noqa: E402
from cbstats.casedata.schema import REGION_LABELS  # noqa: E402
from cbstats.ordinal import ordered  # noqa: E402

ORDINAL = "transformation ~ mo(forum) + leap_of_faith + n_interaction + (1 | region) + (1 | dyad_id)"
BINARY = "institutionalized ~ mo(forum) + leap_of_faith + (1 | region)"


def _cases(n: int = 100, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    scores = [0.0, 0.33, 0.67, 1.0]
    df = pd.DataFrame({
        "case_id": [f"case_{i:03d}" for i in range(n)],
        "case_label": [f"Dyad {i % 12}: Accord {i} ({1970 + i % 50})" for i in range(n)],
        "forum": ordered(rng.choice(scores, n), scores),
        "leap_of_faith": rng.choice(scores, n),
        "n_interaction": rng.integers(0, 4, n),
        "region": rng.choice(["europe_east_west", "south_asia", "latin_america"], n),
        "dyad_id": rng.choice([f"d{i}" for i in range(12)], n),
    })
    eta = 1.5 * df["forum"].astype(float) + 0.8 * df["leap_of_faith"] + 0.3 * df["n_interaction"]
    df["transformation"] = np.digitize(eta + rng.logistic(size=n), [0.3, 1.0, 2.0])
    df["institutionalized"] = (df["transformation"] == 3).astype(int)
    return df


def _fit(formula: str, data: pd.DataFrame, family: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cbstats.fit(formula, data, family, draws=100, tune=100, chains=2, seed=3,
                           progressbar=False, id_col="case_id", sampler="pymc")


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return _cases()


@pytest.fixture(scope="module")
def ordinal(cases):
    return _fit(ORDINAL, cases, "cumulative")


@pytest.fixture(scope="module")
def binary(cases):
    return _fit(BINARY, cases, "bernoulli")


@pytest.fixture(scope="module")
def baseline(cases):
    return cbstats.fit_baseline(ORDINAL, cases, "cumulative")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _check_figure(fig) -> None:
    assert isinstance(fig, plt.Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert visible
    assert any(ax.get_xlabel() for ax in visible)
    fig.canvas.draw()  # renders without error


def test_forest(ordinal, baseline):
    data = plots.forest_data({"Bayes": ordinal, "ML": baseline}, prob=0.9)
    assert set(data["model"]) == {"Bayes", "ML"}
    for name, res in (("Bayes", ordinal), ("ML", baseline)):
        ref = res.summary(0.9).set_index("term")
        d = data[data["model"] == name].set_index("term")
        np.testing.assert_array_equal(d["estimate"], ref.loc[d.index, "estimate"])
        np.testing.assert_array_equal(d["upper"], ref.loc[d.index, "upper"])
    assert set(data["param_class"]) == {"b"}
    assert "Forum for discussion (monotonic)" in set(data["label"])
    fig = plots.plot_forest({"Bayes": ordinal, "ML": baseline}, prob=0.9)
    _check_figure(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == data.drop_duplicates("y")["label"].tolist()
    sub = plots.forest_data([ordinal], terms=["mo(forum)"])
    assert sub["row"].tolist() == ["mo(forum)"]
    with pytest.raises(ValueError, match="none of the models"):
        plots.forest_data(ordinal, terms=["nope"])


def test_ppc_counts(ordinal, cases):
    data = plots.ppc_counts_data(ordinal, prob=0.9)
    assert data["category"].tolist() == ["0", "1", "2", "3"]
    assert data["observed"].tolist() == np.bincount(cases["transformation"], minlength=4).tolist()
    assert data["predicted_mean"].sum() == pytest.approx(len(cases))
    assert (data["lower"] <= data["predicted_mean"]).all()
    assert (data["predicted_mean"] <= data["upper"]).all()
    assert data["label"].iloc[3] == "3 institutionalized"
    _check_figure(plots.plot_ppc_counts(ordinal))
    _check_figure(plots.plot_ppc(ordinal))


def test_calibration(binary, cases, ordinal):
    data = plots.calibration_data(binary, bins=4, prob=0.9)
    assert len(data) == 4 and data["n"].sum() == len(cases)
    observed_mean = (data["observed"] * data["n"]).sum() / data["n"].sum()
    assert observed_mean == pytest.approx(cases["institutionalized"].mean())
    assert data["predicted"].is_monotonic_increasing
    assert ((data["observed_lower"] <= data["observed"]) & (data["observed"] <= data["observed_upper"])).all()
    _check_figure(plots.plot_calibration(binary, bins=4))
    fig = plots.plot_ppc(binary)
    assert "calibration" in fig.get_suptitle()
    with pytest.raises(ValueError, match="binary outcome"):
        plots.calibration_data(ordinal)


def test_condition_effect(ordinal, binary, cases):
    data = plots.condition_effect_data(ordinal, ["forum", "leap_of_faith"], prob=0.8)
    forum = data[data["condition"] == "forum"]
    assert sorted(forum["level"].unique()) == [0.0, 0.33, 0.67, 1.0]
    sums = forum.groupby("level")["estimate"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-9)
    assert ((forum["lower"] <= forum["estimate"]) & (forum["estimate"] <= forum["upper"])).all()
    assert forum["condition_label"].iloc[0] == "Forum for discussion"
    # the level-0 estimate is the average of predict() with forum set to 0 for every case
    new = ordinal.design.data.assign(forum=0.0)
    ref = ordinal.predict(new, kind="mean").values.mean(axis=2).reshape(-1, 4).mean(axis=0)
    got = forum[forum["level"] == 0.0].set_index("category")["estimate"]
    np.testing.assert_allclose(got.to_numpy(), ref, rtol=1e-12)
    _check_figure(plots.plot_condition_effect(ordinal, ["forum", "leap_of_faith"]))
    bdata = plots.condition_effect_data(binary, "forum")
    assert set(bdata["category"]) == {"1"}
    _check_figure(plots.plot_condition_effect(binary, "forum", levels=[0.0, 1.0]))
    with pytest.raises(ValueError, match="not columns"):
        plots.condition_effect_data(ordinal, "nope")


def test_group_effects(ordinal):
    data = plots.group_effects_data(ordinal, prob=0.9)
    assert set(data["group"]) == {"region", "dyad_id"}
    reg = data[data["group"] == "region"].set_index("level")
    post = ordinal.idata.posterior["r_region"]
    np.testing.assert_allclose(reg.loc[[str(v) for v in post["region"].values], "estimate"],
                               post.mean(("chain", "draw")).values, rtol=1e-12)
    assert set(reg["level_label"]) <= set(REGION_LABELS.values())
    fig = plots.plot_group_effects(ordinal, level_labels={"dyad_id": {"d1": "India–Pakistan"}})
    _check_figure(fig)
    assert len(fig.axes) == 2
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "India–Pakistan" in labels and "South Asia" in labels
    few = plots.plot_group_effects(ordinal, groups=["dyad_id"], max_levels=5)
    assert len(few.axes[0].get_yticks()) == 5
    with pytest.raises(ValueError, match="no varying effects"):
        plots.group_effects_data(ordinal, groups=["arrangement"])


def test_prior_posterior(ordinal):
    params = ["b[mo(forum)]", "sd[region]", "simplex[mo(forum)]", "cutpoints"]
    data = plots.prior_posterior_data(ordinal, params=params, grid_size=100)
    assert (data["density"] >= 0).all()
    assert {"prior", "posterior"} == set(data["distribution"])
    b = data[(data["parameter"] == "b[mo(forum)]") & (data["distribution"] == "prior")]
    prior = ordinal.priors["b[mo(forum)]"]
    sigma = float(prior.split(",")[1].strip(" )"))
    np.testing.assert_allclose(b["density"], stats.norm(0, sigma).pdf(b["x"]), rtol=1e-3)
    steps = [p for p in data["parameter"].unique() if p.startswith("simplex")]
    assert len(steps) == 3
    assert {"cutpoint[0|1]", "cutpoint[2|3]"} <= set(data["parameter"])
    _check_figure(plots.plot_prior_posterior(ordinal, params=params))
    _check_figure(plots.plot_prior_posterior(ordinal))  # default: every b and sd
    with pytest.raises(ValueError, match="no prior"):
        plots.prior_posterior_data(ordinal, params=["b[nope]"])


def test_pareto_k(ordinal, cases):
    data = plots.pareto_k_data(ordinal, case_labels=cases, threshold=0.7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = az.loo(ordinal.idata, pointwise=True, var_name=ordinal.response)
    np.testing.assert_allclose(data["pareto_k"], np.asarray(ref.pareto_k), rtol=1e-12)
    assert data["obs"].tolist() == cases["case_id"].tolist()
    assert data["case_label"].tolist() == cases["case_label"].tolist()
    assert (data["influential"] == (data["pareto_k"] > 0.7)).all()
    threshold = float(np.quantile(data["pareto_k"], 0.9))  # force some influential cases
    fig = plots.plot_pareto_k(ordinal, case_labels=cases, threshold=threshold, max_labels=3)
    _check_figure(fig)
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_text()]  # (adjustText arrows have none)
    n_infl = int((data["pareto_k"] > threshold).sum())
    assert len(texts) == min(3, n_infl)
    top = data.nlargest(1, "pareto_k")["case_label"].iloc[0]
    assert top in texts
    seq = plots.pareto_k_data(ordinal, case_labels=[f"c{i}" for i in range(len(cases))])
    assert seq["case_label"].iloc[0] == "c0"


def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_pareto_k_labels_only_flagged_cases_inside_the_axes_without_overlap(ordinal, cases):
    data = plots.pareto_k_data(ordinal, case_labels=cases)
    threshold = float(np.quantile(data["pareto_k"], 0.88))  # 12 flagged cases, 8 named
    fig = plots.plot_pareto_k(ordinal, case_labels=cases, threshold=threshold, max_labels=8)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text()]
    flagged = data[data["pareto_k"] > threshold].nlargest(8, "pareto_k")["case_label"].tolist()
    assert [t.get_text() for t in labels] and {t.get_text() for t in labels} <= set(flagged)
    assert 5 <= len(labels) <= 8  # collisions adjustText could not resolve are dropped, lowest k first
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in labels]
    for box in boxes:  # inside the axes
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1 and frame.y0 - 1 <= box.y0
        assert box.y1 <= frame.y1 + 1
    for i, a in enumerate(boxes):  # no two labels on top of each other
        for b in boxes[i + 1:]:
            assert not _boxes_overlap(a, b)
    assert f"named: the {len(labels)} highest of 12" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_group_effects_title_clear_of_the_first_panel_and_labels_cut_at_words(ordinal):
    long = "Federal Republic of Somewhere–Democratic People's Republic of Elsewhere"
    fig = plots.plot_group_effects(ordinal, level_labels={"dyad_id": {"d1": long}})
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    first = fig.axes[0].title.get_window_extent(renderer)
    assert fig._suptitle.get_window_extent(renderer).y0 >= first.y1  # above, not on top of it
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    (cut,) = [t for t in labels if t.startswith("Federal")]
    assert cut.endswith(" …") and long.startswith(cut[:-2]) and long[len(cut) - 2] == " "


def test_forest_title_says_how_many_models(ordinal, baseline):
    assert plots.plot_forest(ordinal).get_suptitle() == "Effects"
    assert plots.plot_forest({"Bayesian ordinal": ordinal}).get_suptitle() == "Effects: Bayesian ordinal"
    assert plots.plot_forest({"B": ordinal, "ML": baseline}).get_suptitle() == "Effects across models"
    assert plots.plot_forest(ordinal, title="Mine").get_suptitle() == "Mine"


def test_condition_heatmap_has_a_discrete_legend_and_explains_missing_scores():
    wide = cbstats.load_cbm().cases_wide()
    assert wide[list(plots.condition_heatmap_data(wide).columns[:7])].isna().any().any()
    fig = plots.plot_condition_heatmap(wide)
    fig.canvas.draw()
    assert len(fig.axes) == 2  # the heatmap and the outcome strip: no continuous colour bar
    texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert texts[:5] == ["absent (0)", "weakly present (0.33)", "mostly present (0.67)", "fully present (1)",
                         "missing score"]
    assert "3 institutionalized" in texts
    from matplotlib.colors import to_rgba

    from cbstats.plots.style import CONDITION_SCORE_COLORS

    cells = fig.axes[0].collections[0].get_facecolors()
    colours = {tuple(np.round(c, 3)) for c in cells if c[3] > 0}  # (missing cells are transparent)
    assert colours == {tuple(np.round(to_rgba(c), 3)) for c in CONDITION_SCORE_COLORS}  # four levels
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all(len(t) <= 60 for t in labels) and all(t.endswith(")") for t in labels)  # year kept
