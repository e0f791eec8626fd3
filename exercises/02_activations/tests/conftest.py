"""What the visible and the hidden checks of exercise 02 share, as pytest fixtures.

The check files cannot import each other (the grader imports them by path and unloads them
after every run), so their common input builder and judging helpers live here, where pytest
hands them to any check that names them as an argument:

    inputs    inputs(name, shape): a random x for the activation `name`, from the check's rng
    layers    the student's `name`_forward / `name`_backward judged against the reference's
"""

import numpy as np
import pytest

from grader.checks import agrees, assert_close, gradient_check, pair
from grader.compare import RTOL

KINK_GAP = 0.1  # |x| >= this at the kinks, far beyond the step h = 1e-5 of gradcheck
KINKED = ("relu", "leaky_relu", "elu")  # a kink at 0, where a central difference is wrong


@pytest.fixture
def inputs(rng):
    """inputs(name, shape): x for the activation `name`, |x| >= KINK_GAP where its derivative
    has a kink at 0."""
    def draw(name: str, shape) -> np.ndarray:
        if name in KINKED:
            return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(KINK_GAP, 3.0, size=shape)
        return rng.normal(scale=2.0, size=shape)
    return draw


class Layers:
    """The student's activation layers, each a pair `name`_forward(x, **options) ->
    (out, cache) and `name`_backward(dout, cache) -> dx, judged against the reference's."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    @staticmethod
    def described(name: str, x: np.ndarray, **kwargs) -> str:
        """How a forward call is named in a message: relu_forward(x (4, 5), alpha=0.2)."""
        shape = str(x.shape) if x.dtype == np.float64 else f"{x.dtype} {x.shape}"
        arguments = [f"x {shape}"] + [f"{key}={value!r}" for key, value in kwargs.items()]
        return f"{name}_forward({', '.join(arguments)})"

    def forward(self, name: str, x, **kwargs) -> tuple:
        """The student's (out, cache), or a failure when `name`_forward does not return a pair."""
        return pair(getattr(self.submission, f"{name}_forward")(x, **kwargs))

    def expected(self, name: str, x, **kwargs) -> tuple:
        """The reference's (out, cache)."""
        return getattr(self.reference, f"{name}_forward")(x, **kwargs)

    def check_forward(self, name: str, x, *, rtol: float = RTOL, hint=None, **kwargs) -> tuple:
        """The student's out equals the reference's; returns the student's (out, cache)."""
        out, cache = self.forward(name, x, **kwargs)
        assert_close(out, self.expected(name, x, **kwargs)[0], rtol=rtol,
                     what=self.described(name, x, **kwargs), hint=hint)
        return out, cache

    def check_backward(self, name: str, x, dout, *, hint=None, **kwargs) -> None:
        """dx from the student's own cache: gradcheck of Σ forward(x) ⊙ dout if the student's
        forward is right at x, else the reference's dx."""
        out, cache = self.forward(name, x, **kwargs)
        dx = getattr(self.submission, f"{name}_backward")(dout, cache)
        want_out, want_cache = self.expected(name, x, **kwargs)
        gradient_check(lambda p: self.forward(name, p, **kwargs)[0], dx, x, dout=dout,
                       name=f"{name}_backward", hint=hint,
                       forward_is_right=agrees(lambda: out, want_out),
                       expected=getattr(self.reference, f"{name}_backward")(dout, want_cache))


@pytest.fixture
def layers(submission, reference) -> Layers:
    """The student's activation layers next to the reference's."""
    return Layers(submission, reference)
