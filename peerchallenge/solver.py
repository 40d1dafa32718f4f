"""The pairing optimiser of a peer challenge programme: who challenges whom.

Pure Python, no Django models: the views and tasks turn a programme into a `Problem` and a
`Solution` back into rows. Four models:

* ``pairs``: groups of 2 (each challenges the other); an odd number of councils gives exactly
  one group of 3.
* ``triads``: groups of 3; with ``n % 3 == 1`` one group of 4, with ``n % 3 == 2`` two groups
  of 4; below 6 councils a remainder means one group of everyone (2, 4 or 5 councils).
* ``clusters``: groups of ``size`` (4..8). With ``q, r = divmod(n, size)``: when ``r <= q``,
  ``r`` groups get one member more (``size + 1``); when that is impossible (``r > q``) the
  councils are shared as evenly as possible over ``q + 1`` groups, so every group has at most
  ``size`` members (``size - 1`` where that is enough, fewer only for small programmes, e.g.
  13 councils in clusters of 8 give 6 + 7); fewer than ``size`` councils make one group.
* ``panel``: every council hosts a panel of ``size`` (2..5) DCSs from other councils, and each
  council's DCS sits on about ``size`` panels.

Inside a group the members are sorted by code and each challenges the next, the last the
first, so in a pair each challenges the other. Locked groups are kept as they are and the size
rule above is applied to the councils left over.

Why these solvers (measured, see bench/pairings.py): the group models are exact integer
programs solved with OR-Tools CP-SAT; the panel model is a min-cost flow (OR-Tools), which is
exact and polynomial for it because its only coupling, the balance of panel seats, is a convex
cost per seat. Neither is a home-made search or a greedy rule.

Group-model formulation: a Boolean ``x[a, b]`` per allowed unordered pair (not forbidden, not
locked) says "a and b are in the same group"; a council's degree is its group size minus one.
When the groups have more than one size, ``z[i, s]`` says "i is in a group of size s": the
number of councils in each size class is fixed, and ``x[a, b] + z[a, s] - z[b, s] <= 1`` keeps
a group within one class. A class holding a single group (the one triad of an odd ``pairs``
programme) is then forced to be complete. Otherwise "same group" must be transitive
(``x[a, b] + x[b, c] - x[a, c] <= 1``): up to 60 councils all of them are given at once;
above that the O(n^3) constraints are too many, so they are added lazily: solve, find the
components of the solution that are not complete groups, add the transitivity constraints of
every triple inside them, solve again. The loop ends when every component is a clique of the
right size, which is then the optimum of the full model (optimal for a relaxation, feasible
for the full model). From 40 councils pairs are first pruned by an LP bound that provably
keeps every optimal grouping (`_solve_pruned`).

Limits, measured: pairs are fast and proven optimal even for 153 councils. Groups of 3 or
more are a clique-partitioning problem whose LP relaxation is weak; CP-SAT proves small and
most regional programmes optimal quickly, but not every one (London, 33 councils, in
clusters of 4 or 6) nor a national one within `DETERMINISTIC_BUDGET`: the best grouping found
is then returned, valid, with ``Solution.proven_optimal`` False.

Scores are floats (the sum of a pair's weighted terms); the solvers work on integers,
``round(score * SCALE)`` with ``SCALE = 1000``, so the optimum is exact for scores given to
three decimals and within 0.0005 per pair otherwise. The reported objective is recomputed from
the floats (`objective`).

Determinism: every input is sorted before the model is built (so the order in which councils,
forbidden pairs, locked groups or terms are given does not matter), CP-SAT runs with a single
worker, a fixed seed and only a deterministic time limit (never a wall-clock one), and the
min-cost flow is deterministic by construction. Ties between equally good answers are
therefore broken the same way every time.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # OR-Tools (and the pandas it loads) is imported where pairings are made.
    from ortools.sat.python import cp_model

MODELS = ("pairs", "triads", "clusters", "panel")
CLUSTER_SIZES = range(4, 9)
PANEL_SIZES = range(2, 6)
SCALE = 1000
# CP-SAT's budget for one `solve` of a group model, in its own "deterministic seconds"
# (roughly one to two wall-clock seconds each here). Unlike a wall-clock limit it gives the
# same answer on a slow or busy machine. Pairs programmes (even national ones) and most
# regional triads/clusters are proven optimal well within it; large clusters may not be: the
# best grouping found is then returned with `Solution.proven_optimal` False.
DETERMINISTIC_BUDGET = 4.0

_EMPTY: Mapping = MappingProxyType({})
# Programmes of at least this many councils (besides locked groups) are solved with the pair
# pruning of `_solve_pruned`; smaller ones are quick enough on every pair.
PRUNE_FROM = 40
# In the sparse first solve of `_solve_pruned`: each council's best partners kept (plus the
# largest group size, so that whole groups of near neighbours fit).
SPARSE_PARTNERS = 6
# Up to this many councils every transitivity constraint is given to CP-SAT at once (at most
# 3 x C(60, 3) = 102,660 rows), which propagates far better than adding them lazily; above it
# they are added lazily (see `_solve_cpsat`).
FULL_TRANSITIVITY_UP_TO = 60


class NoFeasiblePairing(Exception):
    """No grouping satisfies the hard constraints (forbidden pairs, locked groups)."""


class PairingTimeout(NoFeasiblePairing):
    """The solver's deterministic budget ran out before it found any valid grouping.

    Not a proof of infeasibility; a subclass so that callers catching NoFeasiblePairing still
    treat it as "no grouping to show".
    """


@dataclass(frozen=True)
class Problem:
    councils: tuple[str, ...]
    model: str
    size: int | None = None
    forbidden: frozenset[frozenset[str]] = frozenset()
    locked: tuple[tuple[str, ...], ...] = ()
    terms: Mapping[frozenset[str], Mapping[str, float]] = field(default_factory=lambda: _EMPTY)
    committed_days: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    days_per_challenge: float = 2.0
    expected_days: float = 5.0
    balance_weight: float = 1.0


@dataclass(frozen=True)
class Assignment:
    host: str
    challengers: tuple[str, ...]
    group: int
    score: float
    terms: dict[str, float]


@dataclass(frozen=True)
class Solution:
    groups: tuple[tuple[str, ...], ...]
    assignments: tuple[Assignment, ...]
    objective: float
    # False when the solver's deterministic budget ran out before optimality was proven (the
    # grouping is valid and the best found; see DETERMINISTIC_BUDGET).
    proven_optimal: bool = True


# --- scores ---------------------------------------------------------------------------------


def pair_score(problem: Problem, a: str, b: str) -> float:
    """The score of a and b together: the sum of their weighted terms (0 if none given)."""
    return float(sum(problem.terms.get(frozenset((a, b)), _EMPTY).values()))


def _pair_terms(problem: Problem, a: str, b: str) -> Mapping[str, float]:
    return problem.terms.get(frozenset((a, b)), _EMPTY)


def group_score(problem: Problem, group: Sequence[str]) -> float:
    """The score of one group: every unordered pair in it (panel: host with each member)."""
    if problem.model == "panel":
        host, *members = group
        return sum(pair_score(problem, host, m) for m in members)
    return sum(pair_score(problem, a, b) for a, b in itertools.combinations(group, 2))


def seat_target(problem: Problem, council: str) -> float:
    """How many panel seats a council should ideally take.

    The even share is ``size`` (n hosts x size seats / n councils), lowered to what the
    council's remaining days allow: ``(expected_days - committed_days) / days_per_challenge``,
    never below 0. A council already near or over its expected days so gets fewer seats.
    """
    assert problem.size is not None
    spare = problem.expected_days - float(problem.committed_days.get(council, 0.0))
    return min(float(problem.size), max(0.0, spare / problem.days_per_challenge))


def balance_penalty(problem: Problem, council: str, seats: int) -> float:
    """The convex penalty for a council sitting on `seats` panels.

    ``balance_weight * (seats - seat_target) ** 2``: squared so that one council with two
    seats too many costs more than two councils with one each, which spreads the seats as
    evenly as the targets allow. Convexity is also what makes the min-cost flow exact.
    """
    return problem.balance_weight * (seats - seat_target(problem, council)) ** 2


def objective(problem: Problem, groups: Iterable[Sequence[str]]) -> float:
    """The total score that `solve` maximises, for any grouping (tests compare with it).

    Group models: the sum of `group_score` over the groups. Panel (groups are
    ``(host, *members)``): the host-member pair scores minus every council's
    `balance_penalty` for the number of panels it sits on.
    """
    groups = list(groups)
    total = sum(group_score(problem, g) for g in groups)
    if problem.model == "panel":
        seats = dict.fromkeys(problem.councils, 0)
        for _host, *members in groups:
            for m in members:
                seats[m] += 1
        total -= sum(balance_penalty(problem, c, s) for c, s in seats.items())
    return total


def _int(score: float) -> int:
    return round(score * SCALE)


# --- validation and group sizes ---------------------------------------------------------------


def _validate(problem: Problem) -> None:
    """Raise ValueError naming what is wrong with the problem itself."""
    codes = problem.councils
    if problem.model not in MODELS:
        raise ValueError(f"unknown model {problem.model!r}: expected one of {', '.join(MODELS)}")
    if len(set(codes)) != len(codes):
        dups = sorted({c for c in codes if codes.count(c) > 1})
        raise ValueError(f"councils given more than once: {', '.join(dups)}")
    if len(codes) < 2:
        raise ValueError("a programme needs at least 2 councils")
    known = set(codes)
    if problem.model == "clusters" and problem.size not in CLUSTER_SIZES:
        raise ValueError(f"clusters need a size from 4 to 8, not {problem.size!r}")
    if problem.model == "panel":
        if problem.size not in PANEL_SIZES:
            raise ValueError(f"panels need a size from 2 to 5, not {problem.size!r}")
        if problem.size > len(codes) - 1:
            raise ValueError(
                f"a panel of {problem.size} needs at least {problem.size + 1} councils, "
                f"the programme has {len(codes)}"
            )
        if problem.days_per_challenge <= 0:
            raise ValueError("days_per_challenge must be positive")
    for pair in problem.forbidden:
        if len(pair) != 2:
            raise ValueError(f"a forbidden pair needs two different councils: {sorted(pair)}")
        unknown = sorted(set(pair) - known)
        if unknown:
            raise ValueError(f"forbidden pair names councils not in the programme: {unknown}")
    for pair in problem.terms:
        unknown = sorted(set(pair) - known)
        if unknown:
            raise ValueError(f"scores given for councils not in the programme: {unknown}")
    unknown_days = sorted(set(problem.committed_days) - known)
    if unknown_days:
        raise ValueError(f"committed days for councils not in the programme: {unknown_days}")

    seen: set[str] = set()
    for group in problem.locked:
        unknown = sorted(set(group) - known)
        if unknown:
            raise ValueError(f"locked group {list(group)} names unknown councils: {unknown}")
        if len(set(group)) != len(group):
            raise ValueError(f"locked group {list(group)} names a council twice")
        if problem.model == "panel":
            host, *members = group
            if len(members) != problem.size:
                raise ValueError(
                    f"locked panel of {host} has {len(members)} members, "
                    f"the programme's panels have {problem.size}"
                )
            if host in seen:
                raise ValueError(f"council {host} hosts more than one locked panel")
            seen.add(host)
            bad = sorted(m for m in members if frozenset((host, m)) in problem.forbidden)
            if bad:
                raise ValueError(f"locked panel of {host} includes forbidden members: {bad}")
            continue
        largest = {"pairs": 3, "triads": 5, "clusters": (problem.size or 0) + 1}[problem.model]
        if not 2 <= len(group) <= largest:
            raise ValueError(
                f"locked group {list(group)} has {len(group)} members; "
                f"{problem.model} groups have 2 to {largest}"
            )
        twice = sorted(seen & set(group))
        if twice:
            raise ValueError(f"councils in more than one locked group: {twice}")
        seen |= set(group)
        bad_pairs = [
            sorted(p)
            for p in itertools.combinations(sorted(group), 2)
            if frozenset(p) in problem.forbidden
        ]
        if bad_pairs:
            raise ValueError(f"locked group {list(group)} contains forbidden pairs: {bad_pairs}")


def group_sizes(model: str, n: int, size: int | None = None) -> list[int]:
    """The sizes of the groups that `n` councils (besides locked groups) are split into."""
    if n == 0:
        return []
    if n == 1:
        return [1]  # no valid group: reported as infeasible by the caller
    if model == "pairs":
        return [2] * (n // 2 - 1) + ([3] if n % 2 else [2])
    if model == "triads":
        q, r = divmod(n, 3)
        if n < 6 and r:
            return [n]
        return [3] * (q - r) + [4] * r
    if model == "clusters":
        assert size is not None
        if n < size:
            return [n]
        q, r = divmod(n, size)
        if r <= q:
            return [size] * (q - r) + [size + 1] * r
        g = q + 1
        small, extra = divmod(n, g)
        return [small] * (g - extra) + [small + 1] * extra
    raise ValueError(f"no group sizes for model {model!r}")


# --- the group models (CP-SAT) ----------------------------------------------------------------


def _components(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components (sorted members, sorted by first member) of a small graph."""
    parent = {v: v for v in nodes}

    def find(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    comps: dict[str, list[str]] = {}
    for v in nodes:
        comps.setdefault(find(v), []).append(v)
    return sorted(sorted(c) for c in comps.values())


def _solve_groups(problem: Problem) -> tuple[list[tuple[str, ...]], bool]:
    """The optimal groups of a pairs/triads/clusters programme (locked groups included)."""
    locked = [tuple(sorted(g)) for g in problem.locked]
    in_locked = {c for g in locked for c in g}
    free = sorted(c for c in problem.councils if c not in in_locked)
    sizes = group_sizes(problem.model, len(free), problem.size)
    if not free:
        return locked, True
    if sizes == [1]:
        raise NoFeasiblePairing(
            f"council {free[0]} is left without a group: every other council is in a locked group"
        )
    if len(sizes) == 1:
        # One group of everyone left: nothing to choose, only the forbidden pairs to check.
        bad = [p for p in itertools.combinations(free, 2) if frozenset(p) in problem.forbidden]
        if bad:
            raise NoFeasiblePairing(
                f"the {len(free)} councils left must form one group, but these pairs are "
                f"forbidden: {', '.join(f'{a}-{b}' for a, b in bad)}"
            )
        return [*locked, tuple(free)], True

    smallest = min(sizes)
    allowed = {
        c: [d for d in free if d != c and frozenset((c, d)) not in problem.forbidden] for c in free
    }
    stuck = [c for c in free if len(allowed[c]) < smallest - 1]
    if stuck:
        raise NoFeasiblePairing(
            "councils that cannot be placed (too many forbidden partners for a group of "
            f"{smallest}): " + ", ".join(f"{c} ({len(allowed[c])} allowed)" for c in stuck)
        )
    weights = {(a, b): _int(pair_score(problem, a, b)) for a in free for b in allowed[a] if a < b}
    counts: dict[int, int] = {}
    for s in sizes:
        counts[s] = counts.get(s, 0) + 1
    groups, proven = _solve_pruned(free, weights, counts)
    return [*locked, *groups], proven


def _solve_pruned(
    free: list[str], weights: dict[tuple[str, str], int], counts: dict[int, int]
) -> tuple[list[tuple[str, ...]], bool]:
    """The exact optimum, on fewer pair variables where a bound proves the rest useless.

    Why: CP-SAT on all 11,000 pairs of 153 councils takes seconds, yet most pairs (councils
    hundreds of km apart) can never be in an optimal grouping. So, for large programmes:

    1. solve on a sparse graph (each council's best `SPARSE_PARTNERS` partners): a good
       grouping, feasible for the full problem, whose value is a lower bound LB;
    2. solve the LP relaxation of the full model (without transitivity; GLOP) and from its
       duals y take, for each pair e, the Lagrangian bound ``L(y) - max(0, d_e) + d_e`` on
       any grouping that puts e together (d_e is e's reduced cost; weak duality, so the
       bound is valid for any y of the right signs, whatever the LP's accuracy);
    3. drop the pairs whose bound is below LB and solve exactly on the rest, with the
       grouping of step 1 as a hint. Every optimal grouping survives step 3, so the answer is
       the optimum of the full problem.
    """
    if len(free) < PRUNE_FROM:
        return _solve_cpsat(free, weights, counts)
    top: set[tuple[str, str]] = set()
    by_node: dict[str, list[tuple[int, str, tuple[str, str]]]] = {c: [] for c in free}
    for e, w in weights.items():
        by_node[e[0]].append((-w, e[1], e))
        by_node[e[1]].append((-w, e[0], e))
    k = SPARSE_PARTNERS + max(counts)
    for items in by_node.values():
        top.update(e for _w, _o, e in sorted(items)[:k])
    budget = [DETERMINISTIC_BUDGET]
    try:
        hint, _ = _solve_cpsat(free, {e: weights[e] for e in sorted(top)}, counts, None, budget)
    except PairingTimeout:
        raise
    except NoFeasiblePairing:
        return _solve_cpsat(free, weights, counts, None, budget)
    lower = sum(weights.get((a, b), 0) for g in hint for a, b in itertools.combinations(g, 2))
    bounds = _lp_pair_bounds(free, weights, counts)
    kept = {e: w for e, w in weights.items() if bounds[e] >= lower - 1e-6 * (1 + abs(lower))}
    groups, proven = _solve_cpsat(free, kept, counts, hint, budget)
    return groups, proven


def _model_rows(
    free: list[str], edges: list[tuple[str, str]], counts: dict[int, int], links: bool = True
) -> tuple[int, list[tuple[dict[int, float], float, float]]]:
    """The linear model shared by CP-SAT and its LP relaxation, as rows over variable indices.

    Variables: one per edge (in `edges` order), then, when the groups have two sizes, one
    ``z[c]`` per council ("c is in a larger group"). Rows are ``(coefficients, lo, hi)``.
    Group sizes are always one size or two consecutive ones (see `group_sizes`).
    """
    index = {c: i for i, c in enumerate(free)}
    classes = sorted(counts)
    n_edges = len(edges)
    incident: list[list[int]] = [[] for _ in free]
    for j, (a, b) in enumerate(edges):
        incident[index[a]].append(j)
        incident[index[b]].append(j)
    rows: list[tuple[dict[int, float], float, float]] = []
    if len(classes) == 1:
        deg = classes[0] - 1
        for i in range(len(free)):
            rows.append(({j: 1.0 for j in incident[i]}, deg, deg))
        return n_edges, rows
    small, large = classes
    for i in range(len(free)):
        coeffs = {j: 1.0 for j in incident[i]}
        coeffs[n_edges + i] = -float(large - small)
        rows.append((coeffs, small - 1, small - 1))
    members = float(large * counts[large])
    rows.append(({n_edges + i: 1.0 for i in range(len(free))}, members, members))
    for j, (a, b) in enumerate(edges if links else ()):
        za, zb = n_edges + index[a], n_edges + index[b]
        rows.append(({j: 1.0, za: 1.0, zb: -1.0}, -math.inf, 1.0))
        rows.append(({j: 1.0, za: -1.0, zb: 1.0}, -math.inf, 1.0))
    return n_edges + len(free), rows


def _lp_pair_bounds(
    free: list[str], weights: dict[tuple[str, str], int], counts: dict[int, int]
) -> dict[tuple[str, str], float]:
    """For each pair, an upper bound on the value of any grouping that puts it together."""
    from ortools.linear_solver import pywraplp

    edges = sorted(weights)
    n_vars, rows = _model_rows(free, edges, counts, links=False)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    xs = [lp.NumVar(0.0, 1.0, "") for _ in range(n_vars)]
    cons = []
    for coeffs, lo, hi in rows:
        ct = lp.RowConstraint(lo, hi, "")
        for j, coef in coeffs.items():
            ct.SetCoefficient(xs[j], coef)
        cons.append(ct)
    objective_ = lp.Objective()
    for j, e in enumerate(edges):
        objective_.SetCoefficient(xs[j], weights[e])
    objective_.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return dict.fromkeys(edges, math.inf)  # no pruning
    cost = [float(weights[e]) for e in edges] + [0.0] * (n_vars - len(edges))
    reduced = cost[:]
    base = 0.0
    for (coeffs, lo, hi), ct in zip(rows, cons, strict=True):
        y = ct.dual_value()
        # Weak duality for a maximisation needs y >= 0 on a "<= hi" row, y <= 0 on a ">= lo"
        # row; an equality row takes any sign. A y of the wrong sign is replaced by 0.
        if lo == hi or y >= 0:
            rhs = hi
        else:
            y = 0.0
        if y == 0.0:
            continue
        if not math.isfinite(rhs):  # pragma: no cover - only "<=" rows are one-sided
            continue
        base += y * rhs
        for j, coef in coeffs.items():
            reduced[j] -= y * coef
    total = base + sum(d for d in reduced if d > 0)
    return {e: total - max(0.0, reduced[j]) + reduced[j] for j, e in enumerate(edges)}


def _solve_cpsat(
    free: list[str],
    weights: dict[tuple[str, str], int],
    counts: dict[int, int],
    hint: list[tuple[str, ...]] | None = None,
    budget: list[float] | None = None,
) -> tuple[list[tuple[str, ...]], bool]:
    """CP-SAT on the given pairs, transitivity added lazily: (the groups, proven optimal).

    `budget` is the deterministic time left (a one-item list, spent in place).
    """
    from ortools.sat.python import cp_model

    budget = budget if budget is not None else [DETERMINISTIC_BUDGET]
    edges = sorted(weights)
    n_vars, rows = _model_rows(free, edges, counts)
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"v{j}") for j in range(n_vars)]
    for coeffs, lo, hi in rows:
        expr = sum(xs[j] if coef == 1.0 else int(coef) * xs[j] for j, coef in coeffs.items())
        if lo == hi:
            model.add(expr == int(lo))
        else:
            model.add(expr <= int(hi))
    x = {e: xs[j] for j, e in enumerate(edges)}
    model.maximize(sum(weights[e] * x[e] for e in edges))
    if hint is not None:
        together = {(a, b) for g in hint for a, b in itertools.combinations(g, 2)}
        for e in edges:
            model.add_hint(x[e], e in together)
    # A size class holding one group is forced complete by the degree and class rows; any
    # class holding two or more groups of 3 or more needs transitivity, added lazily.
    needs_transitivity = any(s >= 3 and counts[s] >= 2 for s in counts)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.linearization_level = 2
    added: set[tuple[str, ...]] = set()
    if needs_transitivity and len(free) <= FULL_TRANSITIVITY_UP_TO:
        for trio in itertools.combinations(free, 3):
            added.add(trio)
            _add_transitivity(model, x, trio)
    while True:
        solver.parameters.max_deterministic_time = max(budget[0], 0.01)
        status = solver.solve(model)
        budget[0] -= solver.deterministic_time
        if status == cp_model.INFEASIBLE:
            raise NoFeasiblePairing(
                f"no split of {len(free)} councils into groups of "
                f"{'/'.join(map(str, sorted(counts)))} avoids every forbidden pair"
            )
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if hint is not None:
                return hint, False
            raise PairingTimeout(
                f"no grouping of {len(free)} councils found within the solver's budget "
                f"({solver.status_name(status)}); the constraints were not proven infeasible"
            )
        chosen = [e for e in edges if solver.boolean_value(x[e])]
        comps = _components(free, chosen)
        chosen_set = set(chosen)
        bad = [
            comp
            for comp in comps
            if any((a, b) not in chosen_set for a, b in itertools.combinations(comp, 2))
        ]
        if not bad:
            return [tuple(c) for c in comps], status == cp_model.OPTIMAL
        if budget[0] <= 0 and hint is not None:
            return hint, False
        if not needs_transitivity:  # pragma: no cover - the formulation rules this out
            raise AssertionError("a group that is not complete without transitivity cuts")
        for comp in bad:
            for trio in itertools.combinations(comp, 3):
                if trio not in added:
                    added.add(trio)
                    _add_transitivity(model, x, trio)


