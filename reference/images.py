r"""Small image sets for the CNN exercise (09) that work offline, and the MNIST IDX format.

- `digits16`: the project's own data set, 2 000 hand-drawn-looking digits 0–9 of 16×16
  pixels (200 per class), stored in datasets/ as two gzipped IDX files (the format of MNIST)
  and regenerated bit for bit by `python -m reference.images` (a seeded script: each digit is
  a few pen strokes, drawn with a random rotation, slant, scale, shift and pen width, then
  noise). The first DIGITS16_TRAIN images are the training split, the rest the test split.
- `sklearn_digits`: scikit-learn's bundled 8×8 digits (1 797 images), when scikit-learn is
  installed; nothing is downloaded.
- `read_idx` / `write_idx` / `load_mnist`: the IDX format, for users who have the MNIST files
  (train-images-idx3-ubyte[.gz] and friends) in a folder of their own.

Images come back as float64 arrays (N, 1, H, W) scaled to [0, 1], labels as int64 (N,).
The module is called `images`, not `datasets` (see datasets/README.md).
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

DATA_DIR = Path(__file__).resolve().parent.parent / "datasets"
DIGITS16_IMAGES = "digits16-images-idx3-ubyte.gz"
DIGITS16_LABELS = "digits16-labels-idx1-ubyte.gz"
DIGITS16_SIZE = 16  # pixels per side
DIGITS16_PER_CLASS = 200  # 2 000 images in all
DIGITS16_TRAIN = 1500  # the first 1 500 images are the training split, the last 500 the test
DIGITS16_SEED = 2024

# IDX: magic = 0, 0, type code, number of dimensions; then one big-endian uint32 per dimension
IDX_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
IDX_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}

# Each digit as pen strokes (polylines) in a unit box: x to the right, y downwards.
_RING = [(0.5 + 0.3 * np.sin(t), 0.5 - 0.42 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 17)]
DIGIT_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [_RING],
    1: [[(0.3, 0.28), (0.55, 0.08), (0.55, 0.92)]],
    2: [[(0.2, 0.3), (0.32, 0.13), (0.55, 0.08), (0.76, 0.18), (0.78, 0.38), (0.2, 0.92),
         (0.82, 0.92)]],
    3: [[(0.2, 0.12), (0.78, 0.12), (0.45, 0.45), (0.7, 0.52), (0.8, 0.72), (0.68, 0.9),
         (0.45, 0.94), (0.2, 0.86)]],
    4: [[(0.66, 0.92), (0.66, 0.08), (0.15, 0.66), (0.86, 0.66)]],
    5: [[(0.8, 0.1), (0.27, 0.1), (0.23, 0.46), (0.55, 0.4), (0.78, 0.55), (0.8, 0.76),
         (0.62, 0.92), (0.38, 0.94), (0.2, 0.84)]],
    6: [[(0.72, 0.1), (0.45, 0.2), (0.27, 0.45), (0.24, 0.72), (0.38, 0.92), (0.62, 0.92),
         (0.77, 0.75), (0.7, 0.55), (0.5, 0.48), (0.3, 0.58)]],
    7: [[(0.18, 0.1), (0.82, 0.1), (0.58, 0.5), (0.45, 0.92)]],
    8: [[(0.5 + 0.2 * np.sin(t), 0.28 - 0.2 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 13)],
        [(0.5 + 0.26 * np.sin(t), 0.71 - 0.22 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 13)]],
    9: [[(0.5 + 0.24 * np.sin(t), 0.32 - 0.22 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 13)],
        [(0.74, 0.32), (0.68, 0.62), (0.55, 0.92)]],
}


# --- the IDX format ------------------------------------------------------------------------------


def _open(path: Path, mode: str):
    return gzip.open(path, mode) if path.suffix == ".gz" else path.open(mode)


def write_idx(path: Path | str, array: np.ndarray) -> Path:
    """Write `array` as an IDX file (gzipped when the name ends in .gz, with no file name and a
    zero timestamp in the gzip header, so the same array always gives the same bytes).

    The header is 0, 0, the type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64) and the number of dimensions, then each dimension as a
    big-endian uint32; the data follow in row-major order, big-endian.
    """
    path, array = Path(path), np.asarray(array)
    code = IDX_CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"write_idx: IDX cannot hold dtype {array.dtype}; use one of "
                         f"{sorted(str(t.newbyteorder('=')) for t in IDX_TYPES.values())}")
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(f">{array.ndim}I",
                                                                       *array.shape)
    data = header + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    if path.suffix == ".gz":
        with path.open("wb") as raw, \
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
            fh.write(data)
    else:
        path.write_bytes(data)
    return path


def read_idx(path: Path | str) -> np.ndarray:
    """Read an IDX file (MNIST's format; gzipped when the name ends in .gz) into an array of
    its shape, in native byte order."""
    path = Path(path)
    with _open(path, "rb") as fh:
        data = fh.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        raise ValueError(f"read_idx: {path} is not an IDX file (its magic number is "
                         f"{data[:4].hex() or 'missing'})")
    dtype, ndim = IDX_TYPES[data[2]], data[3]
    shape = struct.unpack_from(f">{ndim}I", data, 4)
    start = 4 + 4 * ndim
    size = int(np.prod(shape)) * dtype.itemsize
    if len(data) - start != size:
        raise ValueError(f"read_idx: {path} holds {len(data) - start} bytes of data, but its "
                         f"header announces {shape} of {dtype.name} = {size} bytes")
    return np.frombuffer(data, dtype=dtype, offset=start).reshape(shape).astype(
        dtype.newbyteorder("="))


def _images_and_labels(images: np.ndarray, labels: np.ndarray, where: str
                       ) -> tuple[FloatArray, IntArray]:
    if images.ndim != 3 or labels.shape != images.shape[:1]:
        raise ValueError(f"{where}: expected images (N, H, W) and labels (N,), got "
                         f"{images.shape} and {labels.shape}")
    x = images.astype(np.float64)[:, None] / 255.0  # (N, 1, H, W) in [0, 1]
    return x, labels.astype(np.int64)


def load_mnist(folder: Path | str, split: str = "train") -> tuple[FloatArray, IntArray]:
    """MNIST (or Fashion-MNIST) from the standard IDX files in `folder`, which the user
    downloaded: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
    t10k-labels-idx1-ubyte, each possibly gzipped (.gz).

    split: "train" (60 000 images) or "test" (10 000)  ->  x: (N, 1, 28, 28) in [0, 1], y: (N,)
    """
    prefix = {"train": "train", "test": "t10k"}.get(split)
    if prefix is None:
        raise ValueError(f"load_mnist: split must be 'train' or 'test', got {split!r}")
    folder = Path(folder)
    found = []
    for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
        names = [folder / f"{prefix}-{kind}{ext}" for ext in ("", ".gz")]
        path = next((p for p in names if p.is_file()), None)
        if path is None:
            raise FileNotFoundError(f"load_mnist: neither {names[0].name} nor {names[1].name} "
                                    f"is in {folder}")
        found.append(read_idx(path))
    return _images_and_labels(found[0], found[1], "load_mnist")


# --- the project's digits ------------------------------------------------------------------------


def _segment_distance(points: FloatArray, segments: FloatArray) -> FloatArray:
    """Distance from each point (P, 2) to the nearest of the segments (S, 2, 2)  ->  (P,)."""
    a, b = segments[:, 0], segments[:, 1]  # (S, 2)
    ab = b - a
    t = np.einsum("psk,sk->ps", points[:, None] - a, ab) / np.maximum((ab * ab).sum(1), 1e-12)
    nearest = a + np.clip(t, 0.0, 1.0)[..., None] * ab  # (P, S, 2)
    return np.sqrt(((points[:, None] - nearest) ** 2).sum(-1)).min(axis=1)


def draw_digit(digit: int, rng: np.random.Generator, size: int = DIGITS16_SIZE) -> FloatArray:
    """One digit drawn with random pen and pose: intensities in [0, 1], (size, size).

    The strokes of DIGIT_STROKES[digit] are rotated by ±12°, slanted by ±0.25, scaled to
    0.65–0.85 of the image, shifted by up to ±1.2 pixels and drawn with a pen of width
    0.9–1.7 pixels (anti-aliased over half a pixel); Gaussian noise of std 0.06 is added.
    The random numbers are drawn in that order from `rng`.
    """
    angle, slant = np.deg2rad(rng.uniform(-12, 12)), rng.uniform(-0.25, 0.25)
    scale, shift = rng.uniform(0.65, 0.85) * size, rng.uniform(-1.2, 1.2, size=2)
    pen = rng.uniform(0.9, 1.7)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pose = scale * rot @ np.array([[1.0, -slant], [0.0, 1.0]])  # unit box -> pixels
    centre = size / 2 + shift
    segments = []
    for stroke in DIGIT_STROKES[digit]:
        pts = (np.array(stroke) - 0.5) @ pose.T + centre  # (k, 2) in pixels (x, y)
        segments += [(pts[k], pts[k + 1]) for k in range(len(pts) - 1)]
    ys, xs = np.mgrid[0:size, 0:size] + 0.5  # pixel centres
    grid = np.stack([xs.ravel(), ys.ravel()], axis=1)  # (size², 2) as (x, y)
    dist = _segment_distance(grid, np.array(segments)).reshape(size, size)
    ink = np.clip((pen / 2 - dist) / 0.5 + 0.5, 0.0, 1.0)  # 1 inside the pen, a ramp at its edge
    return np.clip(ink + rng.normal(0.0, 0.06, size=ink.shape), 0.0, 1.0)


def make_digits16(per_class: int = DIGITS16_PER_CLASS, seed: int = DIGITS16_SEED,
                  size: int = DIGITS16_SIZE) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """The project's digit set: `per_class` drawings of each digit 0–9 in a shuffled order.

    rng = np.random.default_rng(seed); the labels are a permutation of per_class copies of
    0..9 (rng.permutation), then every image is draw_digit(label, rng, size) in that order.
    ->  images: (10·per_class, size, size) uint8, labels: (N,) uint8; the intensities are
    stored in 16 grey levels (17 · round(15 · intensity), as scikit-learn's digits have 17),
    which halves the compressed file.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), per_class))
    images = np.stack([draw_digit(int(d), rng, size) for d in labels])
    return (17 * np.round(images * 15.0)).astype(np.uint8), labels


