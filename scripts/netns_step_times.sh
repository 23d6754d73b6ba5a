#!/usr/bin/env bash
# Step time of the small LSTM (the recipe's 2×200, bptt 35) on one rank and on two ranks over the
# shaped link of scripts/netns_pair.sh (one rank per network namespace), with and without
# overlap and sparse embedding rows; prints a markdown table. Needs root and the MPI build.
#
#   scripts/netns_step_times.sh [DATA] [BATCH] [STEPS] [REPEATS]
#       DATA     corpus folder (default /work/shared/data/ptb-small)
#       BATCH    per-rank batch (default 20), STEPS timed steps per run (default 60),
#       REPEATS  runs of each configuration, interleaved; the table gives the median (default 3)
# Environment: PERPLEX_MPI_BINARY (default .build-mpi/release/perplex), THREADS per rank (1),
# RATE (1gbit), DELAY (0.5ms; dropped where the kernel has no netem).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/work/shared/data/ptb-small}
batch=${2:-20}
steps=${3:-60}
repeats=${4:-3}
bin=$(realpath "${PERPLEX_MPI_BINARY:-.build-mpi/release/perplex}")
threads=${THREADS:-1}
[ -x "$bin" ] || { echo "netns_step_times.sh: no $bin (make mpi)" >&2; exit 1; }
[[ $("$bin" --version) == *"Open MPI"* ]] || { echo "netns_step_times.sh: $bin is not an MPI build" >&2; exit 1; }
out=$(mktemp -d /tmp/netns_steps.XXXXXX)
trap 'rm -rf "$out"' EXIT

model=(--data "$data" --model LSTM --emsize 200 --nhid 200 --nlayers 2 --bptt 35 --dropout 0.2
    --batch-size "$batch" --epochs 1 --max-batches "$steps" --log-interval 1000000 --overwrite --profile)

# Milliseconds per step from a run's "| training speed N tokens/s" (tokens of all ranks).
step_ms() {
    local ranks=$1 log=$2 speed
    speed=$(grep -o 'training speed [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    [ -n "$speed" ] || { echo "netns_step_times.sh: no training speed in $log:" >&2; cat "$log" >&2; exit 1; }
    echo "$ranks $speed" | awk '{ printf "%.0f", 1000 * $1 * '"$batch"' * 35 / $2 }'
}

declare -A times stages
# "forward+backward ms / exchange-after-backward ms" per step from rank 0's --profile table.
stage_ms() {
    awk -v steps="$steps" -F'|' '$2 ~ /^ *(forward|backward) *$/ { c += $3 } $2 ~ /^ *all-reduce *$/ { x += $3 }
        END { printf "%.0f/%.0f", 1000 * c / steps, 1000 * x / steps }' "$1"
}
run_one() {
    local name=$1
    shift
    local log="$out/$name.log"
    if [ "$name" = single ]; then
        PERPLEX_THREADS=$threads "$bin" train "${model[@]}" --save "$out/run-single" >"$log" 2>&1
        times[$name]+="$(step_ms 1 "$log") "
        stages[$name]+="$(stage_ms "$log") "
    elif [ "$name" = twice ]; then
        # Two independent single ranks at once: the compute of a pair's step on these shared
        # cores, without any exchange (the slower one counts, as a pair waits for it).
        PERPLEX_THREADS=$threads "$bin" train "${model[@]}" --save "$out/run-twice-b" >"$log.b" 2>&1 &
        PERPLEX_THREADS=$threads "$bin" train "${model[@]}" --save "$out/run-twice" >"$log" 2>&1
        wait
        local a b
        a=$(step_ms 1 "$log")
        b=$(step_ms 1 "$log.b")
        times[$name]+="$((a > b ? a : b)) "
        stages[$name]+="$(stage_ms "$log") "
    else
        MPIRUN_OPTIONS="-x PERPLEX_THREADS=$threads" scripts/netns_pair.sh --rate "${RATE:-1gbit}" --delay "${DELAY:-0.5ms}" \
            --mpirun -- "$bin" train "${model[@]}" --save "$out/run-$name" "$@" >"$log" 2>&1
        times[$name]+="$(step_ms 2 "$log") "
        stages[$name]+="$(stage_ms "$log") "
        grep -o 'all-reduce [0-9.]* ms/step[^)]*)' "$log" >"$out/$name.allreduce" || true
    fi
}

configs=(single twice dense overlap sparse both)
declare -A flags=([dense]="--no-overlap --no-sparse-embedding" [overlap]="--no-sparse-embedding" [sparse]="--no-overlap" [both]="")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < repeats; r++)); do
    for c in "${configs[@]}"; do
        # shellcheck disable=SC2086
        run_one "$c" ${flags[$c]:-}
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
single=$(echo "${times[single]}" | median)
echo
echo "| run (LSTM 2×200, batch $batch per rank, bptt 35, $threads thread(s) per rank) | step ms (median of $repeats; all runs) | × one rank | forward+backward / exchange after backward, ms per step (each run) | rank 0's summary of the last run |"
echo "| --- | ---: | ---: | --- | --- |"
declare -A label=([single]="1 rank" [twice]="2 single ranks at once, no exchange" [dense]="2 ranks, no overlap, dense embedding" [overlap]="2 ranks, overlap, dense embedding"
    [sparse]="2 ranks, no overlap, sparse rows" [both]="2 ranks, overlap + sparse rows")
for c in "${configs[@]}"; do
    m=$(echo "${times[$c]}" | median)
    ratio=$(awk "BEGIN { printf \"%.2f\", $m / $single }")
    note=$(cat "$out/$c.allreduce" 2>/dev/null | tail -1 || true)
    echo "| ${label[$c]} | $m (${times[$c]% }) | $ratio | ${stages[$c]% } | ${note:-—} |"
done