def _add_transitivity(
    model: cp_model.CpModel, x: Mapping[tuple[str, str], cp_model.IntVar], trio: tuple[str, ...]
) -> None:
    """For a sorted triple: any two of its pairs together imply the third.

    A pair that is not allowed counts as 0, so two allowed pairs around a forbidden one may not
    both be chosen.
    """
    a, b, c = trio
    ab, ac, bc = x.get((a, b)), x.get((a, c)), x.get((b, c))
    for p, q, r in ((ab, bc, ac), (ab, ac, bc), (ac, bc, ab)):
        if p is None or q is None:
            continue
        if r is None:
            model.add(p + q <= 1)
        else:
            model.add(p + q - r <= 1)


# --- the panel model (min-cost flow) ----------------------------------------------------------


def _solve_panel(problem: Problem) -> list[tuple[str, ...]]:
    """The optimal panels, each ``(host, *sorted members)``, sorted by host.

    A min-cost flow: source -> host (capacity ``size``, locked hosts left out) -> member
    (capacity 1, cost ``-pair score``, no arc for the host itself or a forbidden pair) -> sink
    through one arc per extra seat, costing that seat's marginal balance penalty. The marginal
    penalties of a convex penalty increase, so a flow fills a council's seat arcs in order and
    the flow cost is exactly minus the objective. Locked panels' seats are counted first.
    """
    size = problem.size
    assert size is not None
    councils = sorted(problem.councils)
    locked = {g[0]: tuple(sorted(g[1:])) for g in problem.locked}
    fixed_seats = dict.fromkeys(councils, 0)
    for members in locked.values():
        for m in members:
            fixed_seats[m] += 1
    hosts = [h for h in councils if h not in locked]
    if not hosts:
        return [(h, *locked[h]) for h in councils]

    candidates = {
        h: [m for m in councils if m != h and frozenset((h, m)) not in problem.forbidden]
        for h in hosts
    }
    short = [h for h in hosts if len(candidates[h]) < size]
    if short:
        raise NoFeasiblePairing(
            f"a panel of {size} cannot be formed for: "
            + ", ".join(f"{h} ({len(candidates[h])} councils allowed)" for h in short)
        )

    from ortools.graph.python import min_cost_flow

    source, sink = 0, 1
    host_node = {h: 2 + i for i, h in enumerate(hosts)}
    member_node = {m: 2 + len(hosts) + i for i, m in enumerate(councils)}
    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs: list[tuple[int, str, str]] = []
    for h in hosts:
        flow.add_arc_with_capacity_and_unit_cost(source, host_node[h], size, 0)
    for h in hosts:
        for m in candidates[h]:
            arc = flow.add_arc_with_capacity_and_unit_cost(
                host_node[h], member_node[m], 1, -_int(pair_score(problem, h, m))
            )
            pair_arcs.append((arc, h, m))
    free_hosts = len(hosts)
    for m in councils:
        start = fixed_seats[m]
        # m can take at most one seat per free host (never its own panel).
        most = start + free_hosts - (1 if m in host_node else 0)
        for k in range(start, most):
            marginal = balance_penalty(problem, m, k + 1) - balance_penalty(problem, m, k)
            flow.add_arc_with_capacity_and_unit_cost(member_node[m], sink, 1, _int(marginal))
    flow.set_node_supply(source, size * len(hosts))
    flow.set_node_supply(sink, -size * len(hosts))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise NoFeasiblePairing(
            f"no set of panels of {size} avoids every forbidden pair "
            f"(min-cost flow status {status})"
        )
    panels: dict[str, list[str]] = {h: [] for h in hosts}
    for arc, h, m in pair_arcs:
        if flow.flow(arc):
            panels[h].append(m)
    result = {h: tuple(sorted(ms)) for h, ms in panels.items()} | locked
    return [(h, *result[h]) for h in councils]


