"""Why the main CBM model misses bulk ESS >= 1000: parameterisations side by side.

The slowest parameters of the study's main ordinal model
(``cbstats.pipeline.specs.MAIN_ORDINAL``) are its group-level SDs. 105 of the
121 arrangements have a single case, so ``(1 | arrangement_id)`` is in effect
an observation-level effect, and its SD trades off against the latent scale of
every coefficient, cutpoint and other SD. This script fits, with nutpie and
the same seeds, the package's parameterisation and alternatives, and prints the
minimum bulk ESS of every reported parameter class, sampling time and
divergences:

``package``
    the model exactly as ``cbstats.fit`` builds it (folded non-centred SDs,
    zero-sum group effects, batched ``mo()`` simplexes);
``latent-scale``
    hand-built, the *same* model: with ``k = sqrt(1 + 3 sd_arr^2 / pi^2)``
    (the logistic-normal rescaling), the sampler draws ``b / k``,
    ``cutpoints / k`` and the region and dyad signed SDs divided by ``k``, with
    their priors divided by ``k``; every SD stays folded as in the package;
``latent-scale + GH<Q>`` (one per ``--nodes`` entry)
    as above, but the single-case arrangement effects are integrated out of
    the likelihood with Q-node Gauss-Hermite quadrature (the arrangements with
    several cases keep explicit effects). This is a *slightly different,
    approximate* model: the arrangement effects are independent normals rather
    than zero-sum (so the cutpoints absorb their mean, whose prior SD is
    sd_arr / sqrt(121), about 0.26), and the quadrature has an error, printed
    as the largest log-probability error of one case at the posterior median
    and at the 97.5% quantile of sd_arr, against ``scipy.integrate.quad``.

The hand-built variants are benchmark code, not part of the package; they
assume the default priors and three-step ``mo()`` terms of the main model and
stop if those change. ESS is computed on the reported scale (original-scale
cutpoints, ``|s|`` for signed SDs) over b, cutpoints and SDs; simplexes and
group effects are left out (``bench_models.py`` covers every parameter).
Usage: ``python bench/bench_geometry.py [--seeds 2024,7,8] [--nodes 15,40]
[--draws 1000] [--tune 1000] [--target-accept 0.8]``; ``--nodes ''`` skips quadrature.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings

import numpy as np
import pandas as pd

os.environ.setdefault("CI", "1")
warnings.filterwarnings("ignore")

SD_PRIOR_SIGMA = 1.0  # the package default halfnormal(1) for every SD
LOGIT_NORMAL_C2 = 3.0 / np.pi**2  # variance of the standard logistic is pi^2 / 3


def _design():
    from cbstats import load_cbm
    from cbstats.models.api import prepare
    from cbstats.pipeline.specs import MAIN_ORDINAL

    data = load_cbm().complete_cases()
    return prepare(MAIN_ORDINAL, data, "cumulative", None, id_col=None, missing="raise",
                   centered=None)


def _hand_built(design, priors, nodes: int | None):
    """Latent-scale model, optionally with single-case arrangements integrated out."""
    import pymc as pm
    import pytensor.tensor as pt

    from cbstats.models.families import cumulative_logp, get_family

    steps = np.concatenate([m.step_matrix() for m in design.mono], axis=1)
    steps_mean = steps.mean(axis=0)
    x_mean = design.X.mean(axis=0)
    n_pop = design.X.shape[1]
    b_sigma = np.array([priors[f"b[{n}]"].params["sigma"] for n in design.coef_names])
    groups = {g.name: g for g in design.groups}
    arr = groups["arrangement_id"]
    counts = np.bincount(arr.index)
    single = counts[arr.index] == 1
    y = design.y
    assumed = {"cutpoints": "normal(0, 2.5)", **{f"sd[{g}]": "halfnormal(1)" for g in groups},
               **{f"simplex[{m.term.name}]": "dirichlet(1)" for m in design.mono}}
    if any(str(priors[key]) != value for key, value in assumed.items()) or any(
            m.D != 3 for m in design.mono):
        raise SystemExit("bench_geometry.py assumes the default priors and three-step mo() terms")
    with pm.Model(coords={"term": design.coef_names}) as model:
        sd_arr_signed = pm.Normal("sd_arrangement_id_signed", 0, SD_PRIOR_SIGMA)
        sd_arr = pm.Deterministic("sd_arrangement_id", pt.abs(sd_arr_signed))
        k = pt.sqrt(1 + LOGIT_NORMAL_C2 * sd_arr_signed**2)
        b = k * pm.Normal("b_scaled", 0, b_sigma / k, dims="term")
        pm.Deterministic("b", b, dims="term")
        zeta = pm.Dirichlet("simplex", a=np.ones((len(design.mono), 3)))
        w = (zeta * (b[n_pop:] * 3)[:, None]).ravel()
        eta = pt.dot(design.X - x_mean, b[:n_pop]) + pt.dot(steps - steps_mean, w)
        for name in ("region", "dyad_id"):
            g = groups[name]
            s = k * pm.Normal(f"sd_{name}_signed_scaled", 0, SD_PRIOR_SIGMA / k)
            pm.Deterministic(f"sd_{name}", pt.abs(s))
            z = pm.ZeroSumNormal(f"z_{name}", 1.0, shape=len(g.levels))
            eta = eta + (s * z)[g.index]
        cuts = k * pm.Normal("cutpoints_scaled", 0, 2.5 / k, shape=3,
                             transform=pm.distributions.transforms.ordered,
                             initval=get_family("cumulative").initvals(design)["cutpoints_centered"])
        pm.Deterministic("cutpoints", cuts + pt.dot(x_mean, b[:n_pop]) + pt.dot(steps_mean, w))
        if nodes is None:
            z = pm.ZeroSumNormal("z_arrangement_id", 1.0, shape=len(arr.levels))
            logp = cumulative_logp(pt.as_tensor(y), eta + (sd_arr_signed * z)[arr.index],
                                   cuts).sum()
        else:
            multi = np.flatnonzero(counts > 1)
            position = np.full(len(counts), -1)
            position[multi] = np.arange(len(multi))
            z = pm.Normal("z_arrangement_multi", 0, 1, shape=len(multi))
            eta_multi = eta[~single] + (sd_arr_signed * z)[position[arr.index[~single]]]
            logp = cumulative_logp(pt.as_tensor(y[~single]), eta_multi, cuts).sum()
            x, wq = np.polynomial.hermite_e.hermegauss(nodes)
            log_wq = np.log(wq / np.sqrt(2 * np.pi))
            eta_q = eta[single][:, None] + sd_arr * x[None, :]
            y_q = np.repeat(y[single][:, None], nodes, axis=1)
            logp = logp + pt.logsumexp(cumulative_logp(pt.as_tensor(y_q), eta_q, cuts)
                                       + log_wq, axis=1).sum()
        pm.Potential("loglik", logp)
    return model


def quadrature_error(nodes: int, sd: float, cuts: np.ndarray) -> float:
    """Largest |log P_GH - log P_exact| over categories and a grid of eta."""
    from scipy import integrate
    from scipy.special import expit

    c = np.concatenate([[-np.inf], cuts, [np.inf]])
    x, wq = np.polynomial.hermite_e.hermegauss(nodes)
    wq = wq / np.sqrt(2 * np.pi)
    worst = 0.0
    for cat in range(len(cuts) + 1):
        for eta in np.linspace(cuts[0] - 4, cuts[-1] + 4, 13):
            def prob(z, cat=cat, eta=eta):
                return expit(c[cat + 1] - eta - sd * z) - expit(c[cat] - eta - sd * z)
            exact = integrate.quad(lambda z: prob(z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi),
                                   -12, 12, epsabs=1e-13, limit=400)[0]
            worst = max(worst, abs(np.log((wq * prob(x)).sum()) - np.log(exact)))
    return worst


def _min_ess(idata) -> dict[str, float]:
    import arviz as az

    post = idata.posterior
    out = {}
    for name in ("b", "cutpoints", "sd_region", "sd_dyad_id", "sd_arrangement_id"):
        out[name] = float(az.ess(post[name], method="bulk").to_array().min())
    return out


def main() -> None:
    import nutpie

    from cbstats.models.families import get_family

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="2024,7,8")
    ap.add_argument("--nodes", default="15", help="comma-separated Gauss-Hermite node counts")
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--tune", type=int, default=1000)
    ap.add_argument("--target-accept", type=float, default=0.8)
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    design, priors, package_model = _design()
    variants = {"package": package_model, "latent-scale": _hand_built(design, priors, None)}
    for q in (int(n) for n in args.nodes.split(",") if n):
        variants[f"latent-scale + GH{q}"] = _hand_built(design, priors, q)
    init = get_family("cumulative").initvals(design)
    rows = []
    for label, model in variants.items():
        t0 = time.perf_counter()
        compiled = nutpie.compile_pymc_model(model, initial_points=init if label == "package"
                                             else None)
        compile_s = time.perf_counter() - t0
        for seed in seeds:
            t0 = time.perf_counter()
            idata = nutpie.sample(compiled, draws=args.draws, tune=args.tune, chains=4, cores=2,
                                  seed=seed, target_accept=args.target_accept,
                                  progress_bar=False)
            wall = time.perf_counter() - t0
            ess = _min_ess(idata)
            row = {"variant": label, "seed": seed, "compile_s": compile_s, "sample_s": wall,
                   **{f"ess_{k}": v for k, v in ess.items()},
                   "min_ess": min(ess.values()),
                   "divergences": int(idata.sample_stats["diverging"].sum()),
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
            if "GH" in label:
                sd_draws = idata.posterior["sd_arrangement_id"].to_numpy()
                cuts_med = idata.posterior["cutpoints"].median(("chain", "draw")).to_numpy()
                for tag, q in (("median", 0.5), ("q975", 0.975)):
                    row[f"gh_log_err_sd_{tag}"] = quadrature_error(
                        int(label.split("GH")[1]), float(np.quantile(sd_draws, q)), cuts_med)
            rows.append(row)
            print(pd.DataFrame([row]).to_string(index=False, float_format="{:.3g}".format),
                  flush=True)
    print(f"\nsummary: 4 chains x {args.draws} draws ({args.tune} tuning), target_accept {args.target_accept}, "
          "ESS = minimum bulk ESS within each reported parameter class")
    with pd.option_context("display.width", 250):
        print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3g}".format))


if __name__ == "__main__":
    main()
