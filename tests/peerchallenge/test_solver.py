"""The pairing optimiser: hard constraints, determinism, optimality. No database needed.

Random programmes (hypothesis) check the rules on every model; tiny programmes are checked
against brute force (every partition), and every answer against every single swap.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerchallenge.solver import (
    NoFeasiblePairing,
    Problem,
    Solution,
    group_sizes,
    objective,
    solve,
)

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def codes(n: int) -> tuple[str, ...]:
    return tuple(f"E0600{i:04d}" for i in range(n))


@st.composite
def programmes(draw, model: str, low: int = 2, high: int = 30, panel_max: int = 5) -> Problem:
    size = None
    if model == "clusters":
        size = draw(st.integers(4, 8))
    if model == "panel":
        size = draw(st.integers(2, panel_max))
        low = max(low, size + 1)
    n = draw(st.integers(low, high))
    councils = codes(n)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    pairs = list(itertools.combinations(councils, 2))
    rate = draw(st.sampled_from([0.0, 0.05, 0.15]))
    forbidden = frozenset(frozenset(p) for p in pairs if rng.random() < rate)
    terms = {
        frozenset(p): {
            "similarity": rng.randint(0, 1000) / 1000,
            "travel": -rng.randint(0, 3000) / 1000,
        }
        for p in pairs
        if rng.random() < 0.9
    }
    committed = {c: float(rng.choice([0, 0, 1, 3, 5])) for c in councils}
    return Problem(
        councils=councils,
        model=model,
        size=size,
        forbidden=forbidden,
        terms=terms,
        committed_days=committed if model == "panel" else {},
    )


def shuffled(problem: Problem, seed: int) -> Problem:
    rng = random.Random(seed)
    councils = list(problem.councils)
    rng.shuffle(councils)
    terms = list(problem.terms.items())
    rng.shuffle(terms)
    locked = [
        tuple(rng.sample(g, len(g))) if problem.model != "panel" else g for g in problem.locked
    ]
    rng.shuffle(locked)
    return Problem(
        councils=tuple(councils),
        model=problem.model,
        size=problem.size,
        forbidden=frozenset(problem.forbidden),
        locked=tuple(locked),
        terms=dict(terms),
        committed_days=dict(reversed(list(problem.committed_days.items()))),
    )


def check_hard_rules(problem: Problem, solution: Solution) -> None:
    councils = set(problem.councils)
    if problem.model == "panel":
        assert [g[0] for g in solution.groups] == sorted(councils)
        for host, *members in solution.groups:
            assert len(members) == problem.size
            assert len(set(members)) == len(members)
            assert host not in members
            assert set(members) <= councils
            for m in members:
                assert frozenset((host, m)) not in problem.forbidden
    else:
        members = [c for g in solution.groups for c in g]
        assert sorted(members) == sorted(councils)  # everyone exactly once
        for g in solution.groups:
            assert list(g) == sorted(g)
            for a, b in itertools.combinations(g, 2):
                assert frozenset((a, b)) not in problem.forbidden
    # Everyone is challenged (assignments) and challenges someone.
    assert [a.host for a in solution.assignments] == sorted(councils)
    challengers = set()
    for a in solution.assignments:
        assert a.host not in a.challengers
        assert a.challengers
        challengers.update(a.challengers)
        if problem.model != "panel":
            assert len(a.challengers) == 1
            assert a.host in solution.groups[a.group]
            assert a.challengers[0] in solution.groups[a.group]
    if problem.model != "panel" or not problem.committed_days:
        # (A panel member fully committed elsewhere may rightly sit on no panel.)
        assert challengers == councils
    if problem.model != "panel":
        # Each council challenges exactly once.
        counts = [c for a in solution.assignments for c in a.challengers]
        assert sorted(counts) == sorted(councils)
    for g in problem.locked:
        if problem.model == "panel":
            assert (g[0], *sorted(g[1:])) in solution.groups
        else:
            assert tuple(sorted(g)) in solution.groups
    assert solution.objective == pytest.approx(objective(problem, solution.groups))


def allowed(problem: Problem, group) -> bool:
    return all(frozenset(p) not in problem.forbidden for p in itertools.combinations(group, 2))


def best_single_swap(problem: Problem, solution: Solution) -> float:
    """The best objective reachable by swapping two councils (or members) between groups."""
    groups = [list(g) for g in solution.groups]
    best = -float("inf")
    locked = {tuple(sorted(g)) for g in problem.locked}
    if problem.model == "panel":
        locked_hosts = {g[0] for g in problem.locked}
        for i, j in itertools.combinations(range(len(groups)), 2):
            if groups[i][0] in locked_hosts or groups[j][0] in locked_hosts:
                continue
            for a in range(1, len(groups[i])):
                for b in range(1, len(groups[j])):
                    gi, gj = groups[i][:], groups[j][:]
                    gi[a], gj[b] = gj[b], gi[a]
                    if not all(valid_panel(problem, g) for g in (gi, gj)):
                        continue
                    trial = groups[:i] + [gi] + groups[i + 1 : j] + [gj] + groups[j + 1 :]
                    best = max(best, objective(problem, trial))
        # Replacing one member by a council not on that panel.
        for i, g in enumerate(groups):
            if g[0] in locked_hosts:
                continue
            for a in range(1, len(g)):
                for c in problem.councils:
                    if c in g:
                        continue
                    gi = g[:]
                    gi[a] = c
                    if valid_panel(problem, gi):
                        best = max(best, objective(problem, groups[:i] + [gi] + groups[i + 1 :]))
        return best
    for i, j in itertools.combinations(range(len(groups)), 2):
        if tuple(groups[i]) in locked or tuple(groups[j]) in locked:
            continue
        for a in range(len(groups[i])):
            for b in range(len(groups[j])):
                gi, gj = groups[i][:], groups[j][:]
                gi[a], gj[b] = gj[b], gi[a]
                if allowed(problem, gi) and allowed(problem, gj):
                    trial = groups[:i] + [gi] + groups[i + 1 : j] + [gj] + groups[j + 1 :]
                    best = max(best, objective(problem, trial))
    return best


def valid_panel(problem: Problem, g) -> bool:
    host, *members = g
    return (
        host not in members
        and len(set(members)) == len(members)
        and all(frozenset((host, m)) not in problem.forbidden for m in members)
    )


def solve_or_infeasible(problem: Problem) -> Solution | None:
    try:
        return solve(problem)
    except NoFeasiblePairing:
        return None


@pytest.mark.parametrize("model", ["pairs", "triads", "clusters", "panel"])
def test_random_programmes(model):
    # Random weights have none of the geography that makes real programmes easy, so larger
    # groups are kept to regional-size programmes that CP-SAT proves optimal quickly.
    high = {"pairs": 30, "panel": 12, "triads": 16, "clusters": 14}[model]

    @SETTINGS
    @given(programmes(model, high=high), st.integers(0, 1000))
    def run(problem, seed):
        solution = solve_or_infeasible(problem)
        if solution is None:
            with pytest.raises(NoFeasiblePairing):
                solve(shuffled(problem, seed))
            return
        check_hard_rules(problem, solution)
        assert solve(problem) == solution
        assert solve(shuffled(problem, seed)) == solution
        assert solution.proven_optimal
        assert best_single_swap(problem, solution) <= solution.objective + 1e-9

    run()


def partitions(items: list[str], sizes: list[int]):
    """Every split of items into groups with the given multiset of sizes."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for s in sorted(set(sizes)):
        left = sizes[:]
        left.remove(s)
        for others in itertools.combinations(rest, s - 1):
            remaining = [c for c in rest if c not in others]
            for tail in partitions(remaining, left):
                yield [(first, *others), *tail]