# --- the entry point --------------------------------------------------------------------------


def _ring_challenger(group: Sequence[str], host: str) -> str:
    """Who challenges `host` in a group: the member before it in code order (ring)."""
    members = sorted(group)
    return members[members.index(host) - 1]


def solve(problem: Problem) -> Solution:
    """The best grouping of a programme under its hard constraints.

    Raises ValueError for a malformed problem and NoFeasiblePairing when the forbidden pairs
    and locked groups leave no valid grouping (naming the councils where that can be told).
    """
    _validate(problem)
    proven = True
    if problem.model == "panel":
        groups = _solve_panel(problem)
    else:
        found, proven = _solve_groups(problem)
        groups = sorted(tuple(sorted(g)) for g in found)
    group_of = {}
    for i, g in enumerate(groups):
        for c in g if problem.model != "panel" else g[:1]:
            group_of[c] = i
    assignments = []
    for host in sorted(problem.councils):
        i = group_of[host]
        if problem.model == "panel":
            challengers = groups[i][1:]
        else:
            challengers = (_ring_challenger(groups[i], host),)
        terms: dict[str, float] = {}
        for ch in challengers:
            for name, value in sorted(_pair_terms(problem, host, ch).items()):
                terms[name] = terms.get(name, 0.0) + float(value)
        score = sum(pair_score(problem, host, ch) for ch in challengers)
        assignments.append(Assignment(host, tuple(challengers), i, score, terms))
    return Solution(tuple(groups), tuple(assignments), objective(problem, groups), proven)
