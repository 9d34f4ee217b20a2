#!/usr/bin/env bash
# Installs Hearth: a virtualenv in .venv with exactly the pinned runtime dependencies (requirements.lock).
# The README's first command runs it, and so does the Containerfile: the image is installed the way the README says.
# PYTHON picks the interpreter (default python3); it must be Python 3.11, which the lock's wheels are built for.
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "setup.sh: Hearth needs Python 3.11; $python is $("$python" -V 2>&1). Set PYTHON=python3.11." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/pip install --disable-pip-version-check --no-deps -r requirements.lock
