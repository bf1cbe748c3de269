"""Benchmark of the pure indicator rules: aggregation and confidentiality on a county-sized data set.

A synthetic county like Landkreis Osnabrück: 8 Samtgemeinden with 3 members each and 10
Einheitsgemeinden (34 municipality units), two of them with 10 Ortsteile each; 150 indicators (100
counts, 30 shares of two counts, 10 rates with their own numerators and denominators, 10 derived
counts); 20 years. Values are stored for the 34 municipalities and, for 20 counts, for the Ortsteile
instead of their Gemeinden (log-normal counts, one count in five a rare event, so the primary rule
fires often); ``aggregate`` computes the Samtgemeinden, the Gemeinden with Ortsteile and the county,
and ``hidden_cells`` decides on all of them at once, as the public read path does. Each step runs
``--repeat`` times; the best time is printed.

    python bench/bench_confidentiality.py [--years 20] [--indicators 150] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sync_server.domain.indicators.aggregation import aggregate  # noqa: E402
from sync_server.domain.indicators.confidentiality import Cell, Rule, hidden_cells  # noqa: E402
from sync_server.domain.indicators.tree import UnitTree  # noqa: E402

ORTSTEILE = 10  # per Gemeinde with Ortsteile
ORTSTEIL_INDICATORS = 20


def county() -> UnitTree:
    parents: dict[str, str | None] = {"03459": None}
    for s in range(8):
        parents[f"sg{s}"] = "03459"
        for m in range(3):
            parents[f"sg{s}-m{m}"] = f"sg{s}"
    for e in range(10):
        parents[f"eg{e}"] = "03459"
    for e in range(2):
        for o in range(ORTSTEILE):
            parents[f"eg{e}-{o:02d}"] = f"eg{e}"
    return UnitTree.from_parents(parents)


def catalogue(size: int) -> dict[str, Rule]:
    """Two thirds counts, then shares of two counts, rates with their own parts and derived sums."""
    counts = max(2, size * 2 // 3)
    rules: dict[str, Rule] = {f"c{i:03d}": Rule(kind="count", aggregation="sum") for i in range(counts)}
    for i in range(size - counts):
        numerator, denominator = f"c{(2 * i) % counts:03d}", f"c{(2 * i + 1) % counts:03d}"
        if i % 5 in (0, 1, 2):
            rules[f"share{i:03d}"] = Rule(
                kind="share", unit="percent", aggregation="ratio", numerator=numerator, denominator=denominator
            )
        elif i % 5 == 3:
            rules[f"rate{i:03d}"] = Rule(kind="rate", unit="per_1000", aggregation="ratio")
        else:
            rules[f"derived{i:03d}"] = Rule(kind="count", aggregation="sum", based_on=(numerator, denominator))
    return rules


def stored_cells(tree: UnitTree, rules: dict[str, Rule], years: int, seed: int = 1) -> list[Cell]:
    """Municipality values for every indicator, Ortsteil values for the first ORTSTEIL_INDICATORS
    counts (and what is built on them). Counts are log-normal around a typical size per indicator;
    one in five counts is a rare event (a handful per municipality), Ortsteile have a tenth."""
    rng = random.Random(seed)
    municipalities = [u for u in tree.units if u.startswith("sg") and "-" in u]
    municipalities += [u for u in tree.units if u.startswith("eg") and "-" not in u]
    districts = [u for u in tree.units if u.startswith("eg") and "-" in u]
    typical = {key: (3 if i % 5 == 0 else rng.choice([40, 150, 600, 3000])) for i, key in enumerate(rules)}
    count_keys = [key for key, rule in rules.items() if rule.kind == "count" and not rule.based_on]
    on_districts = set(count_keys[:ORTSTEIL_INDICATORS])
    out: list[Cell] = []
    for year in range(2024 - years + 1, 2025):
        values: dict[tuple[str, str], float] = {}
        for key in count_keys:
            units = municipalities
            if key in on_districts:  # Gemeinden with Ortsteile are summed from them
                units = [u for u in municipalities if not tree.children(u)] + districts
            for unit in units:
                scale = typical[key] / (10 if unit in districts else 1)
                value = int(rng.lognormvariate(math.log(max(scale, 0.5)), 0.8))
                values[(key, unit)] = value
                out.append(Cell(key, unit, year, value))
        for key, rule in rules.items():
            if rule.kind == "count" and not rule.based_on:
                continue
            for unit in municipalities + districts:
                parts = [values.get((base, unit)) for base in (rule.based_on or (rule.numerator, rule.denominator))]
                if rule.based_on and None not in parts:
                    out.append(Cell(key, unit, year, sum(parts)))  # type: ignore[arg-type]
                elif rule.kind == "share" and None not in parts:
                    n, d = min(parts), max(parts)  # type: ignore[type-var]
                    out.append(Cell(key, unit, year, n / d * 100 if d else None, numerator=n, denominator=d))
                elif rule.kind == "rate" and unit not in districts:
                    n, d = int(rng.lognormvariate(math.log(20), 1.0)), rng.choice([80, 900, 4000])
                    out.append(Cell(key, unit, year, n / d * 1000, numerator=n, denominator=d))
    return out


def best(repeat: int, step):  # type: ignore[no-untyped-def]
    """(best wall-clock seconds, best CPU seconds of this process, result): on a shared machine the
    CPU time is the figure that does not depend on the other processes."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = step()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--indicators", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tree = county()
    rules = catalogue(args.indicators)
    stored = stored_cells(tree, rules, args.years)
    aggregate_wall, aggregate_cpu, aggregates = best(args.repeat, lambda: aggregate(stored, rules, tree))
    cells = stored + [agg.cell for agg in aggregates if agg.cell.value is not None]
    incomplete = sum(agg.incomplete for agg in aggregates)
    hide_wall, hide_cpu, hidden = best(args.repeat, lambda: hidden_cells(cells, rules, tree))
    primary_wall, primary_cpu, _ = best(args.repeat, lambda: hidden_cells(cells, rules, tree, secondary=False))
    reasons = Counter(hidden.values())
    print(f"units {len(tree)}, indicators {len(rules)}, years {args.years}")
    print(f"stored cells {len(stored):,}, computed aggregates {len(aggregates):,} ({incomplete:,} incomplete), "
          f"cells judged {len(cells):,}")
    print("                          wall s   CPU s")
    print(f"aggregate                 {aggregate_wall:6.3f}  {aggregate_cpu:6.3f}")
    print(f"hidden_cells              {hide_wall:6.3f}  {hide_cpu:6.3f}  ({len(cells) / hide_cpu:,.0f} cells/CPU s)")
    print(f"  primary rule only       {primary_wall:6.3f}  {primary_cpu:6.3f}")
    print(
        f"hidden: {reasons['primary']:,} primary, {reasons['secondary']:,} secondary "
        f"({len(hidden) / len(cells):.1%} of all cells)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
