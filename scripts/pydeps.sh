#!/usr/bin/env bash
# The Python tools the tests use, in one virtual environment under .build/py:
# schemathesis (API fuzzing), standardwebhooks (signature interop) and jsonschema (the Discord contract). Prints the python path.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .build/py/bin/python ] || ! .build/py/bin/python -c 'import schemathesis, standardwebhooks, jsonschema' 2>/dev/null; then
  python3 -m venv .build/py >&2
  .build/py/bin/pip install -q 'schemathesis>=4,<5' standardwebhooks jsonschema >&2
fi
echo "$PWD/.build/py/bin/python"
