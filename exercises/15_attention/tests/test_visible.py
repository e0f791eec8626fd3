"""Visible checks of exercise 15 (scaled dot-product attention): what `grade exercise 15` runs.

The masked row softmax (stable for huge scores) and its backward; the causal mask; scaled
dot-product attention forward with and without masks, and backward by central differences of the
student's own forward; multi-head self-attention forward and backward. Known mistakes are named
(tests/conftest.py computes them).
"""

from grader.checks import points


@points(2)
def test_masked_softmax(attn):
    """masked_softmax: rows sum to 1 over the allowed keys, masked weights 0, no overflow

    zh-TW: masked_softmax：每列對允許的鍵總和為 1、被遮住的權重為 0、不會溢位
    """
    attn.check_softmax((2, 3, 5))
    attn.check_softmax((2, 4, 5), mask="3d")
    attn.check_softmax((2, 3, 4), mask="3d", huge=True)  # scores near ±800


@points(2)
def test_masked_softmax_backward(attn):
    """masked_softmax_backward: dS = P ⊙ (dP − Σ_k dP ⊙ P) along the last axis

    zh-TW: masked_softmax_backward：沿最後一軸 dS = P ⊙ (dP − Σ_k dP ⊙ P)
    """
    attn.check_softmax_backward((2, 3, 4))
    attn.check_softmax_backward((2, 3, 5), mask="3d")


@points(1)
def test_causal_mask(attn):
    """causal_mask: query i may attend to keys j ≤ i (True on and below the diagonal)

    zh-TW: causal_mask：查詢 i 可以注意鍵 j ≤ i（對角線上與以下為 True）
    """
    for T in (4, 1, 6):
        attn.check_causal(T)


@points(3)
def test_attention_forward(attn):
    """attention_forward: softmax(Q Kᵀ / √D) V, masked scores excluded before the softmax

    zh-TW: attention_forward：softmax(Q Kᵀ / √D) V，被遮住的分數在 softmax 之前排除
    """
    attn.check_forward(attn.values(2, 3, 4, 5, 2))
    attn.check_forward(attn.values(2, 4, 3, 3, 3, mask="2d"))
    attn.check_forward(attn.values(3, 3, 5, 4, 2, mask="3d"))
    attn.check_forward(attn.values(2, 4, 4, 6, 2, mask="causal"))


@points(3)
def test_attention_backward(attn):
    """attention_backward: dQ, dK and dV agree with central differences

    zh-TW: attention_backward：dQ、dK 與 dV 與中央差分一致
    """
    attn.check_backward(attn.values(2, 3, 3, 4, 2, mask="3d"))  # Tq = Tk
    attn.check_backward(attn.values(1, 2, 4, 3, 3))  # Tq ≠ Tk, no mask


@points(3)
def test_multihead_attention(attn):
    """multi-head self-attention: the output, then dx, dWq, dWk, dWv, dWo by central differences

    zh-TW: 多頭自注意力：輸出，以及以中央差分檢查 dx、dWq、dWk、dWv、dWo
    """
    attn.check_multihead(attn.mh_values(2, 3, 4, 2, mask="causal"))
