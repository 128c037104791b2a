"""Statistical validation of driftwise's drift tests at the default policy (part of ``make bench``).

(a) False alarms: no drift, ``--rows`` (1,000,000) rows per side x (20 numeric + 20
    categorical), ``--null-seeds`` (100) seeds. A batch alarms when any input is ``drifted``; the
    per-batch rate is given with its exact (Clopper-Pearson) 95% interval. Also counted: batches
    with a *significant* input (the p-values alone, before the minimum effect).
(b) Power: +0.1 sd in 5 of the 20 numeric columns and 2 points of probability moved (``c1`` ->
    ``c0``) in 5 of the 20 categorical ones, at ``--rows`` and ``--small-rows`` (100,000),
    ``--power-seeds`` (20) seeds each: shifted columns found and unchanged columns flagged.
(c) Below the minimum effect: +0.02 sd (numeric minimum 0.05) and 0.5 points moved (total
    variation 0.005; categorical minimum 0.01) at ``--rows``, ``--below-seeds`` (10) seeds: the
    shifted columns should be significant (reported) but not drifted (no alarm).

Data are generated per seed in memory (``data.frames``: float64 numbers, pandas ``category``
columns) and passed to ``compute_evidence`` directly. One progress line per batch on stderr;
results to ``benchmarks/results/validation.md`` and ``docs/benchmarks.md``.

    python -m benchmarks.validate                  # about 10 min on 2 cores
    python -m benchmarks.validate --rows 200000 --null-seeds 20 --power-seeds 5 --no-publish
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from scipy import stats

from benchmarks import data, publish
from driftwise.policy import Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.collect import compute_evidence
from driftwise.signals.types import FeatureDrift, SegmentDrift

INPUT_ROLES = ("numeric", "categorical", "text")


@dataclass(frozen=True)
class Batch:
    """What one batch's evidence says about its inputs (global tests, not per segment)."""

    seed: int
    seconds: float
    drifted: frozenset[str]
    significant: frozenset[str]
    drifted_segments: int

    @property
    def alarm(self) -> bool:
        """Any input drifted."""
        return bool(self.drifted)


def schema(n_numeric: int = data.COLUMNS, n_categorical: int = data.COLUMNS) -> Schema:
    """The roles of the generated frames."""
    return Schema(
        columns=(
            *(ColumnSpec(name=n, role=Role.NUMERIC) for n in data.numeric_names(n_numeric)),
            *(
                ColumnSpec(name=n, role=Role.CATEGORICAL)
                for n in data.categorical_names(n_categorical)
            ),
        )
    )


def run_batch(rows: int, seed: int, *, shift: float, moved: float, policy: Policy) -> Batch:
    """Generate one pair, compute its evidence, and keep what the validation needs."""
    ref, cur = data.frames(rows, seed, shift=shift, moved=moved)
    start = time.perf_counter()
    evidence = compute_evidence(ref, cur, schema(), policy)
    seconds = time.perf_counter() - start
    inputs = [
        e
        for e in evidence
        if isinstance(e, FeatureDrift) and e.segment is None and e.role in INPUT_ROLES
    ]
    return Batch(
        seed=seed,
        seconds=seconds,
        drifted=frozenset(e.column for e in inputs if e.drifted),
        significant=frozenset(e.column for e in inputs if e.significant),
        drifted_segments=sum(1 for e in evidence if isinstance(e, SegmentDrift) and e.drifted),
    )


def series(
    label: str, rows: int, seeds: range, *, shift: float, moved: float, policy: Policy
) -> list[Batch]:
    """Run ``seeds`` batches with a progress line each."""
    shifted = _shifted(shift, moved)
    out = []
    for i, seed in enumerate(seeds, 1):
        start = time.perf_counter()
        b = run_batch(rows, seed, shift=shift, moved=moved, policy=policy)
        out.append(b)
        publish.progress(
            f"{label} {i}/{len(seeds)} (seed {seed}, {rows:,} rows): "
            f"drifted {len(b.drifted & shifted)} shifted + {len(b.drifted - shifted)} other, "
            f"significant {len(b.significant)}; detection {b.seconds:.2f} s, "
            f"with generation {time.perf_counter() - start:.2f} s"
        )
    return out


def _shifted(shift: float, moved: float) -> frozenset[str]:
    num = data.numeric_names(data.SHIFTED) if shift else []
    cat = data.categorical_names(data.SHIFTED) if moved else []
    return frozenset(num + cat)


def _interval(k: int, n: int) -> tuple[float, float]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return float(ci.low), float(ci.high)


def false_alarms(batches: list[Batch], rows: int) -> list[str]:
    """Section (a)."""
    n = len(batches)
    alarms = sum(b.alarm for b in batches)
    sig = sum(bool(b.significant) for b in batches)
    low, high = _interval(alarms, n)
    slow, shigh = _interval(sig, n)
    cols = sum(len(b.significant) for b in batches)
    segs = sum(b.drifted_segments > 0 for b in batches)
    median = statistics.median(b.seconds for b in batches)
    return [
        f"### (a) No drift: false alarms, {rows:,} rows per side x (20 numeric + 20 "
        f"categorical), {n} seeds",
        "",
        "| measure | batches | rate | 95% interval (exact) |",
        "|---|---:|---:|---|",
        f"| alarm (any input drifted) | {alarms} of {n} | {alarms / n:.1%} | "
        f"{low:.1%} – {high:.1%} |",
        f"| any input significant (p-values alone) | {sig} of {n} | {sig / n:.1%} | "
        f"{slow:.1%} – {shigh:.1%} |",
        f"| any segment drifted | {segs} of {n} | {segs / n:.1%} | |",
        "",
        f"Significant input tests: {cols} of {n * 40:,} ({cols / (n * 40):.2%}). Median "
        f"detection time per batch: {median:.2f} s. Acceptance: alarm rate <= 5%.",
        "",
    ]


