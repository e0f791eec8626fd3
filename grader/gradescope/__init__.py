"""Gradescope: results.json from graded exercises, and an autograder bundle that writes it.

    results.py     results.json for a student's graded exercises, or for a problem
    matching.py    the student's files in a submission, matched to exercises
    grading.py     what runs inside the autograder: grade ROOT/submission, write results.json
    autograder.py  the autograder zip (setup.sh, run_autograder, the project); its docstring
                   lists the environment variables run_autograder reads
    __main__.py    `python -m grader.gradescope`, as run_autograder calls it

The names callers use are importable from `grader.gradescope` itself.
"""

from grader.gradescope.autograder import export_autograder, runtime_requirements
from grader.gradescope.grading import grade_submission, main, run, write_results
from grader.gradescope.matching import defined_functions, match_files, submitted_files
from grader.gradescope.results import problem_json, results_json

__all__ = ["defined_functions", "export_autograder", "grade_submission", "main",
           "match_files", "problem_json", "results_json", "run", "runtime_requirements",
           "submitted_files", "write_results"]
