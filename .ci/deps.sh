#!/usr/bin/env bash
# Installs the Debian 12 packages crmsim needs that are not installed yet.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

packages=(
  cmake make g++ pkg-config git
  libboost-dev libboost-random-dev libboost-graph-dev libboost-program-options-dev
  libhdf5-dev libeigen3-dev libyaml-cpp-dev librandom123-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  openmpi-bin libopenmpi-dev
  clang libclang-rt-14-dev libomp-14-dev
  python3 python3-h5py python3-pandas python3-matplotlib python3-scipy python3-yaml
  python3-nbclient python3-nbformat python3-ipykernel
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "crmsim: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "crmsim: run as root, or install them yourself: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
