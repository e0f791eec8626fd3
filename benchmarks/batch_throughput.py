"""Throughput of `grade batch` on 200 generated submissions, 1 worker against 2, against the
grading of one submission measured in the same run.

    single   runner.grade(exercise, correct_file, hidden=True) in this process, warm: what
             `grade exercise NN` does (plus the hidden checks), without the Python start
    cli      `grade exercise NN --file correct_file` as a fresh process (visible checks only:
             what a student waits for), for reference
    batch    run_batch on the generated folder into a fresh gradebook, with 1 and 2 workers

Submissions are generated reproducibly (--seed) into a temporary folder, mixed like a real
class: correct (a second, independent solution), the untouched stub, partly wrong (one to three
known slips), a syntax error, and correct but slow (Python loops over elements).

Printed: submissions/s per worker count and the speed-up 2 vs 1; per submission, the batch's
worker-seconds (wall time x workers / submissions) against the sum of its checks' durations
(each result's check durations, the untrusted worker's start included in the first check),
the difference being the overhead: pytest and the sandbox set-up of each grading, the pool,
intake and the gradebook writes; the same split for the single grading, as the baseline.

    python benchmarks/batch_throughput.py [--exercise 01] [--count 200] [--isolation auto]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import catalog  # noqa: E402
from grader.batch import run_batch  # noqa: E402
from grader.runner import grade  # noqa: E402
from tests.exercises._solutions import solution_source  # noqa: E402

# (what a student gets wrong, as a text edit of the correct solution)
SLIPS = {
    "01": [
        ("(y_pred - y_true) * (2.0 / y_pred.size)", "(y_pred - y_true) * (1.0 / y_pred.size)"),
        ("return -y * active / y.size", "return y * active / y.size"),
        ("return float(np.abs(d).sum() / d.size)", "return float(np.abs(d).sum())"),
        ("return -y / np.clip(p, EPS, 1 - EPS) / p.shape[0]",
         "return -y / np.clip(p, EPS, 1 - EPS)"),
        ("return float(-np.einsum(\"nc,nc->\", y, log_p) / p.shape[0])",
         "return float(-np.einsum(\"nc,nc->\", y, log_p))"),
    ],
    "02": [
        ("return dout * out * (1.0 - out)", "return dout * out * (1.0 + out)"),
        ("    (mask,) = cache\n    return dout * mask", "    (mask,) = cache\n    return dout"),
        ("return dout * (1.0 - out**2)", "return dout * (1.0 - out)"),
        ("slope = np.where(x > 0, 1.0, alpha)", "slope = np.where(x > 0, 1.0, 0.0)"),
    ],
}
# correct but slow: element-by-element Python loops, appended (a later def wins)
SLOW = {
    "01": '''

def mse(y_pred, y_true):
    a = np.ravel(np.asarray(y_pred, dtype=float))
    b = np.ravel(np.asarray(y_true, dtype=float))
    total = 0.0
    for i in range(a.size):
        total += (a[i] - b[i]) ** 2
    return total / a.size


def mae_grad(y_pred, y_true):
    a = np.asarray(y_pred, dtype=float)
    b = np.asarray(y_true, dtype=float)
    out = np.zeros(a.shape)
    for index in np.ndindex(a.shape):
        d = a[index] - b[index]
        out[index] = (d > 0) - (d < 0)
    return out / a.size
''',
    "02": '''

def relu_forward(x):
    x = np.asarray(x, dtype=float)
    out = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = x[index] if x[index] > 0 else 0.0
    return out, (x > 0,)
''',
}
MIX = (("correct", 30), ("stub", 15), ("partly wrong", 30), ("syntax error", 10), ("slow", 15))


def submission(kind: str, code: str, stub: str, rng: random.Random) -> str:
    correct = solution_source()
    if kind == "correct":
        return correct
    if kind == "stub":
        return stub
    if kind == "partly wrong":
        text = correct
        for old, new in rng.sample(SLIPS[code], rng.randint(1, 3)):
            assert old in text, old
            text = text.replace(old, new)
        return text
    if kind == "syntax error":
        lines = correct.splitlines()
        at = rng.randrange(len(lines) // 3, len(lines))
        return "\n".join(lines[:at] + ["def broken(:"] + lines[at:]) + "\n"
    return correct + SLOW[code]


def generate(folder: Path, exercise: catalog.Exercise, count: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    stub = exercise.stub_path.read_text(encoding="utf-8")
    weights = [kind for kind, weight in MIX for _ in range(weight)]  # percentages
    kinds = [weights[i * len(weights) // count] for i in range(count)]
    rng.shuffle(kinds)
    made: dict[str, int] = {}
    for i, kind in enumerate(kinds):
        made[kind] = made.get(kind, 0) + 1
        path = folder / f"student{i:03d}" / exercise.stub
        path.parent.mkdir(parents=True)
        path.write_text(submission(kind, exercise.code, stub, rng), encoding="utf-8")
    return made


def single_baseline(exercise: catalog.Exercise, correct: Path, runs: int) -> tuple[float, float]:
    """Median (wall, sum of check durations) of runner.grade on one correct submission."""
    grade(exercise, correct, hidden=True)  # warm-up: imports, disk cache
    walls, checks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = grade(exercise, correct, hidden=True)
        walls.append(time.perf_counter() - started)
        checks.append(sum(c.duration for c in result.checks))
    return statistics.median(walls), statistics.median(checks)


def cli_baseline(exercise: catalog.Exercise, correct: Path, runs: int) -> float:
    argv = [str(Path(sys.executable).with_name("grade")), "exercise", exercise.code, "--file",
            str(correct)]
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(argv, cwd=REPO, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="01")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=7, help="runs of each single baseline")
    parser.add_argument("--isolation", default="auto", choices=("auto", "process", "bwrap"))
    args = parser.parse_args()
    os.environ.setdefault("GRADE_EXERCISES", str(REPO / "exercises"))
    exercise = catalog.find(args.exercise)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as scratch:
        scratch = Path(scratch)
        made = generate(scratch / "submissions", exercise, args.count, args.seed)
        correct = scratch / "correct" / exercise.stub
        correct.parent.mkdir()
        correct.write_text(solution_source(), encoding="utf-8")
        single, single_checks = single_baseline(exercise, correct, args.runs)
        cli = cli_baseline(exercise, correct, args.runs)
        summaries = {}
        for workers in (1, 2):
            summaries[workers] = run_batch(scratch / "submissions",
                                           scratch / f"gradebook-{workers}.sqlite",
                                           workers=workers, exercises=[exercise.code],
                                           isolation=args.isolation)
    print(f"exercise {exercise.code}: {args.count} submissions "
          + ", ".join(f"{n} {kind}" for kind, n in made.items()))
    print(f"baseline single grading (hidden included, warm): {single:.3f} s, of which checks "
          f"{single_checks:.3f} s, overhead {single - single_checks:.3f} s")
    print(f"baseline `grade exercise {exercise.code} --file` (fresh process, visible only): "
          f"{cli:.3f} s")
    for workers, summary in summaries.items():
        n = summary.graded
        per = summary.seconds * workers / n
        checks = summary.check_seconds / n
        overhead = per - checks
        print(f"{workers} worker{'s' if workers > 1 else ' '}: {n} graded in "
              f"{summary.seconds:.1f} s = {n / summary.seconds:.2f} submissions/s")
        print(f"    per submission {per:.3f} worker-s = checks {checks:.3f} s + overhead "
              f"{overhead:.3f} s ({overhead / per:.0%}); the single grading's overhead is "
              f"{single - single_checks:.3f} s, so the batch adds "
              f"{1000 * (overhead - (single - single_checks)):.0f} ms per submission")
    first = next(iter(summaries.values()))
    print(f"mean score {first.exercises[0].mean_score:.1f} / {first.exercises[0].max_score:g}; "
          f"isolation: {first.isolation}")
    speedup = summaries[1].seconds / summaries[2].seconds
    print(f"speed-up 2 vs 1 worker: {speedup:.2f}x (ideal 2.00x)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
