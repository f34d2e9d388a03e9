#!/usr/bin/env bash
# Configures and builds crmsim (Release) into build/, and makes the crmsim Python package
# importable by /usr/bin/python3 (.ci/python-path.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
bash .ci/python-path.sh
