#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine with Swift lacks to build Perplex: OpenBLAS and
# pkg-config, and with --mpi also Open MPI (libopenmpi-dev, openmpi-bin) for the data-parallel
# build. Installs nothing that is present (and nothing on macOS, which uses Accelerate).
set -euo pipefail
[ "$(uname)" = "Darwin" ] && exit 0
packages=()
pkg-config --exists openblas 2>/dev/null || packages+=(libopenblas-dev pkg-config)
if [ "${1:-}" = "--mpi" ]; then
    { pkg-config --exists ompi-c 2>/dev/null && command -v mpirun >/dev/null; } || packages+=(libopenmpi-dev openmpi-bin)
fi
[ ${#packages[@]} -eq 0 ] && exit 0
echo "setup: installing ${packages[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
