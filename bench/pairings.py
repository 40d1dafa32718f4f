"""The peer challenge pairing optimiser on a national programme of all 153 councils.

No database: the programme is built from the real reference files. Terms per pair:
`similarity`, from the 2025 statistical neighbour model ((11 - rank) / 10 each way, averaged
over both directions, 0 when neither lists the other), and `travel`, minus the distance
between centroids in hundreds of kilometres. Forbidden pairs: "last year's partners" (the
pairs of a programme solved first with other weights: similarity only, so this year's pairs
must differ from the most similar ones) plus about 3% random declared conflicts (fixed seed).

For each model (pairs; triads; clusters of 4; panel of 3) `solve` is timed over a few runs
(p50 and max wall-clock seconds; the answer is the same every run, which is checked).

    .venv/bin/python bench/pairings.py [--runs 3] [--models pairs,triads,clusters,panel]
                                       [--markdown FILE]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peerchallenge.geography import distance_km  # noqa: E402
from peerchallenge.solver import PairingTimeout, Problem, Solution, solve  # noqa: E402

REFERENCE = ROOT / "data" / "reference"
CONFLICT_RATE = 0.03
SEED = 2025


def councils_and_neighbours() -> tuple[list[str], dict[str, list[str]]]:
    """The 153 GSS codes and each council's 10 statistical neighbours (as GSS codes)."""
    old_to_new: dict[str, str] = {}
    with (REFERENCE / "la_reference_2025_derived.csv").open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            old_to_new[row["old_la_code"]] = row["new_la_code"]
    neighbours: dict[str, list[str]] = {}
    with (REFERENCE / "sn_model_2025_wide.csv").open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            code = old_to_new.get(row["old_la_code"].strip())
            if code is None:
                continue
            neighbours[code] = [
                old_to_new[row[f"SN_{k}"].strip()]
                for k in range(1, 11)
                if row.get(f"SN_{k}", "").strip() in old_to_new
            ]
    return sorted(old_to_new.values()), neighbours


def national_terms(
    councils: list[str], neighbours: dict[str, list[str]]
) -> dict[frozenset[str], dict[str, float]]:
    """Similarity and travel terms for every unordered pair of councils."""
    terms: dict[frozenset[str], dict[str, float]] = {}
    for a, b in itertools.combinations(councils, 2):
        sims = []
        for x, y in ((a, b), (b, a)):
            ranks = neighbours.get(x, [])
            sims.append((11 - (ranks.index(y) + 1)) / 10 if y in ranks else 0.0)
        terms[frozenset((a, b))] = {
            "similarity": round(sum(sims) / 2, 3),
            "travel": round(-distance_km(a, b) / 100, 3),
        }
    return terms


def national_forbidden(
    councils: list[str], terms: dict[frozenset[str], dict[str, float]]
) -> frozenset[frozenset[str]]:
    """Last year's partners (a pairs programme on similarity alone) and random conflicts."""
    last_year = solve(
        Problem(
            councils=tuple(councils),
            model="pairs",
            terms={k: {"similarity": v["similarity"]} for k, v in terms.items()},
        )
    )
    forbidden = {frozenset(p) for g in last_year.groups for p in itertools.combinations(g, 2)}
    rng = random.Random(SEED)
    for a, b in itertools.combinations(councils, 2):
        if rng.random() < CONFLICT_RATE:
            forbidden.add(frozenset((a, b)))
    return frozenset(forbidden)


def time_model(
    base: Problem, model: str, size: int | None, runs: int
) -> tuple[list[float], Solution]:
    times: list[float] = []
    first: Solution | None = None
    problem = Problem(
        councils=base.councils,
        model=model,
        size=size,
        forbidden=base.forbidden,
        terms=base.terms,
    )
    for _ in range(runs):
        start = time.perf_counter()
        solution = solve(problem)
        times.append(time.perf_counter() - start)
        if first is None:
            first = solution
        elif solution != first:
            raise SystemExit(f"{model}: the answer changed between runs")
    assert first is not None
    return times, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", default="pairs,triads,clusters,panel")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)

    councils, neighbours = councils_and_neighbours()
    terms = national_terms(councils, neighbours)
    start = time.perf_counter()
    forbidden = national_forbidden(councils, terms)
    setup = time.perf_counter() - start
    base = Problem(councils=tuple(councils), model="pairs", forbidden=forbidden, terms=terms)

    specs = {"pairs": None, "triads": None, "clusters": 4, "panel": 3}
    lines = [
        f"National programme: {len(councils)} councils, {len(forbidden)} forbidden pairs "
        f"(last year's partners + {CONFLICT_RATE:.0%} random conflicts, seed {SEED}); "
        f"{args.runs} runs each; Python {platform.python_version()}, "
        f"last year's programme solved in {setup:.2f} s.",
        "",
        "| model | groups | objective | proven optimal | p50 (s) | max (s) |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for model in args.models.split(","):
        size = specs[model]
        label = f"{model} ({size})" if size else model
        try:
            times, solution = time_model(base, model, size, args.runs)
        except PairingTimeout as exc:
            lines.append(f"| {label} | - | no answer within the budget ({exc}) | - | - |")
            print(lines[-1], file=sys.stderr, flush=True)
            continue
        proven = "yes" if solution.proven_optimal else "no (budget)"
        lines.append(
            f"| {label} | {len(solution.groups)} | {solution.objective:.3f} | {proven} | "
            f"{statistics.median(times):.3f} | {max(times):.3f} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
