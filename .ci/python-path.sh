#!/usr/bin/env bash
# Makes the crmsim Python package (experiments/python/crmsim) importable by Debian's
# /usr/bin/python3 from any folder: writes crmsim.pth, naming experiments/python, into
# that interpreter's first site folder (/usr/local/lib/python3.X/dist-packages).
# Without the right to write there (not root), it prints the PYTHONPATH to set instead.
# CRMSIM_PYTHON_SITE names another folder (the tests use a scratch one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${CRMSIM_PYTHON:-/usr/bin/python3}
site=${CRMSIM_PYTHON_SITE:-$("$python" -c 'import site; print(site.getsitepackages()[0])')}
if mkdir -p "$site" 2>/dev/null && [ -w "$site" ]; then
  echo "$root/experiments/python" > "$site/crmsim.pth"
  echo "crmsim: Python package importable by $python ($site/crmsim.pth)"
else
  echo "crmsim: to use the Python package, set: export PYTHONPATH=$root/experiments/python" >&2
fi