def brute_force(problem: Problem) -> float | None:
    best = None
    if problem.model == "panel":
        options = {
            h: [
                (h, *m)
                for m in itertools.combinations(
                    [c for c in problem.councils if c != h], problem.size
                )
                if valid_panel(problem, (h, *m))
            ]
            for h in problem.councils
        }
        for combo in itertools.product(*(options[h] for h in sorted(problem.councils))):
            value = objective(problem, combo)
            best = value if best is None else max(best, value)
        return best
    sizes = group_sizes(problem.model, len(problem.councils), problem.size)
    for groups in partitions(sorted(problem.councils), sizes):
        if all(allowed(problem, g) for g in groups):
            value = objective(problem, groups)
            best = value if best is None else max(best, value)
    return best


@pytest.mark.parametrize("model", ["pairs", "triads", "clusters"])
def test_tiny_programmes_match_brute_force(model):
    @settings(max_examples=40, deadline=None)
    @given(programmes(model, low=2, high=7))
    def run(problem):
        best = brute_force(problem)
        if best is None:
            with pytest.raises(NoFeasiblePairing):
                solve(problem)
            return
        assert solve(problem).objective == pytest.approx(best, abs=1e-9)

    run()


def test_tiny_panels_match_brute_force():
    @settings(max_examples=25, deadline=None)
    @given(programmes("panel", low=3, high=5, panel_max=3))
    def run(problem):
        best = brute_force(problem)
        if best is None:
            with pytest.raises(NoFeasiblePairing):
                solve(problem)
            return
        assert solve(problem).objective == pytest.approx(best, abs=1e-9)

    run()


