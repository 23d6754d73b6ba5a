#!/usr/bin/env bash
# nanoGPT's own config (config/train_shakespeare_char.py: 6 layers, 6 heads, 384 wide, block 256,
# batch 64, dropout 0.2) on this machine's CPU for a few iterations, beside the same run in
# Perplex: median ms per iteration (iterations 4 on) and peak RSS of each, speed and memory only.
# nanoGPT runs unmodified apart from --device=cpu --compile=False (set up as for
# scripts/nanogpt_compare.sh). PRECISION=bf16 runs Perplex with `--precision bf16` (nanoGPT on a
# CPU has only Float32).
#
#   [PRECISION=bf16] scripts/nanogpt_compare_large.sh NANOGPT_DIR [ITERS (default 20)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nano=$(cd "$1" && pwd)
iters=${2:-20}
perplex=${PERPLEX:-$root/.build/release/perplex}
out=$(mktemp -d)
(cd "$nano" && /usr/bin/time -v python3 train.py config/train_shakespeare_char.py --device=cpu --compile=False \
    --eval_iters=2 --log_interval=1 --max_iters=$iters --lr_decay_iters=$iters --out_dir="$out/nano" \
    > "$out/nano.log" 2> "$out/nano.time")
/usr/bin/time -v "$perplex" train --precision "${PRECISION:-fp32}" --model GPT --tokenizer char --data "$root/../shared/data/tinyshakespeare/input.txt" \
    --block-size 256 --batch-size 64 --n-layer 6 --n-head 6 --n-embd 384 --dropout 0.2 --learning-rate 1e-3 \
    --min-lr 1e-4 --beta2 0.99 --warmup-iters 100 --eval-interval 250 --eval-iters 2 --log-interval 1 \
    --max-iters "$iters" --lr-decay-iters "$iters" --save "$out/perplex" > "$out/perplex.log" 2> "$out/perplex.time"
python3 - "$out" <<'PY'
import re, statistics, sys
out = sys.argv[1]
rows = {}
for name in ("nano", "perplex"):
    text = open(f"{out}/{name}.log").read()
    times = [float(t) for i, t in re.findall(r"iter (\d+): loss [\d.]+, time ([\d.]+) ?ms", text) if int(i) >= 4]
    rss = [float(l.split()[-1]) / 1024 / 1024 for l in open(f"{out}/{name}.time") if "Maximum resident" in l][0]
    rows[name] = (statistics.median(times), rss)
    print(f"{name:8s} median {rows[name][0]:.0f} ms/iter (iterations 4 on)  peak RSS {rss:.2f} GiB")
(nm, nr), (pm, pr) = rows["nano"], rows["perplex"]
print(f"Perplex / nanoGPT: speed {nm / pm:.2f}x, peak RSS {pr / nr:.2f}x")
PY
echo "logs in $out"
