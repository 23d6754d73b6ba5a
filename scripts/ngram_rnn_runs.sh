#!/bin/bash
# Report 004's recurrent n-gram model on ptb-small (docs/models.md, "NGRAM_RNN on ptb-small"):
# NGRAM_RNN 4-gram, emsize 16, 128 hidden units, against the same with --backprop-steps 1 and an
# NPLM of the same sizes, then NGRAM_RNN with emsize 32, 64, 128. Each run is also evaluated on
# train.txt (its best model) for the generalization gap.
#
# usage: scripts/ngram_rnn_runs.sh [LR] [OUT] [DATA]   (defaults 5, runs/ngram-rnn, ../shared/data/ptb-small)
# needs: swift build -c release --product perplex
set -euo pipefail
cd "$(dirname "$0")/.."
LR=${1:-5}
OUT=${2:-runs/ngram-rnn}
D=${3:-../shared/data/ptb-small}
common=(--data "$D" --ngram 4 --nhid 128 --nlayers 1 --dropout 0 --lr "$LR" --epochs 5 --seed 1111 --log-interval 100 --overwrite)
mkdir -p "$OUT"
run() {
  local name=$1
  shift
  local start=$SECONDS
  nice .build/release/perplex train "${common[@]}" "$@" --save "$OUT/$name" > "$OUT/$name.log" 2>&1
  nice .build/release/perplex evaluate --checkpoint "$OUT/$name" --text "$D/train.txt" > "$OUT/$name.train-eval" 2>&1
  echo "$name $((SECONDS - start))s: $(grep 'End of training' "$OUT/$name.log") | train$(grep -o '| ppl [0-9.]*' "$OUT/$name.train-eval")"
}
run rnn16 --model NGRAM_RNN --emsize 16
run rnn16_k1 --model NGRAM_RNN --emsize 16 --backprop-steps 1
run nplm16 --model NPLM --emsize 16 --hidden-act tanh
run rnn32 --model NGRAM_RNN --emsize 32
run rnn64 --model NGRAM_RNN --emsize 64
run rnn128 --model NGRAM_RNN --emsize 128
