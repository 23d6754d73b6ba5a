#!/usr/bin/env bash
# PyTorch .pt interop, end to end: the UNMODIFIED word_language_model recipe (from the mirror of
# pytorch/examples) trains 1 epoch of LSTM, tied LSTM and Transformer and prints its test
# perplexity; `perplex evaluate` must give the same perplexity (within 0.5 %) on the whole-model
# file it saved (torch.save(model)) and on its state dict (torch.save(model.state_dict())). Then
# `perplex convert` writes the state dict back with TorchSave, and the recipe's model loads it
# with torch.load's default weights_only=True and load_state_dict (strict) and gives that
# perplexity again.
#
#   scripts/pt_check.sh [DATA] [PERPLEX]      # defaults: ../shared/data/ptb-small, .build/release/perplex
#   EPOCHS=1 MIRROR=/work/.mirror/pytorch+examples/repo scripts/pt_check.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "${1:-$root/../shared/data/ptb-small}" && pwd)
perplex=$(cd "$(dirname "${2:-$root/.build/release/perplex}")" && pwd)/$(basename "${2:-perplex}")
mirror=${MIRROR:-/work/.mirror/pytorch+examples/repo}
epochs=${EPOCHS:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
recipe=$tmp/recipe
mkdir -p "$recipe"
for f in main.py model.py data.py generate.py; do
    git -C "$mirror" show "HEAD:word_language_model/$f" > "$recipe/$f"
done

# Test perplexity of a state dict in the recipe's model, evaluated as the recipe's main.py does
# (batch 10, bptt 35); torch.load with its default weights_only=True.
cat > "$tmp/torch_eval.py" <<'PY'
import math, sys
import torch
import torch.nn as nn
sys.path.insert(0, sys.argv[1])
import data as recipe_data
from model import RNNModel, TransformerModel
path, corpus_dir, kind = sys.argv[2], sys.argv[3], sys.argv[4]
emsize, nhid, tied = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7] == "tied"
corpus = recipe_data.Corpus(corpus_dir)
n = len(corpus.dictionary)
model = TransformerModel(n, emsize, 2, nhid, 2, 0.2) if kind == "Transformer" else RNNModel(kind, n, emsize, nhid, 2, 0.2, tied)
model.load_state_dict(torch.load(path))
model.eval()
test = corpus.test
rows = test.size(0) // 10
test = test.narrow(0, 0, rows * 10).view(10, -1).t().contiguous()
criterion, total = nn.NLLLoss(), 0.0
hidden = None if kind == "Transformer" else model.init_hidden(10)
with torch.no_grad():
    for i in range(0, test.size(0) - 1, 35):
        seq = min(35, test.size(0) - 1 - i)
        x, y = test[i:i + seq], test[i + 1:i + 1 + seq].reshape(-1)
        if hidden is None:
            out = model(x).view(-1, n)
        else:
            out, hidden = model(x, hidden)
        total += seq * criterion(out, y).item()
print(f"{math.exp(total / (test.size(0) - 1)):.2f}")
PY

status=0
check() {  # label, reference ppl, measured ppl
    local verdict
    verdict=$(python3 -c "r,m=float('$2'),float('$3'); d=abs(m-r)/r*100; print(f'{d:.3f}% ' + ('ok' if d <= 0.5 else 'FAIL'))")
    printf '%-34s recipe %8s  measured %8s  %s\n' "$1" "$2" "$3" "$verdict"
    [[ $verdict == *ok ]] || status=1
}

run() {  # name, kind, emsize, nhid, tied|untied, extra recipe flags…
    local name=$1 kind=$2 emsize=$3 nhid=$4 tied=$5
    shift 5
    local pt=$tmp/$name.pt
    echo "== $name: python3 main.py --model $kind --emsize $emsize --nhid $nhid --epochs $epochs $*" >&2
    (cd "$recipe" && nice python3 main.py --data "$data" --model "$kind" --emsize "$emsize" --nhid "$nhid" \
        --epochs "$epochs" --save "$pt" "$@") > "$tmp/$name.log" 2>&1
    local reference
    reference=$(grep -o 'test ppl *[0-9.]*' "$tmp/$name.log" | awk '{print $3}')
    python3 - "$recipe" "$pt" "$tmp/$name.state.pt" <<'PY'
import sys, torch
sys.path.insert(0, sys.argv[1])
import model  # the recipe's classes, for the whole-model pickle
torch.save(torch.load(sys.argv[2], weights_only=False).state_dict(), sys.argv[3])
PY
    local whole state saved
    whole=$(nice "$perplex" evaluate --checkpoint "$pt" --data "$data" | grep -o 'ppl [0-9.]*' | awk '{print $2}')
    state=$(nice "$perplex" evaluate --checkpoint "$tmp/$name.state.pt" --data "$data" | grep -o 'ppl [0-9.]*' | awk '{print $2}')
    nice "$perplex" convert "$pt" --data "$data" --out "$tmp/$name.run" > /dev/null
    nice "$perplex" convert "$tmp/$name.run" --out "$tmp/$name.saved.pt" > /dev/null
    saved=$(nice python3 "$tmp/torch_eval.py" "$recipe" "$tmp/$name.saved.pt" "$data" "$kind" "$emsize" "$nhid" "$tied")
    check "$name torch.save(model)" "$reference" "$whole"
    check "$name torch.save(state_dict)" "$reference" "$state"
    check "$name TorchSave -> torch.load" "$reference" "$saved"
}

run lstm LSTM 200 200 untied
run lstm_tied LSTM 200 200 tied --tied
run transformer Transformer 200 200 untied --lr 5
exit $status