def test_odd_pairs_make_one_triad():
    problem = Problem(councils=codes(11), model="pairs")
    solution = solve(problem)
    assert sorted(len(g) for g in solution.groups) == [2, 2, 2, 2, 3]
    triad = next(g for g in solution.groups if len(g) == 3)
    # Ring inside the triad: a -> b -> c -> a.
    by_host = {a.host: a.challengers[0] for a in solution.assignments}
    assert by_host[triad[1]] == triad[0]
    assert by_host[triad[2]] == triad[1]
    assert by_host[triad[0]] == triad[2]


@pytest.mark.parametrize(
    ("model", "size", "n", "expected"),
    [
        ("pairs", None, 2, [2]),
        ("pairs", None, 7, [2, 2, 3]),
        ("triads", None, 5, [5]),
        ("triads", None, 7, [3, 4]),
        ("triads", None, 8, [4, 4]),
        ("triads", None, 9, [3, 3, 3]),
        ("clusters", 4, 9, [4, 5]),
        ("clusters", 5, 9, [4, 5]),
        ("clusters", 8, 13, [6, 7]),
        ("clusters", 6, 5, [5]),
    ],
)
def test_group_sizes(model, size, n, expected):
    assert sorted(group_sizes(model, n, size)) == expected
    solution = solve(Problem(councils=codes(n), model=model, size=size))
    assert sorted(len(g) for g in solution.groups) == expected


def test_locked_groups_are_kept_and_the_rest_solved_around_them():
    councils = codes(10)
    terms = {frozenset((councils[0], councils[1])): {"similarity": 5.0}}
    locked = ((councils[3], councils[0]),)
    solution = solve(Problem(councils=councils, model="pairs", locked=locked, terms=terms))
    assert (councils[0], councils[3]) in solution.groups
    assert len(solution.groups) == 5

    panel_lock = ((councils[0], councils[5], councils[6], councils[7]),)
    panel = solve(Problem(councils=councils, model="panel", size=3, locked=panel_lock))
    assert panel.groups[0] == panel_lock[0]


def test_a_council_whose_every_partner_is_forbidden_is_named():
    councils = codes(6)
    forbidden = frozenset(frozenset((councils[2], c)) for c in councils if c != councils[2])
    for model, size in (("pairs", None), ("triads", None), ("panel", 2)):
        with pytest.raises(NoFeasiblePairing, match=councils[2]):
            solve(Problem(councils=councils, model=model, size=size, forbidden=forbidden))


def test_infeasible_without_a_single_culprit():
    # Every council has an allowed partner, but each of the 3 ways to pair 4 is forbidden.
    a, b, c, d = codes(4)
    forbidden = frozenset(frozenset(p) for p in ((a, b), (a, c), (b, c)))
    with pytest.raises(NoFeasiblePairing):
        solve(Problem(councils=(a, b, c, d), model="pairs", forbidden=forbidden))


def test_everyone_sits_on_panels_evenly_without_committed_days():
    councils = codes(9)
    solution = solve(Problem(councils=councils, model="panel", size=3))
    seats = {c: 0 for c in councils}
    for _host, *members in solution.groups:
        for m in members:
            seats[m] += 1
    assert set(seats.values()) == {3}


def test_committed_days_give_fewer_panel_seats():
    councils = codes(8)
    busy = councils[4]
    solution = solve(Problem(councils=councils, model="panel", size=3, committed_days={busy: 5.0}))
    seats = {c: 0 for c in councils}
    for _host, *members in solution.groups:
        for m in members:
            seats[m] += 1
    others = [s for c, s in seats.items() if c != busy]
    assert seats[busy] < min(others)
    assert max(others) - min(others) <= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "quads"}, "unknown model"),
        ({"model": "clusters", "size": 3}, "size"),
        ({"model": "panel", "size": 6}, "size"),
        ({"model": "pairs", "forbidden": frozenset({frozenset(("X", "E06000000"))})}, "X"),
        ({"model": "pairs", "locked": (("E06000000", "Y"),)}, "Y"),
        (
            {"model": "pairs", "locked": (("E06000000", "E06000001"), ("E06000001", "E06000002"))},
            "more than one",
        ),
        (
            {
                "model": "pairs",
                "locked": (("E06000000", "E06000001"),),
                "forbidden": frozenset({frozenset(("E06000000", "E06000001"))}),
            },
            "forbidden",
        ),
        ({"model": "panel", "size": 2, "locked": (("E06000000", "E06000001"),)}, "members"),
    ],
)
def test_invalid_problems_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        solve(Problem(councils=codes(6), **kwargs))


def test_duplicate_councils_raise_value_error():
    with pytest.raises(ValueError, match="more than once"):
        solve(Problem(councils=("A", "B", "A"), model="pairs"))
