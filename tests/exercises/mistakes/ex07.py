"""Exercise 07 (the training loop): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

WRONG = {
    "statistics_fitted_on_the_validation_split": ("""
        def normalize_splits(x_train, x_val, method="minmax"):
            fit, transform = {"minmax": (minmax_fit, minmax_transform),
                              "zscore": (zscore_fit, zscore_transform)}[method]
            stats = fit(x_val)
            return transform(x_train, stats), transform(x_val, stats)
        """, {"test_normalize_splits"}, ["fitted on the validation split"]),
    "statistics_fitted_on_all_the_data": ("""
        def normalize_splits(x_train, x_val, method="minmax"):
            fit, transform = {"minmax": (minmax_fit, minmax_transform),
                              "zscore": (zscore_fit, zscore_transform)}[method]
            stats = fit(np.concatenate([x_train, x_val]))
            return transform(x_train, stats), transform(x_val, stats)
        """, {"test_normalize_splits"}, ["fitted on all the data (train + validation)"]),
    "each_split_scaled_with_its_own_statistics": ("""
        def normalize_splits(x_train, x_val, method="minmax"):
            fit, transform = {"minmax": (minmax_fit, minmax_transform),
                              "zscore": (zscore_fit, zscore_transform)}[method]
            return transform(x_train, fit(x_train)), transform(x_val, fit(x_val))
        """, {"test_normalize_splits"}, ["each split was scaled with its own statistics"]),
    "zscore_along_the_wrong_axis": ("""
        def zscore_fit(x_train):
            x = _f(x_train)
            return ZScoreStats(x.mean(axis=1), _nonzero(x.std(axis=1)))
        """, {"test_zscore", "test_normalize_splits"}, ["taken along axis=1"]),
    "zscore_over_the_whole_array": ("""
        def zscore_fit(x_train):
            x = _f(x_train)
            return ZScoreStats(x.mean(), x.std())
        """, {"test_zscore"}, ["one number for the whole array"]),
    "zscore_with_the_sample_std": ("""
        def zscore_fit(x_train):
            x = _f(x_train)
            return ZScoreStats(x.mean(axis=0), _nonzero(x.std(axis=0, ddof=1)))
        """, {"test_zscore"}, ["the sample std (ddof=1"]),
    "minmax_divides_by_the_max": ("""
        def minmax_transform(x, stats):
            return (_f(x) - stats.lo) / (stats.lo + stats.span)
        """, {"test_minmax"}, ["minmax_transform(x (12, 3)"]),
    "iterations_per_epoch_with_floor": ("""
        def iterations_per_epoch(N, batch_size):
            return N // batch_size
        """, {"test_iterations_per_epoch"}, ["floor ⌊N / batch_size⌋", "partial batch"]),
    "iterations_per_epoch_as_a_float": ("""
        def iterations_per_epoch(N, batch_size):
            return float(math.ceil(N / batch_size))
        """, {"test_iterations_per_epoch"}, ["expected an int"]),
    "minibatches_drop_the_last_partial_batch": ("""
        def minibatch_indices(N, batch_size, seed=None):
            order = np.arange(N)
            if seed is not None:
                order = np.random.default_rng(seed).permutation(N)
            return [order[i * batch_size:(i + 1) * batch_size]
                    for i in range(N // batch_size)]
        """, {"test_minibatch_indices"},
        ["the last, partial batch (the last 1 of the 10 examples) is dropped"]),
    "minibatches_shuffled_by_the_global_generator": ("""
        def minibatch_indices(N, batch_size, seed=None):
            order = np.arange(N) if seed is None else np.random.permutation(N)
            return [order[i:i + batch_size] for i in range(0, N, batch_size)]
        """, {"test_minibatch_indices"}, ["not the global np.random"]),
    "split_ignores_the_seed": ("""
        def train_val_split(N, val_fraction, seed):
            V = int(round(N * val_fraction))
            perm = np.random.default_rng(0).permutation(N)
            return perm[V:], perm[:V]
        """, {"test_train_val_split"}, ["the seed must choose the shuffle"]),
    "split_without_shuffling": ("""
        def train_val_split(N, val_fraction, seed):
            V = int(round(N * val_fraction))
            return np.arange(N - V), np.arange(N - V, N)
        """, {"test_train_val_split"}, ["shuffle the indices before cutting"]),
    "split_with_floor_sizes": ("""
        def train_val_split(N, val_fraction, seed):
            V = int(N * val_fraction)
            perm = np.random.default_rng(seed).permutation(N)
            return perm[V:], perm[:V]
        """, {"test_train_val_split"}, ["expected 40 and 20 = round(60 · 0.33)"]),
    "kfold_train_includes_the_validation_fold": ("""
        def kfold_indices(N, K):
            return [(np.arange(N), val) for val in np.array_split(np.arange(N), K)]
        """, {"test_kfold_indices"}, ["train_idx and val_idx overlap"]),
    "kfold_folds_overlap": ("""
        def kfold_indices(N, K):
            size = -(-N // K)
            folds = [np.arange(min(k * size, N - size), min(k * size, N - size) + size)
                     for k in range(K)]
            return [(np.setdiff1d(np.arange(N), val), val) for val in folds]
        """, {"test_kfold_indices"}, ["the validation folds overlap"]),
    "kfold_drops_the_remainder": ("""
        def kfold_indices(N, K):
            size = N // K
            folds = [np.arange(k * size, (k + 1) * size) for k in range(K)]
            return [(np.setdiff1d(np.arange(N), val), val) for val in folds]
        """, {"test_kfold_indices"}, ["some indices are never in a validation fold"]),
    "kfold_last_fold_takes_the_remainder": ("""
        def kfold_indices(N, K):
            size = N // K
            folds = [np.arange(k * size, N if k == K - 1 else (k + 1) * size)
                     for k in range(K)]
            return [(np.setdiff1d(np.arange(N), val), val) for val in folds]
        """, {"test_kfold_indices"}, ["differ by more than one"]),
    "kfold_larger_folds_last": ("""
        def kfold_indices(N, K):
            folds = np.array_split(np.arange(N)[::-1], K)[::-1]
            return [(np.setdiff1d(np.arange(N), np.sort(v)), np.sort(v)) for v in folds]
        """, {"test_kfold_indices"}, ["val_idx of fold 0 of kfold_indices(N=11, K=4)"]),
    "patience_off_by_one_late": ("""
        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            losses = [float(v) for v in val_losses]
            best_epoch = 0
            for epoch, loss in enumerate(losses):
                if epoch == 0 or loss < losses[best_epoch] - min_delta:
                    best_epoch = epoch
                elif epoch - best_epoch > patience:
                    return EarlyStop(epoch, best_epoch if restore_best else epoch)
            last = len(losses) - 1
            return EarlyStop(last, best_epoch if restore_best else last)
        """, {"test_early_stopping"}, ["patience is off by one: training runs one epoch too long"]),
    "patience_off_by_one_early": ("""
        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            best, best_epoch, wait = float("inf"), 0, 0
            for epoch, loss in enumerate(val_losses):
                if loss < best - min_delta:
                    best, best_epoch, wait = loss, epoch, 0
                else:
                    wait += 1
                    if wait + 1 >= patience:
                        return EarlyStop(epoch, best_epoch if restore_best else epoch)
            last = len(val_losses) - 1
            return EarlyStop(last, best_epoch if restore_best else last)
        """, {"test_early_stopping"}, ["patience is off by one: training stops one epoch too"]),
    "early_stopping_ignores_min_delta": ("""
        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            best, best_epoch, wait = float("inf"), 0, 0
            for epoch, loss in enumerate(val_losses):
                if loss < best:
                    best, best_epoch, wait = loss, epoch, 0
                else:
                    wait += 1
                    if wait >= patience:
                        return EarlyStop(epoch, best_epoch if restore_best else epoch)
            last = len(val_losses) - 1
            return EarlyStop(last, best_epoch if restore_best else last)
        """, {"test_early_stopping"}, ["min_delta is ignored"]),
    "early_stopping_always_restores": ("""
        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            best, best_epoch, wait = float("inf"), 0, 0
            for epoch, loss in enumerate(val_losses):
                if loss < best - min_delta:
                    best, best_epoch, wait = loss, epoch, 0
                else:
                    wait += 1
                    if wait >= patience:
                        return EarlyStop(epoch, best_epoch)
            return EarlyStop(len(val_losses) - 1, best_epoch)
        """, {"test_early_stopping"}, ["although restore_best=False"]),
    "early_stopping_returns_a_number": ("""
        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            return len(val_losses) - 1
        """, {"test_early_stopping"}, ["expected a NamedTuple with the fields stop_epoch"]),
    "accuracy_counts_instead_of_a_fraction": ("""
        def accuracy(y_true, y_pred):
            return int(np.sum(np.asarray(y_true) == np.asarray(y_pred)))
        """, {"test_accuracy"}, ["the number of correct predictions"]),
    "confusion_matrix_transposed": ("""
        def confusion_matrix(y_true, y_pred, C):
            cm = np.zeros((C, C), dtype=np.int64)
            np.add.at(cm, (np.asarray(y_pred), np.asarray(y_true)), 1)
            return cm
        """, {"test_confusion_matrix"}, ["is transposed: its rows are the predicted classes"]),
    "per_class_accuracy_is_precision": ("""
        def per_class_accuracy(y_true, y_pred, C):
            t, p = np.asarray(y_true), np.asarray(y_pred)
            return np.array([np.mean(t[p == c] == c) for c in range(C)])
        """, {"test_per_class_accuracy"}, ["that is the precision"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "constant_feature_divides_by_zero": ("""
        def minmax_fit(x_train):
            x = _f(x_train)
            return MinMaxStats(x.min(axis=0), np.ptp(x, axis=0))

        def zscore_fit(x_train):
            x = _f(x_train)
            return ZScoreStats(x.mean(axis=0), x.std(axis=0))
        """, {"test_constant_feature"}),
    "absent_class_gets_accuracy_zero": ("""
        def per_class_accuracy(y_true, y_pred, C):
            t, p = np.asarray(y_true), np.asarray(y_pred)
            support = np.bincount(t, minlength=C)
            return np.bincount(t[t == p], minlength=C) / np.maximum(support, 1)
        """, {"test_metric_edge_cases"}),
    "a_tie_counts_as_an_improvement": ("""
        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            best, best_epoch, wait = float("inf"), 0, 0
            for epoch, loss in enumerate(val_losses):
                if loss <= best - min_delta:
                    best, best_epoch, wait = loss, epoch, 0
                else:
                    wait += 1
                    if wait >= patience:
                        return EarlyStop(epoch, best_epoch if restore_best else epoch)
            last = len(val_losses) - 1
            return EarlyStop(last, best_epoch if restore_best else last)
        """, {"test_early_stopping_edges"}),
    "confusion_matrix_sized_by_the_labels_seen": ("""
        def confusion_matrix(y_true, y_pred, C):
            t, p = np.asarray(y_true), np.asarray(y_pred)
            n = int(max(t.max(), p.max())) + 1
            return np.bincount(t * n + p, minlength=n * n).reshape(n, n)
        """, {"test_metric_edge_cases"}),
}

# Correct submissions written differently from the reference and _solutions_07: full marks
CORRECT = {
    "python_loops_everywhere": """
        def zscore_fit(x_train):
            rows = [[float(v) for v in row] for row in np.asarray(x_train)]
            N, D = len(rows), len(rows[0])
            mean = [sum(r[d] for r in rows) / N for d in range(D)]
            std = [math.sqrt(sum((r[d] - mean[d]) ** 2 for r in rows) / N) for d in range(D)]
            return ZScoreStats(np.array(mean), np.array([s if s > 0 else 1.0 for s in std]))

        def confusion_matrix(y_true, y_pred, C):
            cm = [[0] * C for _ in range(C)]
            for t, p in zip(list(y_true), list(y_pred)):
                cm[int(t)][int(p)] += 1
            return np.array(cm)

        def per_class_accuracy(y_true, y_pred, C):
            out = []
            for c in range(C):
                mine = [int(p) == c for t, p in zip(y_true, y_pred) if int(t) == c]
                out.append(sum(mine) / len(mine) if mine else float("nan"))
            return np.array(out)

        def kfold_indices(N, K):
            folds, start = [], 0
            for k in range(K):
                size = N // K + (1 if k < N % K else 0)
                val = list(range(start, start + size))
                train = [i for i in range(N) if not start <= i < start + size]
                folds.append((np.array(train, dtype=int), np.array(val, dtype=int)))
                start += size
            return folds

        def iterations_per_epoch(N, batch_size):
            return len(range(0, N, batch_size))
        """,
    "add_at_matrix_and_reference_style_early_stopping": """
        def confusion_matrix(y_true, y_pred, C):
            cm = np.zeros((C, C), dtype=np.int64)
            np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
            return cm

        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            best, best_epoch, wait = math.inf, 0, 0
            for epoch, loss in enumerate(np.asarray(val_losses, dtype=float)):
                if best - loss > min_delta:
                    best, best_epoch, wait = loss, epoch, 0
                    continue
                wait += 1
                if wait == patience:
                    return EarlyStop(epoch, best_epoch if restore_best else epoch)
            return EarlyStop(len(val_losses) - 1, best_epoch if restore_best else
                             len(val_losses) - 1)
        """,
    "plain_tuples_and_the_span_in_the_input_dtype": """
        def minmax_fit(x_train):
            x = np.asarray(x_train)
            lo, hi = x.min(axis=0), x.max(axis=0)
            return lo.astype(np.float64), _nonzero((hi - lo).astype(np.float64))

        def minmax_transform(x, stats):
            lo, span = stats
            return (_f(x) - lo) / span

        def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
            losses = np.asarray(val_losses, dtype=float)
            best_epoch, stop = 0, len(losses) - 1
            for epoch in range(1, len(losses)):
                if losses[epoch] < losses[best_epoch] - min_delta:
                    best_epoch = epoch
                elif epoch - best_epoch == patience:
                    stop = epoch
                    break
            return (int(stop), int(best_epoch if restore_best else stop))
        """,
    "permutation_split_and_per_epoch_generator": """
        def train_val_split(N, val_fraction, seed):
            order = np.arange(N)
            np.random.default_rng(seed).shuffle(order)
            V = round(N * val_fraction)
            return np.sort(order[V:]), order[:V]

        def minibatch_indices(N, batch_size, seed=None):
            order = np.arange(N) if seed is None else \\
                np.random.Generator(np.random.PCG64(seed)).permutation(N)
            return np.array_split(order, range(batch_size, N, batch_size))
        """,
}
