"""What the visible and the hidden checks of exercise 07 share, as pytest fixtures.

    scaling    the student's min–max / z-score fit and transform, and normalize_splits, judged
               against the reference; wrong axes, the sample std, and statistics fitted on the
               validation split or on all the data are named
    batches    train_val_split, iterations_per_epoch, minibatch_indices and kfold_indices judged
               by their contract (sizes, a partition of range(N), reproducible from the seed,
               shuffled), the unshuffled ones also index by index
    stopping   early_stopping replayed over a loss history; patience off by one, min_delta
               ignored, restore_best ignored and ties counted as improvements are named
    metrics    accuracy, confusion_matrix and per_class_accuracy; a transposed matrix and
               precision in place of per-class accuracy are named

A seeded shuffle is judged by its properties, not index by index: any generator seeded by
`seed` is a correct answer. The known mistakes are computed here in NumPy, never by asking the
reference (a released bundle replays only the reference answers its checks recorded).
"""

import math

import numpy as np
import pytest

from grader.checks import assert_close, fail, pair, tip
from grader.compare import kind_of
from grader.failures import SubmissionFailure
from grader.remote import CALLS, Remote

STATS = {"minmax": ("MinMaxStats", ("lo", "span")), "zscore": ("ZScoreStats", ("mean", "std"))}
HINTS = {
    "minmax": tip("lo = x_train.min(axis=0), span = x_train.max(axis=0) − lo (1 where it is 0); "
                  "then (x − lo) / span: one statistic per feature (column)",
                  "lo = x_train.min(axis=0)、span = x_train.max(axis=0) − lo（為 0 時用 1）；"
                  "再算 (x − lo) / span：每個特徵（行）一個統計量"),
    "zscore": tip("mean = x_train.mean(axis=0), std = x_train.std(axis=0) (ddof = 0, 1 where it "
                  "is 0); then (x − mean) / std",
                  "mean = x_train.mean(axis=0)、std = x_train.std(axis=0)（ddof = 0，為 0 時用 "
                  "1）；再算 (x − mean) / std"),
    "normalize_splits": tip("fit on x_train only, then transform both x_train and x_val with "
                            "those statistics",
                            "只用 x_train 擬合統計量，再用同一組統計量轉換 x_train 與 x_val"),
    "split": tip("perm = np.random.default_rng(seed).permutation(N); V = round(N · val_fraction); "
                 "val = perm[:V], train = perm[V:]",
                 "perm = np.random.default_rng(seed).permutation(N)；V = round(N · val_fraction)；"
                 "val = perm[:V]、train = perm[V:]"),
    "batches": tip("⌈N / batch_size⌉ iterations: the last batch holds the remainder, it is not "
                   "dropped; order = range(N), or default_rng(seed).permutation(N) with a seed",
                   "⌈N / batch_size⌉ 次迭代：最後一批裝剩下的資料，不能丟掉；order = range(N)，"
                   "有 seed 時用 default_rng(seed).permutation(N)"),
    "kfold": tip("sizes N // K, plus one for the first N % K folds; fold k validates on the k-th "
                 "consecutive block and trains on all the other indices",
                 "大小為 N // K，前 N % K 折各多一個；第 k 折用第 k 段連續的索引驗證，用其餘所有"
                 "索引訓練"),
    "early_stopping": tip("best = inf, wait = 0; each epoch: if loss < best − min_delta: best, "
                          "best_epoch, wait = loss, epoch, 0; else wait += 1, and stop at this "
                          "epoch once wait >= patience",
                          "best = inf、wait = 0；每個 epoch：若 loss < best − min_delta，則 best、"
                          "best_epoch、wait = loss、epoch、0；否則 wait += 1，wait >= patience "
                          "時就在這個 epoch 停止"),
    "confusion_matrix": tip("cm[i, j] counts the examples of TRUE class i predicted as class j: "
                            "rows are the true classes",
                            "cm[i, j] 計算真實類別為 i、被預測為 j 的樣本數：列是真實類別"),
    "per_class_accuracy": tip("for each true class c: (correct predictions of c) / (examples "
                              "whose TRUE label is c), nan when there are none",
                              "對每個真實類別 c：（c 被預測正確的數量）/（真實標籤為 c 的樣本數），"
                              "沒有這種樣本時為 nan"),
}


