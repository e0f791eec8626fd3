"""How long a student waits for `grade exercise NN`, against two baselines in the same run.

    floor     python -c "import numpy"                      (a Python start with NumPy)
    pytest    the same visible checks, plain pytest in one process, no sandbox
    grade     grade exercise NN --file SOLUTION             (what the student runs)

Each command is run as a fresh process, `--runs` times, interleaved so that machine noise
hits all three alike; the medians and the ratios grade/floor and grade/pytest are printed.
Targets (issue 2): grade median <= 1.0 s and <= 2x the plain-pytest baseline.

    python benchmarks/grade_speed.py [--exercise 01] [--file SOLUTION] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import catalog  # noqa: E402
from tests.exercises._solutions import solution_source  # noqa: E402


def timed(argv: list[str], expect: tuple[int, ...], cwd: Path) -> float:
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in expect:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}"
                         f"{done.stderr}")
    return elapsed


def commands(exercise: catalog.Exercise, solution: Path) -> dict[str, tuple[list[str], tuple]]:
    tests = str(exercise.folder / "tests" / "test_visible.py")
    grade = str(Path(sys.executable).with_name("grade"))
    return {
        "floor": ([sys.executable, "-c", "import numpy"], (0,)),
        "pytest": ([sys.executable, "-m", "pytest", tests, "-q", "-p", "grader.plugin",
                    "-p", "no:cacheprovider", "--no-sandbox", "--submission", str(solution),
                    "-c", str(REPO / "grader" / "grade.ini"), "--rootdir",
                    str(exercise.folder), "--import-mode=importlib"], (0,)),
        "grade": ([grade, "exercise", exercise.code, "--file", str(solution)], (0,)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="01")
    parser.add_argument("--file", type=Path, help="a correct submission (default: built in)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exercise = catalog.find(args.exercise, REPO / "exercises")
    with tempfile.TemporaryDirectory() as scratch:
        solution = args.file
        if solution is None:
            solution = Path(scratch) / exercise.stub
            solution.write_text(solution_source(), encoding="utf-8")
        runs = commands(exercise, solution.resolve())
        times: dict[str, list[float]] = {name: [] for name in runs}
        for argv, expect in runs.values():  # one warm-up each (disk cache, .pyc)
            timed(argv, expect, REPO)
        for _ in range(args.runs):
            for name, (argv, expect) in runs.items():
                times[name].append(timed(argv, expect, REPO))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"exercise {exercise.code}, {args.runs} runs each, medians (min – max):")
    for name, values in times.items():
        print(f"  {name:7s} {median[name]:6.3f} s   ({min(values):.3f} – {max(values):.3f})")
    print(f"  grade / floor  = {median['grade'] / median['floor']:.2f}x")
    print(f"  grade / pytest = {median['grade'] / median['pytest']:.2f}x   (target <= 2x)")
    print(f"  grade median   = {median['grade']:.3f} s   (target <= 1.0 s)")


if __name__ == "__main__":
    main()
