"""Tests of reference.images: the IDX reader and writer (on files written here), the MNIST
loader (on a fake MNIST folder written here), the project's digits16 files, and scikit-learn's
digits where scikit-learn is installed."""

import gzip
import sys

import numpy as np
import pytest

from reference import images


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32,
                                   np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, dtype, suffix):
    array = (np.random.default_rng(0).normal(size=(3, 4, 5)) * 50).astype(dtype)
    path = images.write_idx(tmp_path / f"a-idx3{suffix}", array)
    back = images.read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == (3, 4, 5)
    np.testing.assert_array_equal(back, array)


def test_idx_header_is_mnists(tmp_path):
    # MNIST's label files start 00 00 08 01 then the count, big-endian
    path = images.write_idx(tmp_path / "labels-idx1-ubyte", np.arange(7, dtype=np.uint8))
    assert path.read_bytes()[:8] == bytes([0, 0, 8, 1, 0, 0, 0, 7])


def test_gzipped_idx_is_reproducible(tmp_path):
    a = np.arange(60, dtype=np.uint8).reshape(3, 4, 5)
    first = images.write_idx(tmp_path / "a.gz", a).read_bytes()
    assert images.write_idx(tmp_path / "b.gz", a).read_bytes() == first  # mtime 0


def test_read_idx_rejects_other_files(tmp_path):
    (tmp_path / "junk").write_bytes(b"PK\x03\x04 not an idx file")
    with pytest.raises(ValueError, match="not an IDX file"):
        images.read_idx(tmp_path / "junk")
    short = tmp_path / "short-idx1"
    short.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 9]) + bytes(5))
    with pytest.raises(ValueError, match="announces"):
        images.read_idx(short)
    with pytest.raises(ValueError, match="cannot hold"):
        images.write_idx(tmp_path / "c", np.zeros(3, dtype=np.complex128))


def test_load_mnist_reads_a_small_fake_mnist(tmp_path):
    rng = np.random.default_rng(1)
    train = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
    labels = np.array([5, 0, 4, 1, 9, 2], dtype=np.uint8)
    images.write_idx(tmp_path / "train-images-idx3-ubyte.gz", train)
    with gzip.open(tmp_path / "train-labels-idx1-ubyte.gz", "wb") as fh:  # another writer
        fh.write(bytes([0, 0, 8, 1, 0, 0, 0, 6]) + labels.tobytes())
    images.write_idx(tmp_path / "t10k-images-idx3-ubyte", train[:2])  # not gzipped
    images.write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:2])
    x, y = images.load_mnist(tmp_path)
    assert x.shape == (6, 1, 28, 28) and x.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(x[:, 0] * 255.0, train)
    np.testing.assert_array_equal(y, labels)
    assert images.load_mnist(tmp_path, "test")[0].shape == (2, 1, 28, 28)


def test_load_mnist_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        images.load_mnist(tmp_path)
    with pytest.raises(ValueError, match="split"):
        images.load_mnist(tmp_path, "validation")


def test_digits16_files():
    x, y = images.digits16("all")
    assert x.shape == (2000, 1, 16, 16) and x.dtype == np.float64
    np.testing.assert_array_equal(np.bincount(y), [200] * 10)
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(np.round(x * 255))) <= set(range(0, 256, 17))  # 16 grey levels
    train, test = images.digits16("train"), images.digits16("test")
    assert len(train[0]) == images.DIGITS16_TRAIN and len(train[0]) + len(test[0]) == 2000
    np.testing.assert_array_equal(np.concatenate([train[1], test[1]]), y)


def test_digits16_files_are_what_the_script_writes(tmp_path):
    images.main([str(tmp_path)])
    for name in (images.DIGITS16_IMAGES, images.DIGITS16_LABELS):
        assert images.sha256(tmp_path / name) == images.sha256(images.DATA_DIR / name), name


def test_draw_digit_is_seeded():
    a = images.draw_digit(3, np.random.default_rng(5))
    np.testing.assert_array_equal(a, images.draw_digit(3, np.random.default_rng(5)))
    assert a.shape == (16, 16) and 0.0 <= a.min() and a.max() <= 1.0


def test_sklearn_digits_when_installed():
    pytest.importorskip("sklearn", reason="scikit-learn is not installed: its digits are optional")
    x, y = images.sklearn_digits()
    assert x.shape == (1797, 1, 8, 8) and y.shape == (1797,)
    assert x.min() == 0.0 and x.max() == 1.0


def test_sklearn_digits_says_how_to_get_it_when_missing(monkeypatch):
    # runs whether or not scikit-learn is installed: None in sys.modules makes the import fail
    for name in ("sklearn", "sklearn.datasets"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ModuleNotFoundError, match="pip install scikit-learn"):
        images.sklearn_digits()