# --- the student's named tuples ----------------------------------------------------------------


def fields(result, names: tuple[str, ...], what: str) -> tuple:
    """The fields `names` of a NamedTuple the student returned (it stays in the worker), or of
    a plain tuple in that order; a failure saying what came back otherwise."""
    if isinstance(result, Remote):
        try:
            return tuple(getattr(result, name) for name in names)
        except SubmissionFailure:
            pass
    elif isinstance(result, (tuple, list)) and len(result) == len(names):
        return tuple(result)
    kind = f"{type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) \
        else kind_of(result)
    fail(f"{what} returned a {kind}; expected a NamedTuple with the fields {', '.join(names)}",
         f"{what} 回傳了 {kind}；應該回傳欄位為 {', '.join(names)} 的 NamedTuple")


def student_stats(submission, method: str, values: tuple):
    """The reference's statistics rebuilt as the student's own MinMaxStats / ZScoreStats (a
    handle in the worker), so `stats.lo` works in the student's transform; a plain tuple when
    the class is gone from the student's file."""
    name, _ = STATS[method]
    try:
        return getattr(submission, name)(*values)
    except SubmissionFailure:
        return tuple(values)


# --- normalisation -----------------------------------------------------------------------------


def _stats_numpy(method: str, x: np.ndarray, axis=0, ddof: int = 0) -> tuple:
    if method == "minmax":
        lo = x.min(axis=axis)
        span = x.max(axis=axis) - lo
        return lo, np.where(span == 0, 1.0, span)
    std = x.std(axis=axis, ddof=ddof)
    return x.mean(axis=axis), np.where(std == 0, 1.0, std)


def _same(yours, want) -> bool:
    return isinstance(yours, np.ndarray) and yours.shape == np.shape(want) and \
        bool(np.allclose(yours, want, rtol=1e-6, atol=1e-9))


