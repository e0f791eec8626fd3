"""Loaders for the course's small data files in datasets/ (each described in datasets/README.md).

The module is called `data`, not `datasets`, so that nothing in the project can be mistaken for
Hugging Face's `datasets` package (see datasets/README.md). The files are found beside this
package, in the repository (or an editable install of it); the grader is not needed.
"""

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

DATA_DIR = Path(__file__).resolve().parent.parent / "datasets"
IQ_TABLE = "iq_table.csv"
IQ_COLUMNS = ("swear_factor", "iq")


def iq_table(path: Path | str | None = None) -> tuple[FloatArray, FloatArray]:
    """The nine-row IQ table of seed 001 (「IQ-髒話比例的資料點」), in the slide's row order.

    x is the 髒話因子 ("swear factor"), y the IQ. Read from datasets/iq_table.csv, or from
    `path` (a CSV with the header `swear_factor,iq`).
    ->  x: (9,), y: (9,) float64, fresh arrays
    """
    path = Path(path) if path is not None else DATA_DIR / IQ_TABLE
    try:
        with path.open(encoding="utf-8") as fh:
            header = fh.readline().strip()
            table = np.loadtxt(fh, delimiter=",", dtype=np.float64, ndmin=2)  # (N, 2)
    except OSError as exc:
        raise FileNotFoundError(
            f"iq_table: cannot read {path} ({exc.strerror}); it ships in the repository's "
            "datasets/ folder"
        ) from None
    if tuple(header.split(",")) != IQ_COLUMNS or table.shape[1:] != (2,):
        raise ValueError(
            f"iq_table: {path} must have the columns {','.join(IQ_COLUMNS)}, got header "
            f"{header!r} and {table.shape[1]} columns"
        )
    return table[:, 0].copy(), table[:, 1].copy()
