"""Hostile submissions: each costs only the checks it touches; the others still run, and the
grader never crashes. The toy exercise has three checks (double, total, counter); every
submission below is correct except for what it does to `double` or at import time.
"""

from __future__ import annotations

import ast

import pytest

from tests.conftest import TOY, by_name


def reference_without_double() -> str:
    """The toy reference's source without its `double`: what every submission below shares."""
    module = ast.parse((TOY / "01_toy" / "toy_reference.py").read_text())
    module.body = [node for node in module.body if getattr(node, "name", "") != "double"]
    return "\n" + ast.unparse(module) + "\n"


CORRECT_REST = reference_without_double()

# name: (definition of double, expected outcome of test_double, words its message contains)
HOSTILE_DOUBLE = {
    "endless_loop": ("def double(x):\n    while True:\n        pass",
                     "timeout", "did not finish"),
    "sys_exit": ("import sys\ndef double(x):\n    sys.exit(0)", "failed", "sys.exit(0)"),
    "os_exit": ("import os\ndef double(x):\n    os._exit(0)", "crashed", "exit code 0"),
    "keyboard_interrupt": ("def double(x):\n    raise KeyboardInterrupt", "failed",
                           "KeyboardInterrupt"),
    "base_exception": ("def double(x):\n    raise BaseException('boom')", "failed",
                       "BaseException: boom"),
    "memory_bomb_array": ("import numpy as np\ndef double(x):\n    return np.ones(1 << 37)",
                          "failed", "MemoryError"),
    "memory_bomb_list": ("import numpy as np\ndef double(x):\n    junk = []\n"
                         "    while True:\n        junk.append(np.empty(1 << 26))",
                         "failed", "MemoryError"),
    "mutates_input": ("def double(x):\n    x *= 2\n    return x", "failed",
                      "changed its input x"),
    "object_array": ("import numpy as np\ndef double(x):\n"
                     "    return np.array([object()] * x.size).reshape(x.shape)",
                     "failed", "cannot be graded"),
    "ndarray_subclass": ("import numpy as np\nclass Liar(np.ndarray):\n"
                         "    def __eq__(self, other):\n        return True\n"
                         "    def __array_finalize__(self, obj):\n        pass\n"
                         "def double(x):\n    return (3 * x).view(Liar)",
                         "failed", "entries are wrong"),
    "nan": ("import numpy as np\ndef double(x):\n    return x * np.nan", "failed", "nan"),
    "list": ("def double(x):\n    return (2 * x).tolist()", "failed", "returned a list"),
    "monkeypatch_numpy": ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                          "np.testing.assert_allclose = lambda *a, **k: None\n"
                          "np.array_equal = lambda *a, **k: True\n"
                          "def double(x):\n    return 3 * x", "failed", "entries are wrong"),
    "missing_function": ("", "failed", "does not define `double`"),
    "protocol_garbage": ("import os\ndef double(x):\n    for fd in range(3, 12):\n"
                         "        try:\n            os.write(fd, b'\\xff' * 64)\n"
                         "        except OSError:\n            pass\n    return 2 * x",
                         "crashed", "interfered"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_DOUBLE))
def test_hostile_double_costs_only_its_check(toy, grade_source, name):
    source, outcome, words = HOSTILE_DOUBLE[name]
    result = grade_source(toy, source + "\n" + CORRECT_REST)
    checks = by_name(result)
    assert checks["test_double"].outcome == outcome, checks["test_double"].message
    assert words in checks["test_double"].message
    assert checks["test_total"].passed, checks["test_total"].message
    assert checks["test_counter"].passed, checks["test_counter"].message
    assert result.score == 2 and result.max_score == 3 and result.exit_code == 1


# name: (the whole submission, words every check's message contains)
HOSTILE_IMPORT = {
    "syntax_error": ("def double(x)\n    return 2 * x\n", "SyntaxError"),
    "failing_import": ("import a_module_that_does_not_exist\n", "ModuleNotFoundError"),
    "exit_at_import": ("import sys\nsys.exit(3)\n", "SystemExit"),
    "os_exit_at_import": ("import os\nos._exit(1)\n", "exit code 1"),
    "loop_at_import": ("while True:\n    pass\n", "more than 5.0 s"),
    "imports_the_reference": ("from reference.losses import mse\n", "not available"),
    "imports_the_grader": ("import grader.plugin\n", "not available"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_IMPORT))
def test_hostile_import_fails_every_check_cleanly(toy, grade_source, name):
    source, words = HOSTILE_IMPORT[name]
    result = grade_source(toy, source + CORRECT_REST)
    assert len(result.checks) == 3 and result.score == 0
    for check in result.checks:
        assert check.outcome in ("import_error", "timeout"), check.message
        assert words in check.message
    assert result.exit_code == 1


def test_megabytes_of_printing_are_capped_and_the_check_still_passes(toy, grade_source):
    source = ("import os\ndef double(x):\n    for _ in range(8):\n"
              "        print('x' * 1_000_000)\n"
              "    os.write(1, b'raw' * 100_000)\n    os.write(2, b'err' * 100_000)\n"
              "    return 2 * x\n")
    result = grade_source(toy, source + CORRECT_REST)
    check = by_name(result)["test_double"]
    assert check.passed, check.message
    assert 0 < len(check.stdout) < 5_000
    assert result.score == 3


def test_printed_output_is_shown_with_a_failure(toy, grade_source):
    source = "def double(x):\n    print('debug: x has shape', x.shape)\n    return x\n"
    check = by_name(grade_source(toy, source + CORRECT_REST))["test_double"]
    assert check.outcome == "failed"
    assert "debug: x has shape (3, 4)" in check.stdout


def test_a_timeout_restarts_the_worker_and_loses_its_objects(toy, grade_source):
    source = CORRECT_REST + "\ndef double(x):\n    while True:\n        pass\n"
    checks = by_name(grade_source(toy, source))
    assert checks["test_double"].outcome == "timeout"
    assert checks["test_double"].duration < 5
    assert checks["test_counter"].passed


def test_the_untouched_stub_scores_zero_as_not_implemented(toy, grade_source):
    result = grade_source(toy, (toy.stub_path).read_text())
    assert [c.outcome for c in result.checks] == ["not_implemented"] * 3
    assert result.score == 0 and result.exit_code == 1


def test_returning_a_generator_says_what_came_back(toy, grade_source):
    source = "def double(x):\n    return (2 * v for v in x)\n"
    check = by_name(grade_source(toy, source + CORRECT_REST))["test_double"]
    assert check.outcome == "failed"
    assert "returned a generator; expected a NumPy array" in check.message
