"""Gradescope: results.json from graded exercises, and an autograder bundle that writes it.

    results.py     results.json for a student's graded exercises, or for a problem
    grading.py     what runs inside the autograder: read ROOT/submission as one student's
                   upload (grader/intake finds each exercise's file), grade it, write
                   results.json
    autograder.py  the autograder zip (setup.sh, run_autograder, the project); its docstring
                   lists the environment variables run_autograder reads
    __main__.py    `python -m grader.gradescope`, as run_autograder calls it

The names callers use are importable from `grader.gradescope` itself.
"""

from grader.gradescope.autograder import export_autograder, runtime_requirements
from grader.gradescope.grading import grade_submission, main, read_upload, run, write_results
from grader.gradescope.results import problem_json, results_json

__all__ = ["export_autograder", "grade_submission", "main", "problem_json", "read_upload",
           "results_json", "run", "runtime_requirements", "write_results"]