def power(results: dict[int, list[Batch]]) -> list[str]:
    """Section (b)."""
    num, cat = set(data.numeric_names(data.SHIFTED)), set(data.categorical_names(data.SHIFTED))
    lines = [
        "### (b) Power: +0.1 sd in 5 of 20 numeric, 2 points moved in 5 of 20 categorical",
        "",
        "| rows per side | seeds | numeric found (mean, min of 5) | categorical found (mean, "
        "min of 5) | all 10 found | false columns (mean, max of 30) | seeds with a false "
        "column | median detection s |",
        "|---:|---:|---|---|---:|---|---:|---:|",
    ]
    for rows, batches in results.items():
        fn = [len(b.drifted & num) for b in batches]
        fc = [len(b.drifted & cat) for b in batches]
        false = [len(b.drifted - num - cat) for b in batches]
        n = len(batches)
        lines.append(
            f"| {rows:,} | {n} | {statistics.mean(fn):.2f}, {min(fn)} | "
            f"{statistics.mean(fc):.2f}, {min(fc)} | "
            f"{sum(a == 5 and b == 5 for a, b in zip(fn, fc, strict=True))} of {n} | "
            f"{statistics.mean(false):.2f}, {max(false)} | {sum(f > 0 for f in false)} of {n} | "
            f"{statistics.median(b.seconds for b in batches):.2f} |"
        )
    lines += ["", "Acceptance: all 5 found in each family with no false column.", ""]
    return lines


def below_minimum(batches: list[Batch], rows: int, shift: float, moved: float) -> list[str]:
    """Section (c)."""
    n = len(batches)
    rows_out = []
    for label, cols in (
        (f"numeric +{shift:g} sd (minimum 0.05)", set(data.numeric_names(data.SHIFTED))),
        (
            f"categorical {moved * 100:g} points moved (total variation {moved:g}; minimum 0.01)",
            set(data.categorical_names(data.SHIFTED)),
        ),
    ):
        sig = sum(len(b.significant & cols) for b in batches)
        drifted = sum(len(b.drifted & cols) for b in batches)
        rows_out.append(f"| {label} | {sig} of {5 * n} | {drifted} of {5 * n} |")
    alarms = sum(b.alarm for b in batches)
    return [
        f"### (c) Below the minimum effect: {rows:,} rows per side, {n} seeds",
        "",
        "| shift in 5 columns | shifted tests significant (reported) | shifted tests drifted "
        "(alarm) |",
        "|---|---:|---:|",
        *rows_out,
        "",
        f"Batches alarmed: {alarms} of {n}. Expected: significant, not drifted.",
        "",
    ]


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small-rows", type=int, default=100_000)
    parser.add_argument("--null-seeds", type=int, default=100)
    parser.add_argument("--power-seeds", type=int, default=20)
    parser.add_argument("--below-seeds", type=int, default=10)
    parser.add_argument("--below-shift", type=float, default=0.02)
    parser.add_argument("--below-moved", type=float, default=0.005)
    parser.add_argument(
        "--no-publish", action="store_true", help="do not update docs/benchmarks.md"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run (a), (b), (c); write the results."""
    args = parse(argv)
    policy = Policy()
    started = time.perf_counter()
    # Seed ranges do not overlap, so no two experiments share a batch.
    null = series(
        "(a) no drift",
        args.rows,
        range(10_000, 10_000 + args.null_seeds),
        shift=0.0,
        moved=0.0,
        policy=policy,
    )
    powered = {
        rows: series(
            "(b) power",
            rows,
            range(20_000, 20_000 + args.power_seeds),
            shift=0.1,
            moved=0.02,
            policy=policy,
        )
        for rows in (args.rows, args.small_rows)
    }
    below = series(
        "(c) below minimum",
        args.rows,
        range(30_000, 30_000 + args.below_seeds),
        shift=args.below_shift,
        moved=args.below_moved,
        policy=policy,
    )
    elapsed = time.perf_counter() - started
    d = policy.drift
    lines = [
        f"## Statistical validation ({publish.today()})",
        "",
        f"Machine: {publish.machine()}. Default policy: correction {d.correction}, alpha "
        f"{d.alpha}, minimum effect {d.min_effect_numeric} sd (numeric, normed Wasserstein) / "
        f"{d.min_effect_categorical} (categorical, total variation). Data generated per seed; "
        f"`compute_evidence` on the frames (categorical columns as pandas `category`). "
        f"Validation time: {elapsed / 60:.1f} min.",
        "",
        *false_alarms(null, args.rows),
        *power(powered),
        *below_minimum(below, args.rows, args.below_shift, args.below_moved),
    ]
    text = "\n".join(lines)
    path = publish.write_result("validation", text)
    if not args.no_publish:
        publish.update_doc("validation", text)
    print(text)
    publish.progress(f"validation written to {path} ({elapsed / 60:.1f} min)")


if __name__ == "__main__":
    main()
