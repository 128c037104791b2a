"""Seeded benchmark data, the same as in ANCHORS.md: saved once as Parquet, read by every tool.

Numeric: N(0, 1), 20 columns per side, the current shifted by +0.1 sd in the first 5 columns.
Categorical: 20 columns x 10 equally likely categories, 2 percentage points of probability moved
from category 1 to category 0 in the first 5 columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SHIFTED = 5
COLUMNS = 20


def numeric(rows: int, seed: int, *, shift: float = 0.1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current numeric frames."""
    rng = np.random.default_rng(seed)
    ref = rng.standard_normal((rows, COLUMNS))
    cur = rng.standard_normal((rows, COLUMNS))
    cur[:, :SHIFTED] += shift
    names = [f"n{i:02d}" for i in range(COLUMNS)]
    return pd.DataFrame(ref, columns=names), pd.DataFrame(cur, columns=names)


def categorical(rows: int, seed: int, *, moved: float = 0.02) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current categorical frames (string categories c0..c9)."""
    rng = np.random.default_rng(seed + 1)
    base = np.full(10, 0.1)
    drift = base.copy()
    drift[0] += moved
    drift[1] -= moved
    labels = np.array([f"c{i}" for i in range(10)], dtype=object)
    names = [f"c{i:02d}" for i in range(COLUMNS)]
    ref = {n: labels[rng.choice(10, rows, p=base)] for n in names}
    cur = {
        n: labels[rng.choice(10, rows, p=drift if i < SHIFTED else base)]
        for i, n in enumerate(names)
    }
    return pd.DataFrame(ref), pd.DataFrame(cur)


def save(folder: Path, rows: int, seed: int) -> dict[str, Path]:
    """Write reference/current Parquet files for the numeric and mixed cases."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    nr, nc = numeric(rows, seed)
    cr, cc = categorical(rows, seed)
    for name, frame in {
        "numeric_ref": nr,
        "numeric_cur": nc,
        "mixed_ref": pd.concat([nr, cr], axis=1),
        "mixed_cur": pd.concat([nc, cc], axis=1),
    }.items():
        path = folder / f"{name}_{rows}_{seed}.parquet"
        if not path.exists():
            frame.to_parquet(path, index=False)
        paths[name] = path
    return paths
