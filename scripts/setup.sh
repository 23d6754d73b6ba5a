#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine with Swift lacks to build Perplex: OpenBLAS and
# pkg-config. Does nothing when they are present (or on macOS, which uses Accelerate).
set -euo pipefail
[ "$(uname)" = "Darwin" ] && exit 0
if pkg-config --exists openblas 2>/dev/null; then exit 0; fi
echo "setup: installing libopenblas-dev and pkg-config" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq libopenblas-dev pkg-config >/dev/null
