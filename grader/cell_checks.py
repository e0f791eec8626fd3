"""The check helpers shared by the recurrent-cell exercises 11 (LSTM) and 12 (GRU).

Both exercises grade the same contract for a gated recurrent cell, under the cell's own prefix:

    <cell>_step_forward(x, prev_h[, prev_c], Wx, Wh, *biases) -> (next_h[, next_c], cache)
    <cell>_step_backward(dnext_h[, dnext_c], cache) -> the gradients of the step's inputs
    <cell>_forward(x, h0, Wx, Wh, *biases) -> (h (N, T, H), cache)
    <cell>_backward(dh, cache) -> (dx, dh0, dWx, dWh, *dbiases)
    train_sine(H, steps, seed, N, T) -> (params, losses)   (given in the stub)

with x (N, D) in a step and (N, T, D) in a sequence, states (N, H), Wx (D, G·H), Wh (H, G·H)
and biases (G·H,) for G gate blocks. How each is judged is the same for both cells and lives
here: `Cell` (the student's functions next to the reference's: values, named mistakes,
gradients by central differences of the student's own forward, caches left alone) and
`Training` (train_sine's first losses and final loss). What differs, the exercise's conftest
declares in a subclass of `Cell`: the names, the gate count, its hints, and its known
mistakes, computed there in NumPy (never by asking the reference):

    from grader.cell_checks import Cell, fixtures, sigma

    class LSTM(Cell):
        NAME, PREFIX, GATES = "LSTM", "lstm", 4      # "your LSTM's ...", lstm_step_forward, ...
        STATES = ("h", "c")           # prev_h, prev_c -> next_h, next_c
        PARAMS = ("Wx", "Wh", "b")
        HINTS = HINTS                 # tips for step_forward, step_backward, forward, backward

        def mistakes(self, x, states, weights, sequence): ...       # the forward's mistakes
        def step_backward_mistakes(self, want, v): ...              # one gradient's mistakes

    lstm, training = fixtures(LSTM)   # the fixtures the checks ask for: lstm and training
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from grader.checks import agrees, fail, forward_first, named, pair, same, tip, unpack
from grader.compare import assert_close
from grader.gradcheck import gradcheck
from grader.i18n import Text

WEIGHT_SCALE = 0.5  # random weights N(0, 0.25): pre-activations of O(1), gates not saturated
FIRST_STEPS = 10  # train_sine's losses compared step by step with the reference's
HISTORY_RTOL = 1e-6  # the same arithmetic in another order drifts far less in 10 Adam steps
TRAIN_N, TRAIN_T = 16, 20  # train_sine's sequences in grading: a third of the default's
READOUT = ("Wy", "by")  # train_sine's params after the cell's: ŷ = h Wy + by

# BPTT that forgets dh_next, for Cell.UNCARRIED: the same mistake (and words) in every cell
HIDDEN_NOT_CARRIED = (
    "dnext_h",
    "these are the gradients of a loop that uses dh[:, t] alone: the hidden state's gradient "
    "from step t + 1 is not added (use dh[:, t] + dh_next)",
    "這是只用 dh[:, t] 的迴圈算出的梯度：沒有加上第 t + 1 步傳回的隱藏狀態梯度（要用 "
    "dh[:, t] + dh_next）")


def sigma(a):
    """σ(a) = 1 / (1 + e^−a), elementwise, without overflow."""
    return np.exp(-np.logaddexp(0.0, -a))


def reorderings(order: str) -> list[tuple[str, str]]:
    """(other, "i, f, g, o") for every other order of the gate blocks `order` ("ifog"), the
    orders a student may read the blocks of Wx, Wh and the biases in."""
    others = ("".join(p) for p in itertools.permutations(order))
    return [(other, ", ".join(other)) for other in others if other != order]


def shapes(v: dict, names: tuple[str, ...]) -> str:
    """"x (2, 3), h0 (2, 4), ...": the arguments `names` of v with their shapes."""
    return ", ".join(f"{k} {v[k].shape}" for k in names)


class Cell:
    """The student's recurrent cell judged against the reference's; a conftest subclasses it
    with the cell's names (see the module docstring)."""

    NAME: str  # the cell's display name in messages: "LSTM"
    PREFIX: str  # its functions' prefix: "lstm" for lstm_step_forward, ..., lstm_backward
    GATES: int  # gate blocks in the columns of Wx, Wh and the biases
    STATES: tuple[str, ...]  # what a step carries to the next, h first: ("h", "c")
    PARAMS: tuple[str, ...]  # Wx, Wh, then the biases
    HINTS: dict[str, Text]  # step_forward, step_backward, forward, backward
    JUDGED: tuple[str, ...] | None = None  # the order the next states are compared in
    # BPTT mistakes named in <cell>_backward: {label: (the upstream gradient not passed back
    # between steps, en, zh)}
    UNCARRIED: dict[str, tuple[str, str, str]] = {"no_dh": HIDDEN_NOT_CARRIED}

    # the names of the arguments and results, from STATES and PARAMS (for the LSTM):
    STEP_ARGS: tuple[str, ...]  # x, prev_h, prev_c, Wx, Wh, b
    STEP_GRADS: tuple[str, ...]  # dx, dprev_h, dprev_c, dWx, dWh, db
    NEXT: tuple[str, ...]  # next_h, next_c
    STEP_OUTPUTS: tuple[str, ...]  # next_h, next_c, cache
    UPSTREAM: tuple[str, ...]  # dnext_h, dnext_c: what the step's backward takes before cache
    SEQ_ARGS: tuple[str, ...]  # x, h0, Wx, Wh, b
    SEQ_GRADS: tuple[str, ...]  # dx, dh0, dWx, dWh, db

    def __init_subclass__(cls, **options):
        super().__init_subclass__(**options)
        cls.STEP_ARGS = ("x", *(f"prev_{s}" for s in cls.STATES), *cls.PARAMS)
        cls.NEXT = tuple(f"next_{s}" for s in cls.STATES)
        cls.STEP_OUTPUTS = (*cls.NEXT, "cache")
        cls.UPSTREAM = tuple(f"d{name}" for name in cls.NEXT)
        cls.SEQ_ARGS = ("x", "h0", *cls.PARAMS)
        cls.STEP_GRADS = tuple(f"d{name}" for name in cls.STEP_ARGS)
        cls.SEQ_GRADS = tuple(f"d{name}" for name in cls.SEQ_ARGS)

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    # --- what a subclass says about its cell ---

    def mistakes(self, x, states: tuple, weights: tuple, sequence: bool) -> dict:
        """{label: (outputs, en, zh)}: the forward from x (N, T, D) and the first `states`
        (h0 first) as the usual mistakes compute it, outputs the states of every step, each
        (N, T, H), h first; sequence: also the mistakes only a sequence shows."""
        raise NotImplementedError(f"{type(self).__name__}.mistakes")

    def step_backward_mistakes(self, want: dict, v: dict) -> tuple[str, dict]:
        """(name, {label: ((value,), en, zh)}): one gradient of the step's backward as the
        usual mistakes compute it, from the reference's gradients `want` {name: value} and the
        step's inputs v."""
        raise NotImplementedError(f"{type(self).__name__}.step_backward_mistakes")

    # --- inputs ---

    def _student(self, function: str, *args):
        """The student's <cell>_<function>(*args)."""
        return getattr(self.submission, f"{self.PREFIX}_{function}")(*args)

    def _reference(self, function: str, *args):
        return getattr(self.reference, f"{self.PREFIX}_{function}")(*args)

    def weights(self, D: int, H: int, dtype=np.float64) -> dict:
        """Wx (D, G·H), Wh (H, G·H) and each bias (G·H,), drawn from the rng in that order."""
        rng, width = self.rng, self.GATES * H
        size = {"Wx": (D, width), "Wh": (H, width)}
        return {k: (WEIGHT_SCALE * rng.normal(size=size.get(k, width))).astype(dtype)
                for k in self.PARAMS}

    def step_inputs(self, N: int, D: int, H: int, dtype=np.float64) -> dict:
        """x (N, D), prev_h = tanh(·) and any other state (N, H), the weights, and the upstream
        gradient of every next state (N, H), drawn from the rng."""
        rng = self.rng
        v = {"x": rng.normal(size=(N, D)).astype(dtype),
             "prev_h": np.tanh(rng.normal(size=(N, H))).astype(dtype)}
        for state in self.STATES[1:]:  # prev_c
            v[f"prev_{state}"] = rng.normal(size=(N, H)).astype(dtype)
        v.update(self.weights(D, H, dtype))
        v.update({name: rng.normal(size=(N, H)) for name in self.UPSTREAM})
        return v

    def seq_inputs(self, N: int, T: int, D: int, H: int, dtype=np.float64) -> dict:
        """x (N, T, D), h0, the weights, and the upstream dh (N, T, H), drawn from the rng."""
        rng = self.rng
        v = {"x": rng.normal(size=(N, T, D)).astype(dtype),
             "h0": np.tanh(rng.normal(size=(N, H))).astype(dtype)}
        v.update(self.weights(D, H, dtype))
        v["dh"] = rng.normal(size=(N, T, H))
        return v

    # --- one step ---

    def step(self, v: dict) -> tuple:
        what = f"{self.PREFIX}_step_forward({shapes(v, self.STEP_ARGS)})"
        return unpack(self._student("step_forward", *(v[k] for k in self.STEP_ARGS)),
                      self.STEP_OUTPUTS, what)

    def check_step_forward(self, v: dict, rtol: float | None = None) -> None:
        """The next states against the reference; a known mistake is named."""
        what = f"{self.PREFIX}_step_forward({shapes(v, self.STEP_ARGS)})"
        yours = self.step(v)[:-1]
        want = self._reference("step_forward", *(v[k] for k in self.STEP_ARGS))[:-1]
        x = np.asarray(v["x"], dtype=float)[:, None]  # one step of a sequence
        states = tuple(v[f"prev_{state}"] for state in self.STATES)
        variants = {k: (tuple(a[:, 0] for a in outputs), en, zh) for k, (outputs, en, zh) in
                    self.mistakes(x, states, tuple(v[k] for k in self.PARAMS), False).items()}
        label = what if len(self.NEXT) > 1 else f"{self.NEXT[0]} of {what}"  # say which
        named(yours, tuple(want), variants, label, self.HINTS["step_forward"])
        options = {} if rtol is None else {"rtol": rtol}
        for name in self.JUDGED or self.NEXT:
            k = self.NEXT.index(name)
            assert_close(yours[k], want[k], what=f"{name} of {what}",
                         hint=self.HINTS["step_forward"], **options)

    def check_step_backward(self, v: dict, rtol: float | None = None) -> None:
        """Every gradient by central differences of L = Σ next_h ⊙ dnext_h (+ Σ next_c ⊙
        dnext_c) of the student's forward when it is right (and rtol is None), else against
        the reference's gradients; step_backward_mistakes are named first."""
        upstream = "".join(f"{name}, " for name in self.UPSTREAM[1:])
        what = f"{self.PREFIX}_step_backward(dnext_h {v['dnext_h'].shape}, {upstream}cache)"
        cache = self.step(v)[-1]
        grads = unpack(self._student("step_backward", *(v[k] for k in self.UPSTREAM), cache),
                       self.STEP_GRADS, what)
        *want_states, want_cache = self._reference("step_forward",
                                                   *(v[k] for k in self.STEP_ARGS))
        want = self._reference("step_backward", *(v[k] for k in self.UPSTREAM), want_cache)
        name, variants = self.step_backward_mistakes(
            dict(zip(self.STEP_GRADS, want, strict=True)), v)
        k = self.STEP_GRADS.index(name)
        named((grads[k],), (want[k],), variants, f"{name} of {what}", self.HINTS["step_backward"])
        right = all(agrees(lambda i=i: self.step(v)[i], expected)
                    for i, expected in enumerate(want_states))
        if right and rtol is None:
            dout = np.concatenate([v[k] for k in self.UPSTREAM])  # (n·N, H): L of every state
            gradcheck(lambda p: np.concatenate(self.step({**v, **p})[:-1]),
                      dict(zip(self.STEP_ARGS, grads, strict=True)),
                      {k: v[k] for k in self.STEP_ARGS}, dout=dout,
                      name=f"{self.PREFIX}_step_backward", hint=self.HINTS["step_backward"])
            return
        self._against(grads, want, self.STEP_GRADS, what, rtol, right,
                      f"{self.PREFIX}_step_forward", self.HINTS["step_backward"])

    @staticmethod
    def _against(grads, want, names, what, rtol, right: bool, forward: str, hint) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        for value, expected, name in zip(grads, want, names, strict=True):
            assert_close(value, expected, what=f"{name} of {what}",
                         hint=hint if right else forward_first(forward), **options)

    # --- a whole sequence ---

    def forward(self, v: dict) -> tuple:
        what = f"{self.PREFIX}_forward({shapes(v, self.SEQ_ARGS)})"
        return pair(self._student("forward", *(v[k] for k in self.SEQ_ARGS)), ("h", "cache"),
                    what)

    def check_forward(self, v: dict, rtol: float | None = None) -> None:
        """h of every step against the reference; a known mistake is named."""
        what = f"{self.PREFIX}_forward({shapes(v, self.SEQ_ARGS)})"
        h, _ = self.forward(v)
        want, _ = self._reference("forward", *(v[k] for k in self.SEQ_ARGS))
        zeros = np.zeros(v["h0"].shape)
        states = (v["h0"], *(zeros for _ in self.STATES[1:]))  # c0 = 0
        variants = {k: ((outputs[0],), en, zh) for k, (outputs, en, zh) in
                    self.mistakes(v["x"], states, tuple(v[k] for k in self.PARAMS), True).items()}
        named((h,), (want,), variants, f"h of {what}", self.HINTS["forward"])
        assert_close(h, want, what=f"h of {what}", hint=self.HINTS["forward"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_backward(self, v: dict, rtol: float | None = None, numerical: bool = True
                       ) -> None:
        """dx, dh0 and the weights' gradients by central differences of L = Σ h ⊙ dh of the
        student's forward when it is right (and rtol is None and numerical), else against the
        reference's (numerical=False saves the many forward calls of a long sequence); the
        UNCARRIED mistakes are named."""
        what = f"{self.PREFIX}_backward(dh {v['dh'].shape}, cache)"
        _, cache = self.forward(v)
        grads = unpack(self._student("backward", v["dh"], cache), self.SEQ_GRADS, what)
        want_h, want_cache = self._reference("forward", *(v[k] for k in self.SEQ_ARGS))
        want = tuple(self._reference("backward", v["dh"], want_cache))
        right = agrees(lambda: self.forward(v)[0], want_h)
        if right and not all(same(a, b) for a, b in zip(grads, want, strict=True)):
            named(grads, want, self.uncarried(v), what, self.HINTS["backward"])
        if right and rtol is None and numerical:
            gradcheck(lambda p: self.forward({**v, **p})[0],
                      dict(zip(self.SEQ_ARGS, grads, strict=True)),
                      {k: v[k] for k in self.SEQ_ARGS}, dout=v["dh"],
                      name=f"{self.PREFIX}_backward", hint=self.HINTS["backward"])
            return
        self._against(grads, want, self.SEQ_GRADS, what, rtol, right, f"{self.PREFIX}_forward",
                      self.HINTS["backward"])

    def uncarried(self, v: dict) -> dict:
        """{label: (grads, en, zh)}: BPTT run here through the student's own step functions
        with one state's gradient dropped between steps (UNCARRIED); empty when the step
        functions cannot run."""
        try:
            return {label: (self._bptt(v, dropped), en, zh)
                    for label, (dropped, en, zh) in self.UNCARRIED.items()}
        except AssertionError:  # the student's step functions fail: nothing to name
            return {}

    def _bptt(self, v: dict, dropped: str) -> tuple:
        """(dx, dh0, *the weights' gradients) of BPTT through the student's step functions,
        with the upstream gradient `dropped` (dnext_h or dnext_c) not passed back from t + 1."""
        x, dh = np.asarray(v["x"], dtype=float), np.asarray(v["dh"], dtype=float)
        N, T, D = x.shape
        weights = [v[k] for k in self.PARAMS]
        zeros = np.zeros(dh.shape[::2])  # (N, H)
        states, caches = [v["h0"], *(zeros for _ in self.STATES[1:])], []
        for t in range(T):
            *states, cache = unpack(self._student("step_forward", x[:, t], *states, *weights),
                                    self.STEP_OUTPUTS)
            caches.append(cache)
        n = len(self.STATES)
        dx, carried, total = np.zeros(x.shape), [zeros] * n, [0.0] * len(weights)
        for t in reversed(range(T)):
            passed = [zeros if name == dropped else d
                      for name, d in zip(self.UPSTREAM, carried, strict=True)]
            passed[0] = dh[:, t] + passed[0]
            step = unpack(self._student("step_backward", *passed, caches[t]), self.STEP_GRADS)
            dx[:, t], carried = step[0], list(step[1:n + 1])
            total = [s + g for s, g in zip(total, step[n + 1:], strict=True)]
        return (dx, carried[0], *total)

    # --- the cache is read, never written ---

    def check_cache_kept(self, step: dict, seq: dict) -> None:
        """Each backward, called twice with the same cache, gives the same gradients."""
        cache = self.step(step)[-1]
        calls = [self._student("step_backward", *(step[k] for k in self.UPSTREAM), cache)
                 for _ in range(2)]
        self._same_twice(calls, self.STEP_GRADS, f"{self.PREFIX}_step_backward")
        _, cache = self.forward(seq)
        calls = [self._student("backward", seq["dh"], cache) for _ in range(2)]
        self._same_twice(calls, self.SEQ_GRADS, f"{self.PREFIX}_backward")

    @staticmethod
    def _same_twice(calls: list, names: tuple, function: str) -> None:
        first, second = (unpack(c, names, function) for c in calls)
        changed = [n for n, a, b in zip(names, first, second, strict=True)
                   if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                           and a.shape == b.shape and np.array_equal(a, b))]
        if changed:
            fail(f"{function} gave other {', '.join(changed)} when called again with the same "
                 "upstream gradient and cache: it changes its cache in place (an `*=` or `+=` "
                 "on an array the cache holds)",
                 f"用相同的上游梯度與 cache 再呼叫一次 {function}，得到不同的 "
                 f"{', '.join(changed)}：它原地修改了 cache（對 cache 裡的陣列用了 `*=` 或 `+=`）")


# --- training on the sine waves ------------------------------------------------------------------


class Training:
    """train_sine (given in the stub) on the student's cell, judged on the trusted side: its
    first losses against the reference's, then the loss of the returned parameters, computed
    here from the student's <cell>_forward, below a stated target."""

    def __init__(self, cell: type[Cell], submission, reference):
        self.cell, self.submission, self.reference = cell, submission, reference
        forward, backward = f"{cell.PREFIX}_forward", f"{cell.PREFIX}_backward"
        self.hint = tip(
            f"train_sine is given: it calls your {forward} and {backward}; if their own "
            "checks fail, fix those first",
            f"train_sine 是現成的：它呼叫你的 {forward} 與 {backward}；如果它們自己的檢查"
            "失敗，請先修正它們")

    def check(self, H: int, steps: int, seed: int, target: float, N: int = TRAIN_N,
              T: int = TRAIN_T) -> None:
        options = {"H": H, "steps": steps, "seed": seed, "N": N, "T": T}
        what = f"train_sine({', '.join(f'{k}={v}' for k, v in options.items())})"
        params, losses = pair(self.submission.train_sine(**options), ("params", "losses"), what)
        _, want = self.reference.train_sine(**options)
        first = min(FIRST_STEPS, steps)
        yours = np.asarray(losses, dtype=float)
        if yours.shape != (steps,):
            fail(f"{what} returned {yours.size} losses; expected one per step, {steps}",
                 f"{what} 回傳了 {yours.size} 個損失；應該每一步一個，共 {steps} 個",
                 self.hint)
        assert_close(yours[:first], np.asarray(want[:first]), rtol=HISTORY_RTOL,
                     what=f"the first {first} losses of {what}", hint=self.hint)
        x, y = self.reference.sine_wave_data(N, T, seed)
        loss = self.loss(params, x, y, what)
        name = self.cell.NAME
        if not loss < target:
            fail(f"after {what} your {name}'s mean squared error is {loss:.4g}; expected below "
                 f"{target} (the reference reaches {want[-1]:.3g}; predicting x_t itself "
                 f"scores {np.mean((x - y) ** 2):.3g})",
                 f"{what} 之後你的 {name} 的均方誤差是 {loss:.4g}；應該低於 {target}"
                 f"（參考答案達到 {want[-1]:.3g}；直接預測 x_t 是 {np.mean((x - y) ** 2):.3g}）",
                 self.hint)

    def loss(self, params, x, y, what: str) -> float:
        """Mean squared error of the returned params, from the student's <cell>_forward and
        the read-out ŷ = h Wy + by computed here."""
        keys = (*self.cell.PARAMS, *READOUT)  # the cell's weights, then the read-out
        try:
            p = {k: np.asarray(params[k], dtype=float) for k in keys}
        except (TypeError, KeyError, ValueError, IndexError):
            fail(f"{what} did not return params as a dict of {', '.join(keys)}",
                 f"{what} 回傳的 params 不是含 {'、'.join(keys)} 的 dict")
        h0 = np.zeros((x.shape[0], p["Wh"].shape[0]))
        forward = getattr(self.submission, f"{self.cell.PREFIX}_forward")
        h, _ = pair(forward(x, h0, *(p[k] for k in self.cell.PARAMS)), ("h", "cache"))
        pred = np.asarray(h, dtype=float) @ p["Wy"] + p["by"]
        return float(np.mean((pred - y) ** 2)) if pred.shape == y.shape else float("inf")


def fixtures(cell: type[Cell]) -> tuple:
    """The two fixtures of a cell's conftest, to be bound there under their names:
    `lstm, training = fixtures(LSTM)`. The first, named after cell.PREFIX, is the student's
    cell judged against the reference's; `training` judges train_sine on it."""
    @pytest.fixture(name=cell.PREFIX)
    def judge(submission, reference, rng) -> Cell:
        return cell(submission, reference, rng)

    @pytest.fixture(name="training")
    def training(submission, reference) -> Training:
        return Training(cell, submission, reference)

    return judge, training