class Scaling:
    """The student's normalisation next to the reference's."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def fit(self, method: str, x_train: np.ndarray, rtol: float | None = None) -> None:
        """The student's `method`_fit statistics equal the reference's, field by field."""
        _, names = STATS[method]
        what = f"{method}_fit(x_train {x_train.shape})"
        yours = fields(getattr(self.submission, f"{method}_fit")(x_train), names, what)
        want = getattr(self.reference, f"{method}_fit")(x_train)
        x = np.asarray(x_train, dtype=np.float64)
        N, D = x.shape
        per_row, whole = _stats_numpy(method, x, axis=1), _stats_numpy(method, x, axis=None)
        for i, (name, value, good) in enumerate(zip(names, yours, want, strict=True)):
            if N != D and _same(value, per_row[i]):
                fail(f"{what}: {name} has shape ({N},), one value per example: the statistics "
                     f"were taken along axis=1 (across the features of each row); take them "
                     f"along axis=0, over the examples, one per feature: shape ({D},)",
                     f"{what}：{name} 的形狀是 ({N},)，每個樣本一個值：統計量是沿著 axis=1"
                     f"（每一列的各個特徵）算的；要沿著 axis=0、對所有樣本計算，每個特徵一個："
                     f"形狀 ({D},)", HINTS[method])
            if isinstance(value, (float, np.floating, np.ndarray)) and np.ndim(value) == 0 and \
                    np.isclose(float(value), float(whole[i])):
                fail(f"{what}: {name} is one number for the whole array (axis=None); take it "
                     f"along axis=0, one per feature: shape ({D},)",
                     f"{what}：{name} 是整個陣列的單一數值（axis=None）；要沿著 axis=0 計算，"
                     f"每個特徵一個：形狀 ({D},)", HINTS[method])
            if method == "zscore" and name == "std" and N > 1 and \
                    _same(value, _stats_numpy(method, x, ddof=1)[1]):
                fail(f"{what}: std is the sample std (ddof=1, divided by N − 1); the z-score "
                     f"here uses the population std, ddof=0: divide by N",
                     f"{what}：std 是樣本標準差（ddof=1，除以 N − 1）；這裡的 z-score 用母體"
                     f"標準差 ddof=0：除以 N", HINTS[method])
            options = {} if rtol is None else {"rtol": rtol}
            assert_close(value, np.asarray(good), what=f"{name} of {what}", hint=HINTS[method],
                         **options)

    def transform(self, method: str, x: np.ndarray, x_train: np.ndarray) -> None:
        """The student's `method`_transform of x with the reference's statistics of x_train."""
        want_stats = getattr(self.reference, f"{method}_fit")(x_train)
        stats = student_stats(self.submission, method, tuple(want_stats))
        yours = getattr(self.submission, f"{method}_transform")(x, stats)
        assert_close(yours, getattr(self.reference, f"{method}_transform")(x, want_stats),
                     what=f"{method}_transform(x {x.shape}, stats of x_train {x_train.shape})",
                     hint=HINTS[method])

    def _own(self, method: str, fit_on: np.ndarray, x: np.ndarray):
        """The student's own fit on `fit_on` then transform of x, or None if either fails."""
        try:
            stats = getattr(self.submission, f"{method}_fit")(fit_on)
            out = getattr(self.submission, f"{method}_transform")(x, stats)
        except SubmissionFailure:
            return None
        return out if isinstance(out, np.ndarray) else None

    def _scaled(self, method: str, fit_on: np.ndarray, x: np.ndarray) -> list:
        """x scaled with statistics of fit_on: in NumPy, and by the student's own fit/transform."""
        lo, scale = _stats_numpy(method, fit_on)
        return [(x - lo) / scale, self._own(method, fit_on, x)]

    def splits(self, method: str, x_train: np.ndarray, x_val: np.ndarray) -> None:
        """normalize_splits: both outputs equal the reference's. When they do not, but equal the
        student's own fit/transform fitted on x_train, the fault is in those functions (judged by
        their own checks), so this check passes; fitted on x_val or on all the data is named."""
        what = f"normalize_splits(x_train {x_train.shape}, x_val {x_val.shape}, {method!r})"
        yours = pair(self.submission.normalize_splits(x_train, x_val, method),
                     ("x_train'", "x_val'"), what)
        want = self.reference.normalize_splits(x_train, x_val, method)
        if all(_same(y, w) for y, w in zip(yours, want, strict=True)):
            return
        both = np.concatenate([x_train, x_val])
        wrong = (  # (statistics behind x_train', behind x_val', en, zh)
            (x_val, x_val, "the statistics were fitted on the validation split: fit them on "
             "x_train only; the validation data stand for data the model has never seen",
             "統計量是用驗證集擬合的：只能用 x_train 擬合；驗證資料代表模型從未見過的資料"),
            (both, both, "the statistics were fitted on all the data (train + validation): fit "
             "them on x_train only, or the validation split leaks into training",
             "統計量是用全部資料（訓練 + 驗證）擬合的：只能用 x_train 擬合，否則驗證資料會洩漏到"
             "訓練中"),
            (x_train, x_val, "each split was scaled with its own statistics: x_val must be "
             "scaled with the statistics of x_train, as new data will be",
             "每個資料集都用了自己的統計量縮放：x_val 必須用 x_train 的統計量縮放，就像之後的"
             "新資料一樣"),
        )
        for train_fit, val_fit, en, zh in wrong:
            if any(_same(yours[0], a) for a in self._scaled(method, train_fit, x_train)) and \
                    any(_same(yours[1], b) for b in self._scaled(method, val_fit, x_val)):
                fail(f"{what}: {en}", f"{what}：{zh}", HINTS["normalize_splits"])
        own = [self._own(method, x_train, x) for x in (x_train, x_val)]
        if all(o is not None and _same(y, o) for y, o in zip(yours, own, strict=True)):
            return  # consistent with the student's own (wrong) fit/transform: judged there
        for name, y, w in zip(("x_train'", "x_val'"), yours, want, strict=True):
            assert_close(y, w, what=f"{name} of {what}", hint=HINTS["normalize_splits"])


@pytest.fixture
def scaling(submission, reference) -> Scaling:
    return Scaling(submission, reference)


# --- splits and batches ------------------------------------------------------------------------


