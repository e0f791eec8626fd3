"""Hidden checks of exercise 04 (perceptron and dense layers): run only when the instructor grades.

Other shapes and seeds than the visible checks, and what a submission tuned to them can miss:
float32 inputs, the notes' own four-point example (in both versions the notes print), more
features and samples with other learning rates and starts, a single sample and a large batch
through the dense layer, and layer lists given as tuples or NumPy integers.
"""

import numpy as np

from grader.checks import assert_close, points

FLOAT32_RTOL = 1e-5  # float32 rounds at 6e-8; a few products and sums of O(1) values stay below
NOTES_X = np.array([[3.0, 3.0], [4.0, 3.0], [1.0, 1.0], [0.0, 2.0]])  # the notes' code
NOTES_Y = np.array([1.0, 1.0, -1.0, -1.0])
NOTES_W = np.array([0.61, -0.96, 0.02])  # the W printed beside it


@points(2)
def test_float32_inputs(submission, reference, dense, rng):
    """float32 data through every perceptron and dense-layer function

    zh-TW: float32 資料通過每個感知器與密集層函式
    """
    x, w = rng.normal(size=(7, 3)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    assert_close(submission.add_bias_column(x), reference.add_bias_column(x))
    assert_close(submission.perceptron_predict(x, w), reference.perceptron_predict(x, w))
    xd, wd, b, dout = (rng.normal(size=s).astype(np.float32) for s in ((5, 4), (4, 3), (3,),
                                                                        (5, 3)))
    dense.check_forward(xd, wd, b, rtol=FLOAT32_RTOL)
    dense.check_backward(xd, wd, b, dout, rtol=FLOAT32_RTOL)


@points(1)
def test_notes_example(perceptron):
    """the notes' four points, from w = 0 and from their W, both rules

    zh-TW: 講義的四個點，從 w = 0 與講義的 W 開始，兩種規則
    """
    matrix_version = NOTES_X.copy()
    matrix_version[3, 1] = 3.0  # the matrix beside the code prints [1, 0, 3]
    for x in (NOTES_X, matrix_version):
        for rule in ("batch", "online"):
            perceptron.check_train(x, NOTES_Y, rule=rule)
            perceptron.check_train(x, NOTES_Y, w0=NOTES_W, rule=rule)


@points(2)
def test_more_features_and_samples(perceptron, separable, rng):
    """5 features and 60 samples, other learning rates and starts

    zh-TW: 5 個特徵與 60 個樣本，其他學習率與起始權重
    """
    x, y = separable(60, 5)
    for rule in ("batch", "online"):
        perceptron.check_train(x, y, lr=1.0, rule=rule)
        perceptron.check_train(x, y, lr=0.03, w0=rng.normal(size=6), rule=rule)
    x, y = rng.normal(size=(25, 3)), rng.choice([-1.0, 1.0], size=25)  # almost surely mixed
    perceptron.check_train(x, y, lr=0.2, max_epochs=20, w0=rng.normal(size=4))


@points(1)
def test_dense_single_sample_and_large_batch(dense, rng):
    """the dense layer for one sample, one unit, and a batch of 64

    zh-TW: 單一樣本、單一神經元與 64 筆批次的密集層
    """
    for N, D, M in ((1, 3, 2), (5, 1, 1), (64, 8, 5)):
        x, w, b, dout = (rng.normal(size=shape) for shape in ((N, D), (D, M), (M,), (N, M)))
        dense.check_forward(x, w, b)
        dense.check_backward(x, w, b, dout)


@points(1)
def test_counts_of_other_lists(counts):
    """parameter counts of tuples, NumPy integers, one layer and many

    zh-TW: tuple、NumPy 整數、單層與多層的參數數量
    """
    for sizes in ([1, 1], (3, 4, 5), [np.int64(784), np.int64(300), np.int64(10)],
                  [7, 9, 11, 13, 11, 9, 7, 2]):
        counts(sizes)
        counts(sizes, use_bias=False)
