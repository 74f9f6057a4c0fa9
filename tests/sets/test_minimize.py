"""Boolean minimisation: small crisp examples derived by hand, and property tests.

Hand example (conditions A, B, C; row number = 1 + 4A + 2B + C):

    case  A B C  Y   row
    a     1 1 1  1   8
    b     1 1 0  1   7
    c     0 1 1  0   4
    d     0 0 1  1   2
    e     0 0 0  0   1
    remainders: 010 (row 3), 100 (row 5), 101 (row 6)

Conservative (positive rows 111, 110, 001 only): 111 and 110 merge to A*B; 001 merges
with nothing positive (011 and 000 are negative, 101 a remainder) -> A*B + ~A*~B*C.

Parsimonious (remainders allowed; must avoid 011 and 000):
  A (1--) covers 100, 101, 110, 111 - none negative -> implicant;
  ~B*C (-01) covers 001, 101 -> implicant;  B*~C (-10) covers 010, 110 -> implicant;
  C, ~C, B, ~B, ~A and every other term covers 011 or 000.
  Chart: 111 <- A; 110 <- A, B*~C; 001 <- ~B*C. Both A and ~B*C are essential:
  A + ~B*C, using remainders 100, 101 (rows 5, 6).

Intermediate with A, B, C all expected present (=1):
  c = A*B inside p = A: the dropped literal would be B (expected 1, present) -> keep: A*B.
  c = ~A*~B*C inside p = ~B*C: ~A contradicts A=1 -> drop: ~B*C (covers 101, row 6).
  Easy counterfactuals = {row 6}; positives + 101 minimise to PIs A*B, A*C, ~B*C;
  111 <- A*B or A*C; 110 <- A*B; 001 <- ~B*C -> A*B + ~B*C.

Negated outcome (~Y: rows 000, 011 positive; 001, 110, 111 negative):
  ~A*~C (000, 010), ~B*~C (000, 100), ~A*B (010, 011) are the prime implicants;
  000 <- ~A*~C or ~B*~C; 011 <- ~A*B -> two equally good models:
  M1 ~A*~C + ~A*B and M2 ~B*~C + ~A*B.
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pandas as pd
import pytest

from cbstats.sets import (
    SetsInputError,
    brute_force_covers,
    minimize,
    primes_quine_mccluskey,
    primes_ternary,
    solve_chart,
    truth_table,
)
from cbstats.sets.implicants import covers, implicant_string
from cbstats.sets.truthtable import row_bits


@pytest.fixture
def hand():
    d = pd.DataFrame(
        {"A": [1, 1, 0, 0, 0], "B": [1, 1, 1, 0, 0], "C": [1, 0, 1, 1, 0], "Y": [1, 1, 0, 1, 0]},
        index=list("abcde"),
    ).astype(float)
    return truth_table(d, "Y")


def models(sol):
    return [set(m.terms) for m in sol.models]


def test_hand_conservative(hand):
    sol = minimize(hand, solution="conservative")
    assert models(sol) == [{"A*B", "~A*~B*C"}]
    assert sol.models[0].simplifying_assumptions == ()


def test_hand_parsimonious_and_chart(hand):
    sol = minimize(hand, solution="parsimonious")
    assert models(sol) == [{"A", "~B*C"}]
    assert sol.models[0].simplifying_assumptions == (5, 6)
    assert set(sol.prime_implicants) == {"A", "~B*C", "B*~C"}
    chart = sol.chart
    assert chart.loc["A"].tolist() == [False, True, True]  # columns rows 2, 7, 8
    assert chart.loc["B*~C"].tolist() == [False, True, False]
    assert set(sol.essential) == {"A", "~B*C"}


def test_hand_intermediate(hand):
    sol = minimize(hand, solution="intermediate", directional={"A": 1, "B": 1, "C": 1})
    assert models(sol) == [{"A*B", "~B*C"}]
    assert sol.models[0].easy_counterfactuals == (6,)
    assert set(sol.chart.index) == {"A*B", "A*C", "~B*C"}
    # with no expectation on A, ~A cannot be dropped: intermediate = conservative
    sol2 = minimize(hand, solution="intermediate", directional={"B": 1, "C": 1})
    assert models(sol2) == [{"A*B", "~A*~B*C"}]


def test_hand_negated_outcome_is_ambiguous(hand):
    neg = truth_table(hand.data, "~Y")
    sol = minimize(neg, solution="parsimonious")
    assert sol.ambiguous
    assert sorted(map(sorted, models(sol))) == [["~A*B", "~A*~C"], ["~A*B", "~B*~C"]]
    assert [m.name for m in sol.models] == ["M1", "M2"]
    assert set(sol.essential) == {"~A*B"}
    table = sol.term_table()
    assert table.loc["~A*B"].all() and table.sum().tolist() == [2, 2]


def test_intermediate_pairs_for_ambiguous_parsimonious(hand):
    # ~Y with absence of A, B, C expected: conservative ~A*~B*~C + ~A*B*C; parsimonious
    # P1 ~A*~C + ~A*B, P2 ~B*~C + ~A*B. C1P1: ~A*~B*~C inside ~A*~C keeps ~B (expected);
    # ~A*B*C inside ~A*B drops C (contradicts C=0) -> relaxed ~A*B covers remainder 010.
    # C1P2: ~A*~B*~C inside ~B*~C keeps ~A; ~A*B*C -> ~A*B again. Both pairs: easy
    # counterfactual {010} (row 3); 000, 011 + 010 -> ~A*~C + ~A*B for both pairs.
    neg = truth_table(hand.data, "~Y")
    sol = minimize(neg, solution="intermediate", directional={"A": 0, "B": 0, "C": 0})
    assert [m.name for m in sol.models] == ["C1P1M1", "C1P2M1"]
    assert all(set(m.terms) == {"~A*~C", "~A*B"} for m in sol.models)
    assert all(m.easy_counterfactuals == (3,) for m in sol.models)
    distinct = sol.distinct_models()
    assert len(distinct) == 1 and distinct["n"].tolist() == [2]
    assert set(sol.charts) == {"C1P1", "C1P2"}


def test_exclude_untenable_remainders(hand):
    # excluding 100 and 101 (A*~B): implicants must avoid 000, 011, 100, 101; only 010 is
    # still usable. 111+110 -> A*B; 110+010 -> B*~C; 001 merges with nothing -> ~A*~B*C.
    # Chart: 111 <- A*B; 110 <- A*B, B*~C; 001 <- ~A*~B*C -> A*B + ~A*~B*C
    sol = minimize(hand, solution="parsimonious", exclude=["A*~B"])
    assert sol.excluded == (5, 6)
    assert models(sol) == [{"A*B", "~A*~B*C"}]
    assert set(sol.prime_implicants) == {"A*B", "B*~C", "~A*~B*C"}
    assert sol.models[0].simplifying_assumptions == ()
    same = minimize(hand, solution="parsimonious", exclude=[{"A": 1, "B": 0, "C": 0}, "101"])
    assert models(same) == models(sol)
    with pytest.raises(SetsInputError, match="not a logical remainder"):
        minimize(hand, solution="parsimonious", exclude=[8])


def test_errors(hand):
    with pytest.raises(SetsInputError, match=r"directional expectations name condition\(s\) \['D'\]"):
        minimize(hand, solution="intermediate", directional={"D": 1})
    with pytest.raises(SetsInputError, match="needs `directional`"):
        minimize(hand, solution="intermediate")
    empty = hand.recompute(incl_cut=1.0).with_out({8: 0, 7: 0, 2: 0})
    with pytest.raises(SetsInputError, match="no positive row"):
        minimize(empty)
    with pytest.raises(SetsInputError, match="solution='best'"):
        minimize(hand, solution="best")


def test_fit_of_models(hand):
    sol = minimize(hand, solution="parsimonious")
    fit = sol.fit
    assert list(fit.columns) == ["inclS", "PRI", "covS", "covU"]
    # A covers a, b (2 of 3 cases in Y); ~B*C covers d
    assert fit.loc[("M1", "A"), "covS"] == pytest.approx(2 / 3)
    assert fit.loc[("M1", "~B*C"), "covU"] == pytest.approx(1 / 3)
    assert fit.loc[("M1", "model"), "inclS"] == pytest.approx(1.0)
    assert "M1: A + ~B*C" in repr(sol)


# ---- property tests on random truth tables (seeded) -------------------------------------
def brute_primes(on, off, k):
    """Definition: implicants covering some ON row and no OFF row, with no such superset."""
    allowed = []
    for digits in product((0, 1, 2), repeat=k):
        c = covers(np.array([digits], dtype=np.int8), row_bits(range(1, 2**k + 1), k))[0]
        rows = set(np.flatnonzero(c) + 1)
        if rows & set(off) or not rows & set(on):
            continue
        allowed.append(digits)
    aset = set(allowed)

    def raised(d, j):
        return d[:j] + (2,) + d[j + 1 :]

    return sorted(d for d in allowed if not any(raised(d, j) in aset for j in range(k) if d[j] != 2))


def random_table(rng, k):
    status = rng.choice(["pos", "neg", "rem"], size=2**k, p=[0.35, 0.35, 0.3])
    if not (status == "pos").any():
        status[0] = "pos"
    if not (status == "neg").any():
        status[-1] = "neg"
    rows = [r for r in range(1, 2**k + 1) if status[r - 1] != "rem"]
    bits = row_bits(rows, k)
    conds = [f"X{j}" for j in range(k)]
    d = pd.DataFrame(bits, columns=conds, index=[f"c{r}" for r in rows]).astype(float)
    d["Y"] = [1.0 if status[r - 1] == "pos" else 0.0 for r in rows]
    return truth_table(d, "Y", incl_cut=1.0)


@pytest.mark.parametrize("seed", range(12))
def test_prime_implicants_three_ways(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    tt = random_table(rng, k)
    on, off = tt.positive_rows, tt.negative_rows
    expected = brute_primes(on, off, k)
    tern = [tuple(int(x) for x in p) for p in primes_ternary(on, off, k)]
    qm = [tuple(int(x) for x in p) for p in primes_quine_mccluskey(on, off, k)]
    assert tern == expected
    assert qm == expected


@pytest.mark.parametrize("seed", range(25))
def test_all_minimum_covers_match_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n_pis, n_cols = int(rng.integers(2, 9)), int(rng.integers(1, 9))
    chart = rng.random((n_pis, n_cols)) < 0.35
    found = solve_chart(chart)
    assert found == brute_force_covers(chart)


@pytest.mark.parametrize("node_limit", [0, 20_000])
@pytest.mark.parametrize("seed", range(6))
def test_integer_programming_path_matches_brute_force(seed, node_limit, monkeypatch):
    # force every block through the integer-programming path (normally only large, loose
    # blocks): minimum size by one integer program, then depth-first enumeration, or with
    # node_limit=0 integer programs with each found cover cut off
    import cbstats.sets.chart as chart_module

    monkeypatch.setattr(chart_module, "LARGE_BLOCK", 0)
    monkeypatch.setattr(chart_module, "NODE_LIMIT", node_limit)
    monkeypatch.setattr(chart_module, "_greedy_size", lambda full, cover: 10**6)
    rng = np.random.default_rng(900 + seed)
    chart = rng.random((int(rng.integers(3, 10)), int(rng.integers(2, 10)))) < 0.4
    assert solve_chart(chart, max_models=10_000) == brute_force_covers(chart)


def test_large_block_integer_programming_matches_search():
    # a chart whose block has more than LARGE_BLOCK columns goes to the integer program
    rng = np.random.default_rng(7)
    chart = rng.random((14, 24)) < 0.3
    chart[np.arange(14), np.arange(14)] = True
    chart[np.arange(10), np.arange(14, 24)] = True
    found = solve_chart(chart, max_models=10_000)
    best = min(len(c) for c in found)
    # every cover found is a cover of minimum size, and there is none smaller
    assert all(chart[list(c)].any(axis=0).all() and len(c) == best for c in found)
    assert not any(
        chart[list(c)].any(axis=0).all() for c in combinations(range(14), best - 1)
    )
    assert found == brute_force_covers(chart)


@pytest.mark.parametrize("seed", range(10))
def test_solutions_are_equivalent_to_their_rows(seed):
    rng = np.random.default_rng(500 + seed)
    k = int(rng.integers(2, 6))
    tt = random_table(rng, k)
    all_bits = row_bits(range(1, 2**k + 1), k)
    pos, neg = set(tt.positive_rows), set(tt.negative_rows)
    digits_of = {}

    def covered(model):
        rows = set()
        for term in model.terms:
            if term not in digits_of:
                d = [2] * k
                for lit in term.split("*"):
                    name = lit.lstrip("~")
                    d[tt.conditions.index(name)] = 0 if lit.startswith("~") else 1
                digits_of[term] = d
            hit = covers(np.array([digits_of[term]], dtype=np.int8), all_bits)[0]
            rows |= set(np.flatnonzero(hit) + 1)
        return rows

    cons = minimize(tt, solution="conservative")
    for m in cons.models:
        assert covered(m) == pos
    if not neg:
        return
    pars = minimize(tt, solution="parsimonious")
    for m in pars.models:
        # logically equivalent to the OUT = 1 rows plus the remainders it used
        assert covered(m) == pos | set(m.simplifying_assumptions)
        assert not covered(m) & neg
    n_terms = {len(m.terms) for m in pars.models}
    assert len(n_terms) == 1  # all reported models are equally short
    expect = {c: int(rng.integers(0, 2)) for c in tt.conditions}
    inter = minimize(tt, solution="intermediate", directional=expect)
    for m in inter.models:
        rows = covered(m)
        assert pos <= rows <= pos | set(m.easy_counterfactuals)
    for p in pars.prime_implicants:
        assert implicant_string([2] * k, tt.conditions) != p