def index_array(value, what: str) -> np.ndarray:
    """An integer index array (integral floats accepted), or a failure saying what came back."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and (
            np.issubdtype(value.dtype, np.integer) or value.size == 0 or
            (np.issubdtype(value.dtype, np.floating) and np.all(value == np.round(value)))):
        return value.astype(np.int64)
    kind = f"array of shape {value.shape}, dtype {value.dtype}" if isinstance(value, np.ndarray) \
        else type(value).__name__
    fail(f"{what} is a {kind}; expected a 1-D integer index array",
         f"{what} 是 {kind}；應該是一維的整數索引陣列")


def _as_list(value, what: str) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    fail(f"{what} returned a {type(value).__name__}; expected a list",
         f"{what} 回傳了 {type(value).__name__}；應該回傳 list")


def _partition_problem(parts: list[np.ndarray], N: int) -> tuple[str, str] | None:
    """Why the index arrays `parts` do not partition range(N), in (en, zh), or None."""
    every = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    outside = every[(every < 0) | (every >= N)]
    if outside.size:
        return (f"index {int(outside[0])} is outside range({N})",
                f"索引 {int(outside[0])} 不在 range({N}) 之內")
    counts = np.bincount(every, minlength=N)
    if np.any(counts > 1):
        i = int(np.argmax(counts > 1))
        return (f"index {i} appears {int(counts[i])} times: the parts overlap",
                f"索引 {i} 出現了 {int(counts[i])} 次：各部分重疊了")
    if np.any(counts == 0):
        missing = np.flatnonzero(counts == 0)
        return (f"{missing.size} of the {N} indices are missing (e.g. {int(missing[0])})",
                f"{N} 個索引中少了 {missing.size} 個（例如 {int(missing[0])}）")
    return None


class Batches:
    """The student's splits and batches, judged by their contract."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def split(self, N: int, val_fraction: float, seeds: tuple[int, int] = (0, 1)) -> None:
        """train_val_split: sizes as the reference's, a partition of range(N), the same split
        for the same seed, another for another seed, and shuffled."""
        results = []
        for seed in (seeds[0], seeds[0], seeds[1]):
            what = f"train_val_split(N={N}, val_fraction={val_fraction}, seed={seed})"
            train, val = pair(self.submission.train_val_split(N, val_fraction, seed),
                              ("train_idx", "val_idx"), what)
            train, val = index_array(train, f"train_idx of {what}"), \
                index_array(val, f"val_idx of {what}")
            results.append((train, val))
        want_train, want_val = self.reference.train_val_split(N, val_fraction, seeds[0])
        V = len(want_val)
        what = f"train_val_split(N={N}, val_fraction={val_fraction}, seed={seeds[0]})"
        train, val = results[0]
        if (len(train), len(val)) != (N - V, V):
            fail(f"{what}: {len(train)} training and {len(val)} validation indices; expected "
                 f"{N - V} and {V} = round({N} · {val_fraction})",
                 f"{what}：訓練 {len(train)} 個、驗證 {len(val)} 個索引；應該是 {N - V} 與 "
                 f"{V} = round({N} · {val_fraction})", HINTS["split"])
        problem = _partition_problem([train, val], N)
        if problem:
            fail(f"{what}: train_idx and val_idx must split range({N}): {problem[0]}",
                 f"{what}：train_idx 與 val_idx 必須分割 range({N})：{problem[1]}", HINTS["split"])
        if np.array_equal(np.sort(val), np.arange(V)) or \
                np.array_equal(np.sort(val), np.arange(N - V, N)):
            fail(f"{what}: the validation indices are a block at one end of range({N}): shuffle "
                 f"the indices before cutting (data files are often sorted, e.g. by class)",
                 f"{what}：驗證索引是 range({N}) 一端的連續區塊：切分之前要先打亂索引"
                 f"（資料檔常常是排序過的，例如按類別）", HINTS["split"])
        if not all(np.array_equal(a, b) for a, b in zip(results[0], results[1], strict=True)):
            fail(f"{what} gave another split when called again with the same seed: draw the "
                 f"shuffle from np.random.default_rng(seed), not from the global np.random",
                 f"{what} 用同一個 seed 再呼叫一次卻得到不同的分割：請用 "
                 f"np.random.default_rng(seed) 打亂，不要用全域的 np.random", HINTS["split"])
        if np.array_equal(np.sort(val), np.sort(results[2][1])):
            fail(f"{what}: seed={seeds[1]} gives the same validation indices as seed={seeds[0]}: "
                 f"the seed must choose the shuffle",
                 f"{what}：seed={seeds[1]} 與 seed={seeds[0]} 得到相同的驗證索引：打亂的方式必須"
                 f"由 seed 決定", HINTS["split"])

    def iterations(self, cases: list[tuple[int, int]]) -> None:
        """iterations_per_epoch equals the reference's ⌈N / batch_size⌉ on every case."""
        yours = [self.submission.iterations_per_epoch(N, B) for N, B in cases]
        want = [self.reference.iterations_per_epoch(N, B) for N, B in cases]
        if all(isinstance(y, (int, np.integer)) and not isinstance(y, bool) and y == N // B
               for y, (N, B) in zip(yours, cases, strict=True)) and yours != want:
            fail("iterations_per_epoch uses the floor ⌊N / batch_size⌋: the last, partial batch "
                 "is dropped. One epoch sees every example, so it takes ⌈N / batch_size⌉ "
                 "iterations",
                 "iterations_per_epoch 用了無條件捨去 ⌊N / batch_size⌋：最後那批不足的資料被丟掉"
                 "了。一個 epoch 要看過每一筆資料，所以需要 ⌈N / batch_size⌉ 次迭代",
                 HINTS["batches"])
        for y, w, (N, B) in zip(yours, want, cases, strict=True):
            assert_close(y, w, what=f"iterations_per_epoch(N={N}, batch_size={B})",
                         hint=HINTS["batches"])
            if not isinstance(y, (int, np.integer)) or isinstance(y, bool):
                fail(f"iterations_per_epoch(N={N}, batch_size={B}) returned a "
                     f"{type(y).__name__}; expected an int",
                     f"iterations_per_epoch(N={N}, batch_size={B}) 回傳了 {type(y).__name__}；"
                     f"應該回傳 int", HINTS["batches"])

    def _batches(self, N: int, B: int, seed) -> list[np.ndarray]:
        what = f"minibatch_indices(N={N}, batch_size={B}, seed={seed})"
        result = _as_list(self.submission.minibatch_indices(N, B, seed), what)
        return [index_array(b, f"batch {i} of {what}") for i, b in enumerate(result)]

    def minibatches(self, N: int, B: int, seeds: tuple[int, int] = (3, 4)) -> None:
        """minibatch_indices: index by index as the reference without a seed; with one, the
        reference's batch sizes over a shuffled permutation chosen by the seed."""
        for seed in (None, seeds[0]):
            what = f"minibatch_indices(N={N}, batch_size={B}, seed={seed})"
            yours = self._batches(N, B, seed)
            want = self.reference.minibatch_indices(N, B, seed)
            sizes, want_sizes = [len(b) for b in yours], [len(b) for b in want]
            if sizes == want_sizes[:-1] and N % B:
                fail(f"{what}: {len(yours)} batches; the last, partial batch (the last "
                     f"{N % B} of the {N} examples) is dropped, but an epoch sees every example: "
                     f"⌈{N}/{B}⌉ = {len(want)} iterations",
                     f"{what}：{len(yours)} 批；最後那批不足的資料（{N} 筆中的最後 {N % B} 筆）"
                     f"被丟掉了，但一個 epoch 要看過每一筆資料：⌈{N}/{B}⌉ = {len(want)} 次迭代",
                     HINTS["batches"])
            if sizes != want_sizes:
                fail(f"{what}: batch sizes {sizes}; expected {want_sizes}",
                     f"{what}：每批大小為 {sizes}；應該是 {want_sizes}", HINTS["batches"])
            problem = _partition_problem(yours, N)
            if problem:
                fail(f"{what}: one epoch must visit every index once: {problem[0]}",
                     f"{what}：一個 epoch 必須剛好看過每個索引一次：{problem[1]}",
                     HINTS["batches"])
            if seed is None:
                for i, (b, w) in enumerate(zip(yours, want, strict=True)):
                    assert_close(b, w, what=f"batch {i} of {what} (no seed: range(N) in order)",
                                 hint=HINTS["batches"])
                continue
            order = np.concatenate(yours)
            if np.array_equal(order, np.arange(N)):
                fail(f"{what}: the batches are in order although a seed was given: shuffle "
                     f"with np.random.default_rng(seed).permutation(N)",
                     f"{what}：給了 seed，批次卻沒有打亂：請用 "
                     f"np.random.default_rng(seed).permutation(N) 打亂", HINTS["batches"])
            if not np.array_equal(order, np.concatenate(self._batches(N, B, seed))):
                fail(f"{what} gave other batches when called again with the same seed: use "
                     f"np.random.default_rng(seed), not the global np.random",
                     f"{what} 用同一個 seed 再呼叫一次卻得到不同的批次：請用 "
                     f"np.random.default_rng(seed)，不要用全域的 np.random", HINTS["batches"])
            if np.array_equal(order, np.concatenate(self._batches(N, B, seeds[1]))):
                fail(f"{what}: seed={seeds[1]} gives the same batches as seed={seed}: the seed "
                     f"must choose the shuffle",
                     f"{what}：seed={seeds[1]} 與 seed={seed} 得到相同的批次：打亂的方式必須由 "
                     f"seed 決定", HINTS["batches"])

    def kfold(self, N: int, K: int) -> None:
        """kfold_indices: K (train, val) pairs whose val parts partition range(N) into blocks of
        sizes differing by at most one, each train the rest; then index by index."""
        what = f"kfold_indices(N={N}, K={K})"
        folds = _as_list(self.submission.kfold_indices(N, K), what)
        if len(folds) != K:
            fail(f"{what} returned {len(folds)} folds; expected K = {K}",
                 f"{what} 回傳了 {len(folds)} 折；應該是 K = {K}", HINTS["kfold"])
        pairs = []
        for k, fold in enumerate(folds):
            train, val = pair(fold, ("train_idx", "val_idx"), f"fold {k} of {what}")
            pairs.append((index_array(train, f"train_idx of fold {k} of {what}"),
                          index_array(val, f"val_idx of fold {k} of {what}")))
        vals = [v for _, v in pairs]
        problem = _partition_problem(vals, N)
        if problem:
            every = np.concatenate(vals)
            detail = ("the validation folds overlap", "各折的驗證集重疊了") \
                if len(np.unique(every)) < len(every) else \
                ("some indices are never in a validation fold",
                 "有些索引從未出現在任何一折的驗證集")
            fail(f"{what}: {detail[0]}; the K validation folds must partition range({N}): "
                 f"{problem[0]}",
                 f"{what}：{detail[1]}；K 折的驗證集必須分割 range({N})：{problem[1]}",
                 HINTS["kfold"])
        sizes = [len(v) for v in vals]
        if max(sizes) - min(sizes) > 1:
            fail(f"{what}: validation fold sizes {sizes} differ by more than one; with N = {N} "
                 f"and K = {K} they are {N // K} or {N // K + 1}",
                 f"{what}：各折驗證集的大小 {sizes} 相差超過一；N = {N}、K = {K} 時應該是 "
                 f"{N // K} 或 {N // K + 1}", HINTS["kfold"])
        for k, (train, val) in enumerate(pairs):
            problem = _partition_problem([train, val], N)
            if problem:
                overlap = ("train_idx and val_idx overlap: the model would be validated on "
                           "examples it trained on", "train_idx 與 val_idx 重疊：模型會在訓練過"
                           "的樣本上驗證") if np.intersect1d(train, val).size else \
                    ("train_idx must be every index not in val_idx", "train_idx 必須是不在 "
                     "val_idx 中的所有索引")
                fail(f"fold {k} of {what}: {overlap[0]}: {problem[0]}",
                     f"{what} 的第 {k} 折：{overlap[1]}：{problem[1]}", HINTS["kfold"])
        want = self.reference.kfold_indices(N, K)
        for k, ((train, val), (want_train, want_val)) in enumerate(zip(pairs, want, strict=True)):
            assert_close(val, want_val, what=f"val_idx of fold {k} of {what}",
                         hint=HINTS["kfold"])
            assert_close(np.sort(train), np.asarray(want_train),
                         what=f"train_idx of fold {k} of {what} (sorted)", hint=HINTS["kfold"])


