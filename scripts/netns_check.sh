#!/usr/bin/env bash
# The two-machine check: one process with batch 20, then two ranks with batch 10 each in two
# network namespaces over the shaped link (scripts/netns_pair.sh), overlap and sparse embedding
# rows on (the defaults) and off; every per-step loss, the test loss and every checkpoint tensor
# must match the single process as DistributedTests demands (1e-4 relative), and the two-rank
# runs must match each other bit for bit. About a minute on 2 cores. Needs root and the MPI build.
#
#   scripts/netns_check.sh            # PERPLEX_MPI_BINARY overrides .build-mpi/release/perplex
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${PERPLEX_MPI_BINARY:-.build-mpi/release/perplex}")
[[ $("$bin" --version) == *"Open MPI"* ]] || { echo "netns_check.sh: $bin is not an MPI build (make mpi)" >&2; exit 1; }
out=$(mktemp -d /tmp/netns_check.XXXXXX)
trap 'rm -rf "$out"' EXIT
small=(--builtin-sentences 1500 --emsize 32 --nhid 32 --bptt 10 --dropout 0 --log-interval 1 --epochs 1 --max-batches 50)
start=$(date +%s)
"$bin" train --batch-size 20 --save "$out/single" "${small[@]}" >"$out/single.log" 2>&1
for mode in both neither; do
    flags=()
    [ $mode = neither ] && flags=(--no-overlap --no-sparse-embedding)
    scripts/netns_pair.sh --mpirun -- "$bin" train --batch-size 10 --save "$out/$mode" "${small[@]}" "${flags[@]}" \
        >"$out/$mode.log" 2>&1 || { cat "$out/$mode.log" >&2; exit 1; }
    grep -q "data-parallel over 2 ranks" "$out/$mode.log" || { cat "$out/$mode.log" >&2; exit 1; }
done
python3 - "$out" <<'EOF'
import json, struct, sys
out = sys.argv[1]

def losses(run):
    values = []
    for line in open(f"{out}/{run}/metrics.jsonl"):
        o = json.loads(line)
        for key in ("loss", "valid_loss", "test_loss"):
            if o.get("type") in ("batch", "epoch", "test") and key in o:
                values.append(o[key])
    return values

def tensors(run):
    data = open(f"{out}/{run}/model.safetensors", "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    result = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        result[name] = struct.unpack(f"<{(b - a) // 4}f", data[8 + n + a:8 + n + b])
    return result

single, both, neither = losses("single"), losses("both"), losses("neither")
assert len(single) == len(both) > 50, (len(single), len(both))
worst = max(abs(a - b) / max(abs(a), 1e-12) for a, b in zip(single, both))
assert worst <= 1e-4, f"losses differ from the single process by {worst:.2e}"
assert both == neither, "overlap and sparse rows changed the losses"
ts, tb, tn = tensors("single"), tensors("both"), tensors("neither")
for name, values in ts.items():
    largest = max(max(abs(v) for v in values), 1)
    diff = max(abs(a - b) for a, b in zip(values, tb[name]))
    assert diff <= 1e-4 * largest, f"{name}: {diff}"
    assert tb[name] == tn[name], f"{name}: overlap and sparse rows changed the checkpoint"
print(f"netns_check: {len(single)} losses within {worst:.1e} of one process; overlap + sparse rows = neither, bit for bit")
EOF
echo "netns_check: passed in $(($(date +%s) - start)) s"
