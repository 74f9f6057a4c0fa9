"""LOG DENSITY: the model's log-likelihood at fixed parameters equals a hand computation.

Parameters are set on the constrained scale, mapped through PyMC's value
transforms, and the observed variable's log-probability is compared with a
numpy/scipy likelihood written from the model's definition (uncentred
predictors, original-scale cutpoints/intercept), so the test also checks the
centring offsets, the monotonic transform, group indexing, correlated slopes
and multi-membership averaging.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytensor.tensor as pt
import pytest
from scipy import stats
from scipy.special import expit

from cbstats.models.builder import build_model
from cbstats.models.design import build_design
from cbstats.models.families import cumulative_logp
from cbstats.models.formula import parse_formula
from cbstats.models.priors import resolve_priors
from cbstats.ordinal import ordered


def _data(n=60, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "c": rng.choice(["a", "b"], n),
            "f": ordered(rng.choice([0, 0.33, 0.67, 1], n), [0, 0.33, 0.67, 1]),
            "g": rng.choice(["g1", "g2", "g3", "g4"], n),
            "sa": rng.choice(["s1", "s2", "s3", "s4", "s5"], n),
            "sb": rng.choice(["s1", "s2", "s3", "s4", "s5"], n),
            "y": rng.integers(0, 4, n),
            "yb": rng.integers(0, 2, n),
            "n": rng.integers(1, 9, n),
        }
    ).assign(k=lambda d: np.minimum(d.n, rng.integers(0, 9, n)))


def _obs_logp(model, values):
    point = {}
    for rv in model.free_RVs:
        val = np.asarray(values[rv.name], dtype=float)
        tr = model.rvs_to_transforms.get(rv)
        if tr is not None:
            val = tr.forward(pt.as_tensor(val), *rv.owner.inputs).eval()
        point[model.rvs_to_values[rv].name] = val
    obs = model.observed_RVs[0]
    fn = model.compile_fn(model.logp(vars=[obs], sum=False)[0], inputs=model.value_vars,
                          on_unused_input="ignore")
    return np.asarray(fn(point)), point


def _zs(v):
    v = np.asarray(v, dtype=float)
    return v - v.mean(axis=-1, keepdims=True)


def _mono(idx, simplex):
    return len(simplex) * np.concatenate([[0.0], np.cumsum(simplex)])[idx]


def _parts(d, b, simplex, r_g=None, r_s=None):
    """Uncentred linear predictor by hand."""
    X = d.X
    eta = X @ b[: X.shape[1]]
    mo = _mono(d.mono[0].index, simplex)
    eta = eta + b[-1] * mo
    offset = d.X_mean @ b[: X.shape[1]] + b[-1] * mo.mean()
    return eta, offset


@pytest.mark.parametrize("centered", [False, True])
def test_cumulative_logp_matches_hand(centered):
    df = _data()
    d = build_design(parse_formula("y ~ x + c + mo(f) + (1 | g) + mm(sa, sb)"), df, "cumulative")
    m = build_model(d, resolve_priors(d), centered=centered)
    b = np.array([0.7, -0.4, 0.3])
    simplex = np.array([0.2, 0.5, 0.3])
    cuts_c = np.array([-1.0, 0.2, 1.1])
    z_g, sd_g = _zs([0.5, -1.0, 0.8, 0.1]), 0.8
    z_s, sd_s = _zs([1.0, -0.5, 0.2, 0.0, 0.4]), 0.6
    vals = {"b": b, "simplex_steps3": simplex[None, :], "cutpoints_centered": cuts_c}
    if centered:
        vals.update({"sd_g": sd_g, "r_g": sd_g * z_g, "sd_s": sd_s, "r_s": sd_s * z_s})
    else:  # folded sds: a negative signed scale with negated z gives the same r = s * z
        vals.update({"sd_g_signed": sd_g, "z_g": z_g, "sd_s_signed": -sd_s, "z_s": -z_s})
    got, _ = _obs_logp(m, vals)
    eta, offset = _parts(d, b, simplex)
    eta = eta + sd_g * z_g[d.groups[0].index] + (sd_s * z_s)[d.groups[1].index].mean(axis=1)
    cuts = cuts_c + offset  # original-scale cutpoints
    cdf = np.column_stack([np.zeros(len(eta)), expit(cuts[None, :] - eta[:, None]),
                           np.ones(len(eta))])
    want = np.log(cdf[np.arange(len(eta)), d.y + 1] - cdf[np.arange(len(eta)), d.y])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_bernoulli_logp_with_correlated_slopes_matches_hand():
    df = _data()
    d = build_design(parse_formula("yb ~ x + mo(f) + (1 + x | g)"), df, "bernoulli")
    m = build_model(d, resolve_priors(d))
    b, simplex, alpha_c = np.array([0.5, -0.6]), np.array([0.6, 0.1, 0.3]), 0.3
    sds, rho = np.array([0.9, 0.4]), 0.35
    L = np.linalg.cholesky(np.array([[1, rho], [rho, 1]]) * np.outer(sds, sds))
    packed = L[np.tril_indices(2)]
    z = _zs(np.array([[0.3, -1.2, 0.5, 0.7], [1.0, 0.2, -0.4, 0.1]]))
    got, _ = _obs_logp(m, {"b": b, "simplex_steps3": simplex[None, :], "intercept_centered": alpha_c,
                           "chol_g": packed, "z_g": z})
    eta, offset = _parts(d, b, simplex)
    r = (L @ z).T  # (levels, 2)
    gi = d.groups[0].index
    eta = eta + (alpha_c - offset) + r[gi, 0] + r[gi, 1] * df.x.to_numpy()
    want = stats.bernoulli.logpmf(d.y, expit(eta))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_binomial_logp_with_multimembership_matches_hand():
    df = _data()
    d = build_design(parse_formula("k | trials(n) ~ x + c + mo(f) + (1 | mm(sa, sb))"), df,
                     "binomial")
    m = build_model(d, resolve_priors(d))
    b, simplex, alpha_c = np.array([0.4, 0.8, -0.5]), np.array([0.3, 0.3, 0.4]), -0.2
    z_s, sd_s = _zs([1.0, -0.5, 0.2, 0.0, 0.4]), 0.7
    got, _ = _obs_logp(m, {"b": b, "simplex_steps3": simplex[None, :], "intercept_centered": alpha_c,
                           "sd_s_signed": sd_s, "z_s": z_s})
    eta, offset = _parts(d, b, simplex)
    r = sd_s * z_s
    eta = eta + (alpha_c - offset) + 0.5 * (r[d.groups[0].index[:, 0]] + r[d.groups[0].index[:, 1]])
    want = stats.binom.logpmf(df.k, df.n, expit(eta))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_batched_monotonic_terms_match_hand_likelihood_and_dirichlet_priors():
    """Several mo() terms: those with equal step counts share one batched Dirichlet.

    The likelihood must equal the per-term transform ``D * cumsum(zeta)[index]``,
    each term's Deterministic simplex must be its row of the batch, and the
    batch's prior must be the sum of the per-term Dirichlet densities (with
    term-specific concentrations).
    """
    df = _data(n=80, seed=3)
    rng = np.random.default_rng(4)
    df["h"] = rng.choice([1, 2, 3, 4], len(df))      # 4 levels -> 3 steps, batched with f
    df["q"] = rng.choice(["lo", "mid", "hi"], len(df))  # 3 levels -> 2 steps, own batch
    df["q"] = pd.Categorical(df["q"], ["lo", "mid", "hi"], ordered=True)
    d = build_design(parse_formula("y ~ x + mo(f) + mo(q) + mo(h) + (1 | g)"), df, "cumulative")
    priors = resolve_priors(d, {"simplex[mo(h)]": "dirichlet(2)"})
    m = build_model(d, priors)
    zf, zq, zh = np.array([0.2, 0.5, 0.3]), np.array([0.7, 0.3]), np.array([0.1, 0.1, 0.8])
    b = np.array([0.6, 0.9, -0.7, 0.4])  # x, mo(f), mo(q), mo(h)
    cuts_c, z_g, sd_g = np.array([-0.8, 0.3, 1.2]), _zs([0.4, -0.2, 0.9, 0.0]), 0.5
    got, point = _obs_logp(m, {"b": b, "simplex_steps3": np.stack([zf, zh]),
                               "simplex_steps2": zq[None, :], "cutpoints_centered": cuts_c,
                               "sd_g_signed": -sd_g, "z_g": -z_g})
    mono = {m_.term.var: m_ for m_ in d.mono}
    parts = [_mono(mono["f"].index, zf), _mono(mono["q"].index, zq), _mono(mono["h"].index, zh)]
    eta = d.X[:, 0] * b[0] + sum(bb * mo for bb, mo in zip(b[1:], parts, strict=True))
    offset = d.X_mean[0] * b[0] + sum(bb * mo.mean() for bb, mo in zip(b[1:], parts, strict=True))
    eta = eta + sd_g * z_g[d.groups[0].index]
    cuts = cuts_c + offset
    cdf = np.column_stack([np.zeros(len(eta)), expit(cuts[None, :] - eta[:, None]),
                           np.ones(len(eta))])
    want = np.log(cdf[np.arange(len(eta)), d.y + 1] - cdf[np.arange(len(eta)), d.y])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    # each term's reported simplex is its row of the batch
    outs = m.replace_rvs_by_values([m["simplex_f"], m["simplex_h"], m["simplex_q"]])
    det = m.compile_fn(outs, inputs=m.value_vars, on_unused_input="ignore")(point)
    for have, expect in zip(det, [zf, zh, zq], strict=True):
        np.testing.assert_allclose(have, expect, rtol=1e-12)
    # the batched prior is the sum of the per-term Dirichlet log densities
    prior = m.compile_fn(m.logp(vars=[m["simplex_steps3"], m["simplex_steps2"]], jacobian=False),
                         inputs=m.value_vars, on_unused_input="ignore")(point)
    want_prior = (stats.dirichlet.logpdf(zf, [1, 1, 1]) + stats.dirichlet.logpdf(zh, [2, 2, 2])
                  + stats.dirichlet.logpdf(zq, [1, 1]))
    np.testing.assert_allclose(prior, want_prior, rtol=1e-10)


@pytest.mark.parametrize(("prior", "half_logpdf"), [
    ("halfnormal(0.7)", stats.halfnorm(scale=0.7).logpdf),
    ("halfstudent_t(3, 0.5)", lambda x: stats.t(df=3, scale=0.5).logpdf(x) + np.log(2.0)),
    ("halfcauchy(2)", stats.halfcauchy(scale=2.0).logpdf),
])
def test_folded_sd_has_exactly_the_stated_half_prior(prior, half_logpdf):
    """The signed scale's density at +s and -s is half the half-prior's density at s."""
    df = _data()
    d = build_design(parse_formula("y ~ x + (1 | g)"), df, "cumulative")
    m = build_model(d, resolve_priors(d, {"sd": prior}))
    fn = m.compile_fn(m.logp(vars=[m["sd_g_signed"]], sum=False)[0], inputs=m.value_vars,
                      on_unused_input="ignore")
    base = {k: np.zeros_like(v) for k, v in m.initial_point().items()}
    s = np.array([0.05, 0.4, 1.3, 4.0])
    for value in (s, -s):
        got = np.array([fn({**base, "sd_g_signed": v}) for v in value])
        np.testing.assert_allclose(got + np.log(2.0), half_logpdf(s), rtol=0, atol=1e-7)
    sd = m.compile_fn(m.replace_rvs_by_values([m["sd_g"]])[0], inputs=m.value_vars,
                      on_unused_input="ignore")
    assert sd({**base, "sd_g_signed": -1.3}) == pytest.approx(1.3)


def test_cumulative_logp_is_stable_in_the_tails():
    cuts = np.array([-2.0, 0.0, 2.0])
    eta = np.array([-40.0, 40.0, 0.0, 35.0, -35.0])
    y = np.array([0, 3, 1, 2, 1])
    got = cumulative_logp(pt.as_tensor(y), pt.as_tensor(eta), pt.as_tensor(cuts)).eval()
    c = np.concatenate([[-np.inf], cuts, [np.inf]])
    from scipy.special import log_expit
    # exact reference with mpmath-free stable formula
    a, bb = c[y + 1] - eta, c[y] - eta
    want = log_expit(a) + log_expit(-bb) + np.log(-np.expm1(bb - a))
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-9)
    # gradient is finite at extreme values
    e = pt.vector("e")
    g = pt.grad(cumulative_logp(pt.as_tensor(y), e, pt.as_tensor(cuts)).sum(), e)
    assert np.all(np.isfinite(g.eval({e: eta})))