@pytest.fixture
def batches(submission, reference) -> Batches:
    return Batches(submission, reference)


# --- early stopping ----------------------------------------------------------------------------


def _replay(losses, patience: int, min_delta: float, restore_best: bool, *, wait_offset: int = 0,
            use_delta: bool = True, ties: bool = False, restore: bool | None = None) -> tuple:
    """Early stopping as the contract says, or with one known mistake: wait_offset ±1 (patience
    off by one), use_delta=False (min_delta ignored), ties=True (≤ counts as improving),
    restore (the restore_best flag replaced: always or never restore)."""
    best, best_epoch, wait = math.inf, 0, 0
    restore_best = restore_best if restore is None else restore
    delta = min_delta if use_delta else 0.0
    stop = len(losses) - 1
    for epoch, loss in enumerate(losses):
        if loss < best - delta or (ties and loss <= best - delta):
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience + wait_offset:
                stop = epoch
                break
    return stop, best_epoch if restore_best else stop


STOPPING_MISTAKES = (  # (options of _replay, en, zh)
    ({"wait_offset": 1}, "patience is off by one: training runs one epoch too long. Stop at the "
     "epoch where the count of epochs without improvement REACHES patience (wait >= patience)",
     "patience 差了一：多訓練了一個 epoch。沒有改善的 epoch 數「達到」patience 時"
     "（wait >= patience）就要停止"),
    ({"wait_offset": -1}, "patience is off by one: training stops one epoch too early. With "
     "patience p, stop after p consecutive epochs without improvement, not p − 1",
     "patience 差了一：太早一個 epoch 停止。patience 為 p 時，要連續 p 個 epoch 沒有改善才停止，"
     "不是 p − 1"),
    ({"use_delta": False}, "min_delta is ignored: an epoch improves only when loss < best − "
     "min_delta; smaller gains count as no improvement",
     "忽略了 min_delta：只有 loss < best − min_delta 才算改善；更小的進步算作沒有改善"),
    ({"restore": True}, "best_epoch is the best epoch although restore_best=False: without "
     "restoring, the weights kept are those of the stop epoch",
     "restore_best=False 時 best_epoch 卻是最佳的 epoch：不還原時，保留的是停止那個 epoch 的權重"),
    ({"restore": False}, "best_epoch is the stop epoch although restore_best=True: restoring "
     "keeps the weights of the epoch with the best validation loss",
     "restore_best=True 時 best_epoch 卻是停止的 epoch：還原會保留驗證損失最好的那個 epoch 的權重"),
    ({"ties": True}, "a loss equal to best − min_delta counts as an improvement: the test is "
     "strict, loss < best − min_delta, so a plateau is no improvement",
     "等於 best − min_delta 的 loss 被當成改善：條件是嚴格的 loss < best − min_delta，"
     "持平不算改善"),
)


