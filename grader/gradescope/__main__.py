"""`python -m grader.gradescope`: what run_autograder runs inside Gradescope's autograder."""

import sys

from grader.gradescope.grading import main

if __name__ == "__main__":
    sys.exit(main())
