"""Hidden checks of exercise 15 (scaled dot-product attention): run only when the instructor
grades.

What a submission tuned to the visible checks can miss: a query whose every key is masked (a zero
row, not NaN), huge scores inside attention, float32 inputs, the smallest shapes (one query, one
key, width 1, as many heads as features) and multi-head attention with a per-sample mask.
"""

import numpy as np

from grader.checks import points

FLOAT32_RTOL = 1e-4  # float32 rounds at 6e-8; a softmax and two products stay far below


@points(2)
def test_fully_masked_rows(attn):
    """a query whose every key is masked: all-zero weights, a zero output row, zero gradients

    zh-TW: 所有鍵都被遮住的查詢：權重全為 0、輸出列為 0、梯度為 0
    """
    attn.check_softmax((2, 3, 4), mask="full")
    v = attn.values(2, 3, 3, 4, 2, mask="full")
    attn.check_forward(v)
    attn.check_backward(v)


@points(2)
def test_float32_and_smallest_shapes(attn):
    """float32 inputs give the float64 answers; one query, one key, width 1, h = D heads

    zh-TW: float32 的輸入也得到 float64 的答案；一個查詢、一個鍵、寬度 1、h = D 個頭
    """
    v = attn.values(2, 3, 4, 5, 2, mask="3d", dtype=np.float32)
    attn.check_forward(v, rtol=FLOAT32_RTOL)
    attn.check_backward(v, rtol=FLOAT32_RTOL)
    attn.check_multihead(attn.mh_values(2, 3, 4, 2, dtype=np.float32), rtol=FLOAT32_RTOL)
    for shape in ((1, 1, 1, 1, 1), (1, 1, 3, 2, 1), (2, 3, 1, 1, 2)):
        small = attn.values(*shape)
        attn.check_forward(small)
        attn.check_backward(small)
    attn.check_multihead(attn.mh_values(1, 2, 3, 3))  # h = D: heads of width 1
    attn.check_multihead(attn.mh_values(1, 3, 2, 1))  # one head


@points(1)
def test_huge_scores_and_per_sample_masks(attn):
    """scores of a few hundred inside attention; multi-head attention with an (N, T, T) mask

    zh-TW: 注意力裡分數達數百；多頭注意力搭配 (N, T, T) 的遮罩
    """
    v = attn.values(2, 3, 4, 4, 2, mask="3d", scale=30.0)  # |Q Kᵀ / √D| up to ~1000
    attn.check_forward(v)
    attn.check_multihead(attn.mh_values(2, 4, 6, 3, mask="3d"))