def digits16(split: str = "train", folder: Path | str | None = None
             ) -> tuple[FloatArray, IntArray]:
    """The project's 16×16 digits from datasets/ (or `folder`): the first DIGITS16_TRAIN images
    are "train", the rest "test"; "all" gives every image.

    ->  x: (N, 1, 16, 16) float64 in [0, 1], y: (N,) int64 in 0..9
    """
    folder = Path(folder) if folder is not None else DATA_DIR
    images, labels = read_idx(folder / DIGITS16_IMAGES), read_idx(folder / DIGITS16_LABELS)
    parts = {"train": slice(0, DIGITS16_TRAIN), "test": slice(DIGITS16_TRAIN, None),
             "all": slice(None)}
    if split not in parts:
        raise ValueError(f"digits16: split must be one of {sorted(parts)}, got {split!r}")
    return _images_and_labels(images[parts[split]], labels[parts[split]], "digits16")


def sklearn_digits() -> tuple[FloatArray, IntArray]:
    """scikit-learn's bundled 8×8 digits (1 797 images, 16 grey levels), no download.

    ->  x: (1797, 1, 8, 8) float64 in [0, 1], y: (1797,) int64
    Raises ModuleNotFoundError, saying how to get it, when scikit-learn is not installed.
    """
    try:
        from sklearn.datasets import load_digits
    except ModuleNotFoundError:
        raise ModuleNotFoundError("sklearn_digits needs scikit-learn (pip install scikit-learn);"
                                  " digits16() works without it") from None
    bunch = load_digits()
    return bunch.images.astype(np.float64)[:, None] / 16.0, bunch.target.astype(np.int64)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    """python -m reference.images [FOLDER]: write the digits16 files (default: datasets/) and
    print their SHA-256, the values datasets/README.md lists."""
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else DATA_DIR
    images, labels = make_digits16()
    for name, array in ((DIGITS16_IMAGES, images), (DIGITS16_LABELS, labels)):
        path = write_idx(folder / name, array)
        print(f"{path}  {path.stat().st_size} bytes  sha256 {sha256(path)}")


if __name__ == "__main__":
    main()
