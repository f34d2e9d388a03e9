#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the example
# experiment. Results: results/quickstart.h5, summary on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/build.sh
mkdir -p results
./build/crmsim run configs/examples/quickstart.yaml -o results/quickstart.h5 --overwrite "$@"
