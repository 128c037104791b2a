"""Seeded benchmark data, the same as in ANCHORS.md.

Numeric: N(0, 1), 20 columns per side, the current shifted by ``shift`` sd (0.1) in the first 5.
Categorical: 20 columns x 10 equally likely categories ``c0``..``c9``, ``moved`` (2 percentage
points) of probability moved from category ``c1`` to ``c0`` in the first 5 columns of the current.
Mixed: both side by side (20 + 20 columns).

:func:`save` writes the comparison's cases once as Parquet (every tool reads the same files);
:func:`frames` makes a pair in memory for the statistical validation, quickly (categorical columns
as pandas ``category``, one of the two layouts driftwise's validated frames use).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SHIFTED = 5
COLUMNS = 20
CATEGORIES = 10
CASES = ("numeric", "categorical", "mixed")
LABELS = tuple(f"c{i}" for i in range(CATEGORIES))


def numeric_names(count: int = COLUMNS) -> list[str]:
    """``n00``, ``n01``, ..."""
    return [f"n{i:02d}" for i in range(count)]


def categorical_names(count: int = COLUMNS) -> list[str]:
    """``c00``, ``c01``, ..."""
    return [f"c{i:02d}" for i in range(count)]


def shifted_columns(case: str) -> set[str]:
    """The columns where the current batch was changed (what a tool should find)."""
    num = set(numeric_names(SHIFTED)) if case in ("numeric", "mixed") else set()
    cat = set(categorical_names(SHIFTED)) if case in ("categorical", "mixed") else set()
    return num | cat


def numeric(rows: int, seed: int, *, shift: float = 0.1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current numeric frames (float64)."""
    rng = np.random.default_rng(seed)
    ref = rng.standard_normal((rows, COLUMNS))
    cur = rng.standard_normal((rows, COLUMNS))
    cur[:, :SHIFTED] += shift
    names = numeric_names()
    return pd.DataFrame(ref, columns=names), pd.DataFrame(cur, columns=names)


def categorical(rows: int, seed: int, *, moved: float = 0.02) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current categorical frames (string values ``c0``..``c9``)."""
    rng = np.random.default_rng(seed + 1)
    base = np.full(CATEGORIES, 1.0 / CATEGORIES)
    drift = base.copy()
    drift[0] += moved
    drift[1] -= moved
    labels = np.array(LABELS, dtype=object)
    names = categorical_names()
    ref = {n: labels[rng.choice(CATEGORIES, rows, p=base)] for n in names}
    cur = {
        n: labels[rng.choice(CATEGORIES, rows, p=drift if i < SHIFTED else base)]
        for i, n in enumerate(names)
    }
    return pd.DataFrame(ref), pd.DataFrame(cur)


def save(folder: Path, rows: int, seed: int) -> dict[str, tuple[Path, Path]]:
    """Write (once) reference and current Parquet files of every case; case -> (ref, cur)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        c: tuple(folder / f"{c}_{s}_{rows}_{seed}.parquet" for s in ("ref", "cur")) for c in CASES
    }
    if all(p.exists() for pair in paths.values() for p in pair):
        return {c: (p[0], p[1]) for c, p in paths.items()}
    nr, nc = numeric(rows, seed)
    cr, cc = categorical(rows, seed)
    frames = {
        "numeric": (nr, nc),
        "categorical": (cr, cc),
        "mixed": (pd.concat([nr, cr], axis=1), pd.concat([nc, cc], axis=1)),
    }
    for case, pair in frames.items():
        for frame, path in zip(pair, paths[case], strict=True):
            tmp = path.with_suffix(".tmp")
            frame.to_parquet(tmp, index=False)
            tmp.replace(path)
    return {c: (p[0], p[1]) for c, p in paths.items()}


def frames(
    rows: int,
    seed: int,
    *,
    shift: float = 0.0,
    moved: float = 0.0,
    n_numeric: int = COLUMNS,
    n_categorical: int = COLUMNS,
    shifted: int = SHIFTED,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A reference/current pair in memory: ``n_numeric`` N(0, 1) columns (the first ``shifted``
    moved by ``shift`` sd in the current) and ``n_categorical`` columns of 10 equally likely
    categories (the first ``shifted`` with ``moved`` of probability moved from ``c1`` to ``c0``).

    Categories are drawn as uniform integer codes; a row of ``c1`` becomes ``c0`` with
    probability ``moved / 0.1``, which gives exactly the shares 0.1 + moved and 0.1 - moved.
    """
    rng = np.random.default_rng(seed)
    cats = pd.Index(LABELS)
    sides = []
    for side in ("reference", "current"):
        cols: dict[str, object] = {}
        for i, name in enumerate(numeric_names(n_numeric)):
            values = rng.standard_normal(rows)
            if side == "current" and i < shifted and shift:
                values += shift
            cols[name] = values
        for i, name in enumerate(categorical_names(n_categorical)):
            codes = rng.integers(0, CATEGORIES, rows, dtype=np.int8)
            if side == "current" and i < shifted and moved:
                ones = np.flatnonzero(codes == 1)
                codes[ones[rng.random(ones.size) < moved * CATEGORIES]] = 0
            cols[name] = pd.Categorical.from_codes(codes, categories=cats)
        sides.append(pd.DataFrame(cols))
    return sides[0], sides[1]
