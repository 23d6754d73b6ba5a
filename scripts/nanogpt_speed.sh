#!/usr/bin/env bash
# Training speed of nanoGPT and Perplex on the same GPT config, side by side: ROUNDS rounds, each
# running nanoGPT then Perplex for ITERS iterations (alternating which goes first), median ms per
# iteration of each run (the first 5 iterations left out: nanoGPT's first ones take twice as
# long), and the
# median over rounds. Short alternating runs, because this machine's speed moves by up to 40 %
# between minutes (two vCPUs sometimes share one core's FMA units): a ratio of two long runs one
# after the other says more about the machine than about either program.
#
# PRECISIONS="fp32 bf16" times Perplex at each `--precision` in every round (default fp32 alone);
# nanoGPT runs as it does on a CPU, in Float32.
#
#   [PRECISIONS="fp32 bf16"] scripts/nanogpt_speed.sh NANOGPT_DIR small|large [ROUNDS (3)] [ITERS (200 small, 16 large)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nano=$(cd "$1" && pwd)
config=$2
rounds=${3:-3}
perplex=${PERPLEX:-$root/.build/release/perplex}
precisions=(${PRECISIONS:-fp32})
out=$(mktemp -d)
case $config in
small)
    iters=${4:-200}
    nanoflags=(--block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --dropout=0.0)
    ours=(--block-size 64 --batch-size 12 --n-layer 4 --n-head 4 --n-embd 128 --dropout 0) ;;
large)
    iters=${4:-16}
    nanoflags=()
    ours=(--block-size 256 --batch-size 64 --n-layer 6 --n-head 6 --n-embd 384 --dropout 0.2) ;;
*) echo "nanogpt_speed.sh: config must be small or large, not '$config'" >&2; exit 2 ;;
esac
run_nano() {
    (cd "$nano" && python3 train.py config/train_shakespeare_char.py --device=cpu --compile=False \
        --eval_iters=1 --eval_interval=100000 --log_interval=1 "${nanoflags[@]}" --max_iters="$iters" \
        --lr_decay_iters="$iters" --out_dir="$out/nano" > "$out/nano$1.log" 2>&1)
}
run_ours() {  # ROUND PRECISION
    "$perplex" train --precision "$2" --model GPT --tokenizer char --data "$root/../shared/data/tinyshakespeare/input.txt" \
        "${ours[@]}" --learning-rate 1e-3 --min-lr 1e-4 --beta2 0.99 --warmup-iters 100 --eval-interval 100000 \
        --eval-iters 1 --log-interval 1 --max-iters "$iters" --lr-decay-iters "$iters" --save "$out/perplex-$2-$1" \
        > "$out/perplex-$2-$1.log" 2>&1
}
run_all_ours() { for p in "${precisions[@]}"; do run_ours "$1" "$p"; done; }
for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then run_nano "$r"; run_all_ours "$r"; else run_all_ours "$r"; run_nano "$r"; fi
done
python3 - "$out" "$rounds" "${precisions[@]}" <<'PY'
import re, statistics, sys
out, rounds, precisions = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def median_ms(path):
    ms = [float(m) for m in re.findall(r"iter \d+: loss [\d.]+, time ([\d.]+) ?ms", open(path).read())]
    return statistics.median(ms[5:] if len(ms) > 8 else ms[1:])
ratios = {p: [] for p in precisions}
for r in range(1, rounds + 1):
    n = median_ms(f"{out}/nano{r}.log")
    line = f"round {r}: nanoGPT {n:.1f} ms/iter"
    for p in precisions:
        ours = median_ms(f"{out}/perplex-{p}-{r}.log")
        ratios[p].append(n / ours)
        line += f", Perplex {p} {ours:.1f} ms/iter ({n / ours:.2f}x)"
    print(line)
for p in precisions:
    print(f"median speed, Perplex {p} / nanoGPT: {statistics.median(ratios[p]):.2f}x over {rounds} rounds")
PY
echo "logs in $out"
