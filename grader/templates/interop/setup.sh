#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (written by
# `grade export-gradescope`; see grader/gradescope/). It makes a virtual environment with
# this project's dependencies (NumPy, pytest ...) and the project itself, from project/.
# run_autograder grades with the source copy in project/ either way (PYTHONPATH).
set -euo pipefail

SOURCE="${GRADE_AUTOGRADER_SOURCE:-/autograder/source}"
VENV="${GRADE_AUTOGRADER_VENV:-/autograder/venv}"

if command -v apt-get >/dev/null 2>&1; then
  apt-get update -y
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    python3 python3-venv python3-pip
fi
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || { echo "this autograder needs Python 3.10 or newer" >&2; exit 1; }

python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install -r "$SOURCE/project/requirements.txt"
if [ -f "$SOURCE/project/pyproject.toml" ]; then
  "$VENV/bin/python" -m pip install --no-deps "$SOURCE/project"
fi
