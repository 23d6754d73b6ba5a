#!/usr/bin/env bash
# nanoGPT's "I only have a MacBook" run (README of karpathy/nanoGPT) beside the same run in
# Perplex, one after the other on this machine: final validation loss, training speed and peak
# RSS of each. nanoGPT runs unmodified from a checkout prepared as its README says
# (data/shakespeare_char/prepare.py, with input.txt copied in from ../shared/data/tinyshakespeare);
# a second seed shifts torch.manual_seed through a wrapper, since train.py fixes 1337.
#
# PRECISION=bf16 trains Perplex with `--precision bf16` (nanoGPT on a CPU runs in Float32).
#
#   [PRECISION=fp32|bf16] scripts/nanogpt_compare.sh NANOGPT_DIR [SEEDS (default "0 1")] [ITERS (default 2000)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nano=$(cd "$1" && pwd)
seeds=${2:-0 1}
iters=${3:-2000}
perplex=${PERPLEX:-$root/.build/release/perplex}
precision=${PRECISION:-fp32}
out=$(mktemp -d)
flags=(--block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=$iters --lr_decay_iters=$iters --dropout=0.0)
cat > "$out/seeded.py" <<'PY'
import os, sys, torch
sys.path.insert(0, os.getcwd())
shift = int(os.environ["SEED_SHIFT"]); seed = torch.manual_seed
torch.manual_seed = lambda s: seed(s + shift)
sys.argv = ["train.py"] + sys.argv[1:]
exec(compile(open("train.py").read(), "train.py", "exec"))
PY
rss() { grep "Maximum resident" "$1" | awk '{print $6 / 1024}'; }
for seed in $seeds; do
    (cd "$nano" && SEED_SHIFT=$seed /usr/bin/time -v python3 "$out/seeded.py" config/train_shakespeare_char.py \
        --device=cpu --compile=False --eval_iters=20 --log_interval=1 "${flags[@]}" --out_dir="$out/nano$seed" \
        > "$out/nano$seed.log" 2> "$out/nano$seed.time")
    /usr/bin/time -v "$perplex" train --precision "$precision" --model GPT --tokenizer char --data "$root/../shared/data/tinyshakespeare/input.txt" \
        --block-size 64 --batch-size 12 --n-layer 4 --n-head 4 --n-embd 128 --dropout 0 --learning-rate 1e-3 \
        --min-lr 1e-4 --beta2 0.99 --warmup-iters 100 --eval-interval 250 --eval-iters 20 --log-interval 1 \
        --max-iters "$iters" --lr-decay-iters "$iters" --seed $((1337 + seed)) --save "$out/perplex$seed" \
        > "$out/perplex$seed.log" 2> "$out/perplex$seed.time"
    python3 - "$out" "$seed" "$iters" <<'PY'
import re, statistics, sys
out, seed, iters = sys.argv[1], sys.argv[2], sys.argv[3]
def parse(name):
    text = open(f"{out}/{name}{seed}.log").read()
    # The estimate at the last iteration (Perplex adds one more of the final model after it).
    val = [v for v in re.findall(r"step (\d+): train loss [\d.]+, val loss ([\d.]+)", text) if v[0] == iters]
    ms = [float(m) for m in re.findall(r"iter \d+: loss [\d.]+, time ([\d.]+) ?ms", text)][10:]
    rss = [float(l.split()[-1]) / 1024 for l in open(f"{out}/{name}{seed}.time") if "Maximum resident" in l][0]
    return val[-1], statistics.median(ms), rss
for name in ("nano", "perplex"):
    (step, loss), ms, rss = parse(name)
    print(f"seed {seed} {name:8s} step {step} val loss {loss}  median {ms:.1f} ms/iter = {12*64/ms*1000:.0f} tokens/s  peak RSS {rss:.0f} MB")
PY
done
echo "logs in $out"
