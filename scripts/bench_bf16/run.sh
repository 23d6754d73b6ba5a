#!/usr/bin/env bash
# Builds scripts/bench_bf16/bench_bf16.c against the CBF16 sources, OpenBLAS and Debian's oneDNN
# (apt-get install libdnnl-dev libopenblas-dev) and runs it on 1 and 2 threads.
set -euo pipefail
cd "$(dirname "$0")/../.."
CC=${CC:-clang}
out=${TMPDIR:-/tmp}/bench_bf16
$CC -O2 -ISources/CBF16/include -I/usr/include/x86_64-linux-gnu/openblas-pthread \
    Sources/CBF16/*.c scripts/bench_bf16/bench_bf16.c \
    $(pkg-config --libs openblas) -ldnnl -lpthread -lm -o "$out"
uptime
for threads in ${THREADS:-1 2}; do
    OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads "$out" "$threads"
done