def _epoch(value, name: str, what: str) -> int:
    number = value.item() if isinstance(value, np.generic) or (
        isinstance(value, np.ndarray) and value.ndim == 0) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)) or \
            not float(number).is_integer():
        fail(f"{name} of {what} is {number!r}; expected an integer epoch",
             f"{what} 的 {name} 是 {number!r}；應該是整數的 epoch", HINTS["early_stopping"])
    return int(number)


class Stopping:
    """The student's early_stopping replayed over loss histories, next to the reference."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def __call__(self, losses: list[float], patience: int, min_delta: float = 0.0,
                 restore_best: bool = True) -> None:
        what = (f"early_stopping(val_losses of {len(losses)} epochs, patience={patience}, "
                f"min_delta={min_delta:g}, restore_best={restore_best})")
        result = self.submission.early_stopping(losses, patience, min_delta, restore_best)
        names = ("stop_epoch", "best_epoch")
        yours = tuple(_epoch(v, n, what) for v, n in zip(fields(result, names, what), names,
                                                           strict=True))
        want = tuple(int(v) for v in self.reference.early_stopping(losses, patience, min_delta,
                                                                    restore_best))
        if yours == want:
            return
        for options, en, zh in STOPPING_MISTAKES:
            if _replay(losses, patience, min_delta, restore_best, **options) == yours:
                fail(f"{what} returned (stop_epoch, best_epoch) = {yours}, expected {want}: {en}",
                     f"{what} 回傳 (stop_epoch, best_epoch) = {yours}，應該是 {want}：{zh}",
                     HINTS["early_stopping"])
        fail(f"{what} returned (stop_epoch, best_epoch) = {yours}, expected {want}",
             f"{what} 回傳 (stop_epoch, best_epoch) = {yours}，應該是 {want}",
             HINTS["early_stopping"])


@pytest.fixture
def stopping(submission, reference) -> Stopping:
    return Stopping(submission, reference)


# --- metrics -----------------------------------------------------------------------------------


def _counts(y_true: np.ndarray, y_pred: np.ndarray, C: int) -> np.ndarray:
    cm = np.zeros((C, C))
    for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True):
        cm[t, p] += 1
    return cm


class Metrics:
    """The student's accuracy, confusion_matrix and per_class_accuracy next to the reference."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def accuracy(self, y_true: np.ndarray, y_pred: np.ndarray) -> None:
        yours = self.submission.accuracy(y_true, y_pred)
        want = self.reference.accuracy(y_true, y_pred)
        N = len(y_true)
        if isinstance(yours, (int, float, np.number)) and not np.isclose(want * N, want) and \
                np.isclose(float(yours), want * N):
            fail(f"accuracy(y_true ({N},), y_pred ({N},)) returned {float(yours):g}, the number "
                 f"of correct predictions; accuracy is the fraction, {want:.6g}",
                 f"accuracy(y_true ({N},), y_pred ({N},)) 回傳了 {float(yours):g}，也就是預測"
                 f"正確的數量；準確率是比例 {want:.6g}",
                 tip("accuracy = mean(y_true == y_pred)", "準確率 = mean(y_true == y_pred)"))
        assert_close(yours, want, hint=tip("accuracy = mean(y_true == y_pred)",
                                           "準確率 = mean(y_true == y_pred)"))

    def confusion(self, y_true: np.ndarray, y_pred: np.ndarray, C: int) -> None:
        yours = self.submission.confusion_matrix(y_true, y_pred, C)
        want = self.reference.confusion_matrix(y_true, y_pred, C)
        truth = _counts(np.asarray(y_true), np.asarray(y_pred), C)
        what = CALLS.describe(yours) or "confusion_matrix"
        if _same(yours, truth.T) and not np.array_equal(truth, truth.T):
            fail(f"{what} is transposed: its rows are the predicted classes. Here cm[i, j] "
                 f"counts examples of TRUE class i predicted as j (rows = true class, as in "
                 f"the seeds' table)",
                 f"{what} 轉置了：它的列是預測類別。這裡 cm[i, j] 計算真實類別為 i、被預測為 j "
                 f"的樣本數（列 = 真實類別，和講義的表一樣）", HINTS["confusion_matrix"])
        assert_close(yours, np.asarray(want), hint=HINTS["confusion_matrix"])

    def per_class(self, y_true: np.ndarray, y_pred: np.ndarray, C: int) -> None:
        yours = self.submission.per_class_accuracy(y_true, y_pred, C)
        want = self.reference.per_class_accuracy(y_true, y_pred, C)
        cm = _counts(np.asarray(y_true), np.asarray(y_pred), C)
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.diag(cm) / cm.sum(axis=0)
        what = CALLS.describe(yours) or "per_class_accuracy"
        if isinstance(yours, np.ndarray) and yours.shape == precision.shape and \
                np.allclose(yours, precision, equal_nan=True) and \
                not np.allclose(precision, np.asarray(want), equal_nan=True):
            fail(f"{what} divides by the number of PREDICTIONS of each class: that is the "
                 f"precision. Per-class accuracy divides by the number of examples whose TRUE "
                 f"label is the class (the seeds' '# SAMPLES' column)",
                 f"{what} 除以每個類別被「預測」的次數：那是精確率 (precision)。各類別準確率要"
                 f"除以「真實標籤」為該類別的樣本數（講義表中的「# SAMPLES」欄）",
                 HINTS["per_class_accuracy"])
        assert_close(yours, np.asarray(want), hint=HINTS["per_class_accuracy"])


@pytest.fixture
def metrics(submission, reference) -> Metrics:
    return Metrics(submission, reference)
