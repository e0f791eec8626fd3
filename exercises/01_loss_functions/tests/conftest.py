"""What the visible and the hidden checks of exercise 01 share, as pytest fixtures.

The check files cannot import each other (the grader imports them by path and unloads them
after every run), so their common input builders and judging helpers live here, where pytest
hands them to any check that names them as an argument:

    inputs                    random inputs of the losses, drawn from the check's `rng`
    check_against_reference   check_against_reference(name, *args, **options)
    check_gradient            check_gradient(name, x, target, *, batch, hint=None)
    fused                     the student's softmax_cross_entropy as a pair (loss, dlogits)
"""

import numpy as np
import pytest

from grader.checks import agrees, assert_close, gradient_check, hint, pair

KINK_GAP = 0.1  # |distance to a kink| >= this, far beyond the step h = 1e-5 of gradcheck
P_MIN, P_MAX = 0.05, 0.95  # probabilities for values and gradients, well inside [EPS, 1 - EPS]


class Inputs:
    """Inputs of the losses, away from their kinks and clipped regions, drawn from `rng`."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def away_from_zero(self, shape) -> np.ndarray:
        """Random values with |v| in [KINK_GAP, 1.5] and random signs."""
        signs = self.rng.choice([-1.0, 1.0], size=shape)
        return signs * self.rng.uniform(KINK_GAP, 1.5, size=shape)

    def probabilities(self, N: int, C: int) -> np.ndarray:
        """(N, C) rows that sum to 1, as a softmax outputs them, none tiny (about 0.05 or more)."""
        z = self.rng.normal(scale=0.5, size=(N, C))
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def elementwise(self, name: str, shape) -> tuple[np.ndarray, np.ndarray]:
        """(prediction, target) for the element-wise loss `name`."""
        if name == "binary_cross_entropy":
            return (self.rng.uniform(P_MIN, P_MAX, size=shape),
                    self.rng.integers(0, 2, size=shape) * 1.0)
        if name == "hinge":
            y = self.rng.choice([-1.0, 1.0], size=shape)
            return y * (1.0 - self.away_from_zero(shape)), y  # 1 - y·s = ±[0.1, 1.5]
        y_true = self.rng.normal(size=shape)
        return y_true + self.away_from_zero(shape), y_true

    def classes(self, N: int, C: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(p, one-hot targets, integer labels) of a batch of N samples and C classes."""
        labels = self.rng.integers(0, C, size=N)
        return self.probabilities(N, C), np.eye(C)[labels], labels

    def class_loss(self, name: str, N: int, C: int) -> tuple[np.ndarray, np.ndarray]:
        """(p, target) for the class loss `name`: integer labels for the sparse one, one-hot
        rows for the other."""
        p, onehot, labels = self.classes(N, C)
        return p, labels if name.startswith("sparse") else onehot


@pytest.fixture
def inputs(rng) -> Inputs:
    """Random inputs of the losses, drawn from this check's rng."""
    return Inputs(rng)


@pytest.fixture
def check_against_reference(submission, reference):
    """check_against_reference(name, *args, **options): the student's function `name` (a loss
    or a gradient) agrees with the reference's on args; options go to assert_close."""
    def check(name: str, *args, **options) -> None:
        assert_close(getattr(submission, name)(*args), getattr(reference, name)(*args),
                     **options)
    return check


@pytest.fixture
def check_gradient(submission, reference):
    """check_gradient(name, x, target, *, batch, hint=None): `name`_grad at (x, target), by
    central differences of the student's own `name` where that loss agrees with the
    reference at the point, else against the reference gradient."""
    def check(name: str, x, target, *, batch: int, hint=None) -> None:
        loss = getattr(submission, name)
        grad = getattr(submission, f"{name}_grad")(x, target)
        gradient_check(lambda p: loss(p, target), grad, x, batch=batch, name=f"{name}_grad",
                       hint=hint,
                       forward_is_right=agrees(lambda: loss(x, target),
                                               getattr(reference, name)(x, target)),
                       expected=getattr(reference, f"{name}_grad")(x, target))
    return check


class Fused:
    """softmax_cross_entropy(logits, labels) -> (loss, dlogits): the student's as a pair, and
    comparisons with the reference's that name which of the two values is wrong."""

    LOSS = hint("the loss of softmax_cross_entropy", "softmax_cross_entropy 的損失")
    DLOGITS = hint("dlogits of softmax_cross_entropy", "softmax_cross_entropy 的 dlogits")

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def __call__(self, logits, labels) -> tuple:
        """The student's (loss, dlogits), or a failure saying what came back instead."""
        return pair(self.submission.softmax_cross_entropy(logits, labels), ("loss", "dlogits"))

    def check_loss(self, loss, logits, labels, **options) -> None:
        want, _ = self.reference.softmax_cross_entropy(logits, labels)
        assert_close(loss, want, what=self.LOSS.render(), **options)

    def check_dlogits(self, dlogits, logits, labels, **options) -> None:
        _, want = self.reference.softmax_cross_entropy(logits, labels)
        assert_close(dlogits, want, what=self.DLOGITS.render(), **options)


@pytest.fixture
def fused(submission, reference) -> Fused:
    """The student's softmax_cross_entropy as a pair, with its comparisons."""
    return Fused(submission, reference)
