"""Prime-implicant charts: every cover of minimum size (all equally good models).

A model is a set of prime implicants (PIs) that together cover every positive row. Like
R ``QCA`` (Dusa 2019, ch. 8) we report every cover with the minimum number of PIs, not one
picked silently. Essential PIs (sole cover of some row) are in every such cover; the rest
is an exact search: depth-first over the uncovered row with the fewest candidate PIs,
branching on each candidate and forbidding the earlier candidates in later branches (so
each cover is produced exactly once), with a lower bound from rows whose candidate sets are
pairwise disjoint. This is Petrick's method (Petrick 1956) restricted to minimum size,
without expanding the product of sums.
"""

from __future__ import annotations

import warnings
from itertools import product

import numpy as np

#: Safety cap on the number of models enumerated (a warning says when it is reached).
MAX_MODELS = 100
#: Blocks with more columns than this (and a gap between bounds) are solved by integer programming.
LARGE_BLOCK = 20
#: Depth-first nodes allowed per large block before switching to integer programs.
NODE_LIMIT = 5_000


def solve_chart(chart: np.ndarray, *, max_models: int = MAX_MODELS) -> list[tuple[int, ...]]:
    """Every minimum-size set of chart rows (PIs) covering every chart column.

    Parameters
    ----------
    chart : ndarray of bool, shape (n_pis, n_rows)
        ``chart[i, j]`` is True when PI i covers positive row j.
    max_models : int
        Stop after this many covers (and warn).

    Returns
    -------
    list of tuple of int
        Sorted tuples of PI indices, in sorted order; empty when some column cannot be
        covered.

    Notes
    -----
    Steps, each keeping every minimum cover: (1) essential PIs; (2) columns whose candidate
    set contains another column's are dropped (covering the smaller one covers them);
    (3) the chart splits into independent blocks (columns linked by shared candidates);
    a minimum cover is a minimum cover of each block, so the models are the product of the
    blocks' covers; (4) per block, the minimum size comes from an integer program (HiGHS
    via ``scipy.optimize.milp``) when the block is large, and every cover of that size is
    enumerated depth-first.
    """
    chart = np.asarray(chart, dtype=bool)
    n_pis, n_cols = chart.shape
    if n_cols == 0:
        return [()]
    if not chart.any(axis=0).all():
        return []
    col_cands = [0] * n_cols
    pi_cover = [0] * n_pis
    for i, j in zip(*np.nonzero(chart), strict=True):
        col_cands[j] |= 1 << int(i)
        pi_cover[i] |= 1 << int(j)
    essential = 0
    for j in range(n_cols):
        if col_cands[j].bit_count() == 1:
            essential |= col_cands[j]
    cols = [j for j in range(n_cols) if col_cands[j] & essential == 0]
    # column dominance: drop a column whose candidates include all of another's
    cols.sort(key=lambda j: col_cands[j].bit_count())
    kept: list[int] = []
    for j in cols:
        cj = col_cands[j]
        if not any(col_cands[m] & ~cj == 0 for m in kept):
            kept.append(j)
    blocks = _blocks(kept, col_cands)
    base = tuple(_bits(essential))
    per_block: list[list[tuple[int, ...]]] = []
    limited = False
    running = 1
    for block in sorted(blocks, key=len):
        cap = max(1, -(-max_models // running))
        covers_b = _block_covers(block, col_cands, pi_cover, cap)
        running *= len(covers_b)
        limited = limited or len(covers_b) >= cap > 1 or running >= max_models
        per_block.append(covers_b)
    results: list[tuple[int, ...]] = []
    for combo in product(*per_block):
        results.append(tuple(sorted(base + tuple(i for part in combo for i in part))))
        if len(results) >= max_models:
            limited = True
            break
    if limited:
        warnings.warn(
            f"the prime-implicant chart has at least {max_models} minimum covers; only "
            f"{len(results)} are reported (raise max_models to see more)",
            UserWarning,
            stacklevel=2,
        )
    return sorted(results)


def _blocks(cols: list[int], col_cands: list[int]) -> list[list[int]]:
    """Groups of columns connected through shared candidate PIs."""
    blocks: list[tuple[int, list[int]]] = []  # (union of candidates, columns)
    for j in cols:
        cand = col_cands[j]
        merged_cand, merged_cols = cand, [j]
        rest = []
        for bc, bcols in blocks:
            if bc & merged_cand:
                merged_cand |= bc
                merged_cols.extend(bcols)
            else:
                rest.append((bc, bcols))
        blocks = [*rest, (merged_cand, merged_cols)]
    return [sorted(bcols) for _, bcols in blocks]


def _block_covers(
    block: list[int], col_cands: list[int], pi_cover: list[int], max_models: int
) -> list[tuple[int, ...]]:
    """Every minimum cover of the columns in ``block``."""
    bit = {j: 1 << t for t, j in enumerate(block)}
    allowed = 0
    for j in block:
        allowed |= col_cands[j]
    cover = {i: sum(bit[j] for j in block if pi_cover[i] >> j & 1) for i in _bits(allowed)}
    cands = {bit[j]: col_cands[j] for j in block}
    full = (1 << len(block)) - 1

    def lower_bound(unc: int, allow: int) -> int:
        used = 0
        lb = 0
        for b in sorted(_bits(unc), key=lambda b: (cands[1 << b] & allow).bit_count()):
            c = cands[1 << b] & allow
            if c & used == 0:
                used |= c
                lb += 1
        return lb

    results: list[tuple[int, ...]] = []

    def search(unc: int, allow: int, budget: int, chosen: list[int]) -> None:
        if len(results) >= max_models:
            return
        if unc == 0:
            results.append(tuple(sorted(chosen)))
            return
        if budget == 0 or lower_bound(unc, allow) > budget:
            return
        best_c, best_n = 0, -1
        for b in _bits(unc):
            c = cands[1 << b] & allow
            n = c.bit_count()
            if n == 0:
                return
            if best_n < 0 or n < best_n:
                best_c, best_n = c, n
                if n == 1:
                    break
        forbidden = 0
        for i in _bits(best_c):
            chosen.append(i)
            search_ref[0](unc & ~cover[i], allow & ~forbidden & ~(1 << i), budget - 1, chosen)
            chosen.pop()
            forbidden |= 1 << i

    search_ref = [search]
    size = lower_bound(full, allowed)
    if size < _greedy_size(full, cover) and len(block) > LARGE_BLOCK:
        # one integer program gives the minimum size; then depth-first enumeration with
        # exactly that budget, or (if that search grows too large) integer programs with
        # each cover cut off in turn
        nodes = [0]
        exact = _minimum_size(block, cover)
        inner = search

        def limited(unc: int, allow: int, budget: int, chosen: list[int]) -> None:
            nodes[0] += 1
            if nodes[0] > NODE_LIMIT:
                raise _SearchTooLarge
            inner(unc, allow, budget, chosen)

        try:
            search_ref[0] = limited
            limited(full, allowed, exact, [])
        except _SearchTooLarge:
            return _milp_covers(block, cover, max_models)
        finally:
            search_ref[0] = inner
        return results
    while not results and size <= len(cover):
        search(full, allowed, size, [])
        size += 1
    return results


def _greedy_size(full: int, cover: dict[int, int]) -> int:
    """Size of a greedy cover (an upper bound on the minimum)."""
    unc, n = full, 0
    while unc:
        unc &= ~max(cover.values(), key=lambda c: (c & unc).bit_count())
        n += 1
    return n


class _SearchTooLarge(Exception):
    """The depth-first enumeration of one block exceeded NODE_LIMIT nodes."""


def _minimum_size(block: list[int], cover: dict[int, int]) -> int:
    """Minimum number of PIs covering the block, by one integer program (HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    pis = list(cover)
    a = np.array([[cover[i] >> t & 1 for i in pis] for t in range(len(block))], dtype=float)
    res = milp(
        np.ones(len(pis)),
        constraints=LinearConstraint(a, lb=1, ub=np.inf),
        integrality=np.ones(len(pis)),
        bounds=Bounds(0, 1),
    )
    if res.status != 0:  # pragma: no cover - a cover always exists here
        raise RuntimeError(f"integer program for the minimum cover failed: {res.message}")
    return int(round(res.fun))


def _milp_covers(block: list[int], cover: dict[int, int], max_models: int) -> list[tuple[int, ...]]:
    """Every minimum cover of a large block by integer programming (HiGHS via scipy).

    The first solve gives the minimum size k; each cover found is then cut off
    (sum of its PIs <= k - 1) and the program solved again, until the optimum exceeds k.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    pis = list(cover)
    a = np.array([[cover[i] >> t & 1 for i in pis] for t in range(len(block))], dtype=float)
    rows, lbs, ubs = [a], [np.ones(len(block))], [np.full(len(block), np.inf)]
    found: list[tuple[int, ...]] = []
    k = None
    while len(found) < max_models:
        res = milp(
            np.ones(len(pis)),
            constraints=LinearConstraint(np.vstack(rows), lb=np.concatenate(lbs), ub=np.concatenate(ubs)),
            integrality=np.ones(len(pis)),
            bounds=Bounds(0, 1),
        )
        if res.status != 0:
            break
        size = int(round(res.fun))
        if k is None:
            k = size
        if size > k:
            break
        chosen = np.flatnonzero(res.x > 0.5)
        found.append(tuple(sorted(pis[i] for i in chosen)))
        cut = np.zeros((1, len(pis)))
        cut[0, chosen] = 1.0
        rows.append(cut)
        lbs.append(np.array([-np.inf]))
        ubs.append(np.array([len(chosen) - 1.0]))
    return found


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def brute_force_covers(chart: np.ndarray) -> list[tuple[int, ...]]:
    """All minimum-size covers by trying every subset (for tests; small charts only)."""
    from itertools import combinations

    chart = np.asarray(chart, dtype=bool)
    n_pis, n_cols = chart.shape
    for size in range(0, n_pis + 1):
        found = [
            combo
            for combo in combinations(range(n_pis), size)
            if chart[list(combo)].any(axis=0).all() or n_cols == 0
        ]
        if found:
            return sorted(found)
    return []
