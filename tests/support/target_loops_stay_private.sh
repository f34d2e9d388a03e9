#!/bin/sh
# Loops compiled once per vector target (CRMSIM_LOOP_SOURCES in
# CMakeLists.txt) must define no code that another file could link to
# except their entry points, the instances of *_on<sim::Isa> for their own
# target. Anything else with external linkage (an inline function or a
# template instance, weak in every object that emits it) would be one
# definition among several, and the linker keeps one of them: the copy
# compiled for AVX-512 could then run in the general code or on a
# processor without AVX-512. Each object's instances are kept private by
# tagging its packs with a type of its own (sim/simd/Pack.hpp).
#
#   target_loops_stay_private.sh NM OBJECTS...   (OBJECTS: paths, or lists of them joined by ';')
set -eu
nm=$1
shift
status=0
for object in $(printf '%s\n' "$@" | tr ';' '\n'); do
    # Code symbols visible outside the object: T (global), W (weak), i (indirect).
    leaks=$("$nm" -C --defined-only "$object" | awk '$2 ~ /^[TWi]$/ { $1 = ""; $2 = ""; print }' |
        grep -Ev '^ +[a-z:_ ]*models::[a-z_]+_on<\(sim::Isa\)[0-9]>\(' || true)
    entries=$("$nm" -C --defined-only "$object" | awk '$2 == "T"' | grep -c '_on<(sim::Isa)' || true)
    if [ -n "$leaks" ]; then
        echo "$object defines code other objects could link to:" >&2
        echo "$leaks" >&2
        status=1
    fi
    if [ "$entries" -eq 0 ]; then
        echo "$object defines no entry point *_on<sim::Isa>: nothing was checked" >&2
        status=1
    fi
done
exit $status
