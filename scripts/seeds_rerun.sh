#!/usr/bin/env bash
# Reruns, one after the other, every command of docs/seeds.md (the source documents' experiments on
# the data in ../shared/data), each at low priority, logging to runs/seeds/log/<step>.txt.
#   scripts/seeds_rerun.sh            # all steps
#   scripts/seeds_rerun.sh nplm table # only the named steps (see the step names below)
# Run from the repository root after `swift build -c release`. A step that fails is reported and the
# next one runs; rerunning a sweep resumes it, a `perplex train` into a finished folder is refused
# (delete runs/seeds/<name> to train it again).
set -u
cd "$(dirname "$0")/.."
BIN=${PERPLEX:-.build/release/perplex}
perplex() { nice -n 10 "$BIN" "$@"; }
D=../shared/data
mkdir -p runs/seeds/log

step() {  # step NAME: runs the function of that name, logging its output
    local name=$1
    if [ ${#WANTED[@]} -gt 0 ] && [[ ! " ${WANTED[*]} " == *" $name "* ]]; then return; fi
    echo "== $name ($(date -u +%H:%M:%S))"
    if "$name" >"runs/seeds/log/$name.txt" 2>&1; then echo "   ok"; else echo "   FAILED (see runs/seeds/log/$name.txt)"; fi
}

# Report 000 §2a: the share of time of the recipe's stages.
profile() {
    perplex train --data $D/ptb-small --epochs 1 --profile --save runs/seeds/profile
}

# Report 004 §3.1–3.4, problems 1–2: parameter counts, 4-gram statistics.
counts() {
    perplex params --model NPLM --ngram 4 --emsize 16 --nhid 16 --vocab 8000
    perplex params --model NPLM --ngram 4 --emsize 16 --nhid 128 --vocab 8000
    perplex params --model LSTM --nlayers 1 --emsize 100 --nhid 50 --vocab 4
    perplex params --model GRU --nlayers 1 --emsize 100 --nhid 50 --vocab 4
    perplex ngrams --text $D/ptb-small/train.txt --n 4 --top 50 --plot runs/seeds/4grams.svg
}

# Report 004 §3.2–3.3: the 4-gram NPLM, linear vs tanh, 128/256/512 hidden units.
nplm() {
    perplex sweep --grid hidden-act=linear,tanh --out runs/seeds/nplm-act --data $D/ptb-small \
        --model NPLM --ngram 4 --emsize 16 --nhid 128 --dropout 0 --epochs 4
    perplex sweep --grid nhid=256,512 --out runs/seeds/nplm-nhid --data $D/ptb-small \
        --model NPLM --ngram 4 --emsize 16 --hidden-act linear --dropout 0 --epochs 2
}

# Report 004 §3.4: sentences from 3 words, nearest neighbours.
nplm_analysis() {
    local run=runs/seeds/nplm-act/hidden-act=tanh
    for prompt in "government of united" "he says to" "life in the" "city of new" "a spokesman for"; do
        perplex generate --checkpoint $run --words 10 --temperature 0.8 --prompt "$prompt"
        echo
    done
    # Neighbours among the 1,000 most frequent training words, as the document searched them.
    perplex export-vectors --checkpoint $run --output runs/seeds/nplm-tanh.vec
    perplex ngrams --text $D/ptb-small/train.txt --n 1 --top 1000 | awk 'NR > 2 {print $2}' >runs/seeds/top1000.txt
    awk 'NR == FNR {keep[$1] = 1; next} FNR > 1 && ($1 in keep)' runs/seeds/top1000.txt runs/seeds/nplm-tanh.vec >runs/seeds/top1000.body
    { echo "$(wc -l <runs/seeds/top1000.body) 16"; cat runs/seeds/top1000.body; } >runs/seeds/nplm-tanh-top1000.vec
    for word in days financial chairman bonds into; do
        perplex neighbours --vectors runs/seeds/nplm-tanh-top1000.vec --word $word --k 4
    done
}

# Report 002 §6: the language-model table, scaled down to 4 epochs.
table() {
    perplex train --data $D/ptb-small --model GRU --nlayers 1 --emsize 50 --nhid 50 --dropout 0 --epochs 4 --save runs/seeds/t-gru-1x50
    perplex train --data $D/ptb-small --model LSTM --nlayers 1 --emsize 50 --nhid 50 --dropout 0 --epochs 4 --save runs/seeds/t-lstm-1x50
    perplex train --data $D/ptb-small --model LSTM --nlayers 3 --emsize 50 --nhid 50 --dropout 0 --epochs 4 --save runs/seeds/t-lstm-3x50
    perplex train --data $D/ptb-small --model LSTM --nlayers 3 --emsize 50 --nhid 100 --dropout 0 --epochs 4 --save runs/seeds/t-lstm-3x50x100
    perplex train --data $D/ptb-small --model LSTM --nlayers 3 --emsize 100 --nhid 100 --dropout 0 --epochs 4 --save runs/seeds/t-lstm-3x100
    perplex train --data $D/ptb-small --model LSTM --nlayers 3 --emsize 100 --nhid 100 --dropout 0.5 --tied --epochs 4 --save runs/seeds/t-lstm-3x100-d5-tied
    perplex train --data $D/ptb-small --model LSTM --nlayers 5 --emsize 100 --nhid 100 --bptt 10 --dropout 0 --epochs 4 --save runs/seeds/t-lstm-5x100-bptt10
}
table250() {
    perplex train --data $D/ptb-small --model LSTM --nlayers 2 --emsize 250 --nhid 250 --lr 5 --tied --dropout 0 --epochs 4 --save runs/seeds/t-lstm-2x250-tied
    perplex train --data $D/ptb-small --model LSTM --nlayers 2 --emsize 250 --nhid 250 --lr 5 --tied --dropout 0.5 --epochs 4 --save runs/seeds/t-lstm-2x250-d5-tied
}

# Report 002 §4, §5c, §6.4: fastText-style vectors vs the LSTM's embedding, t-SNE, neighbours.
vectors() {
    perplex vectors --input $D/ptb-small/train.txt --output runs/seeds/ptb.vec --lr 0.1
    perplex wordsim --vectors runs/seeds/ptb.vec $D/word-sim/EN-WS-353-ALL.txt $D/word-sim/EN-SIMLEX-999.txt $D/word-sim/EN-MEN-TR-3k.txt
    perplex wordsim --checkpoint runs/seeds/t-lstm-3x100 $D/word-sim/EN-WS-353-ALL.txt $D/word-sim/EN-SIMLEX-999.txt $D/word-sim/EN-MEN-TR-3k.txt
    perplex embed-plot --checkpoint runs/seeds/t-lstm-3x100 --words 500 --rank-by $D/ptb-small/train.txt --out runs/seeds/tsne-lstm-3x100.svg
    for word in unwilling reluctant inclined acknowledge conceded agrees; do
        perplex neighbours --checkpoint runs/seeds/t-lstm-3x100 --word $word --k 5
    done
    perplex neighbours --vectors runs/seeds/ptb.vec --word reluctant --k 5
}

# Report 002 §5a–b: the 5-filter width-3 CNN and the 50-unit LSTM sentence classifiers.
classify() {
    perplex classify train --train $D/classification/TREC.train.all --test $D/classification/TREC.test.all --filter-widths 3 --feature-maps 5 --epochs 10
    perplex classify train --train $D/classification/TREC.train.all --test $D/classification/TREC.test.all --model lstm --nhid 50 --epochs 10
}

# Report 000 §2d: tied weights against the same run untied.
tied() {
    perplex train --data $D/ptb-small --tied --epochs 2 --save runs/seeds/tied
    perplex train --data $D/ptb-small --epochs 2 --save runs/seeds/untied
}

# Reports 000 §2e and 001: LSTM vs GRU over embedding size, bptt, layers (epochs: docs/sweeps.md and
# docs/lm-comparison.md).
bptt() {
    perplex sweep --grid model=LSTM,GRU bptt=50 --out runs/seeds/bptt --data $D/ptb-small --epochs 2
}
emsize() {
    perplex sweep --grid model=LSTM,GRU emsize=400,650 --out runs/seeds/emsize --data $D/ptb-small --epochs 2
}
layers() {  # 10 layers against the 2 of `profile` (the same flags otherwise), one epoch
    perplex train --data $D/ptb-small --nlayers 10 --epochs 1 --save runs/seeds/layers-10
}

# Report 002 §6.3: the §6.1 table's runs, their curves and configs on one page.
report() {
    perplex report runs/seeds/t-gru-1x50 runs/seeds/t-lstm-1x50 runs/seeds/t-lstm-3x50 runs/seeds/t-lstm-3x50x100 \
        runs/seeds/t-lstm-3x100 runs/seeds/t-lstm-3x100-d5-tied runs/seeds/t-lstm-5x100-bptt10 \
        runs/seeds/t-lstm-2x250-tied runs/seeds/t-lstm-2x250-d5-tied --out runs/seeds/table.html --log-y
}

# Reports 000, 002, 003: the worked examples (convolution, batch norm, dropout2d).
exercises() {
    perplex exercise conv
    perplex exercise batchnorm
    perplex exercise dropout2d
}

# The runs docs/models.md describes in full (context, frequent targets, 2-D embedding, n-gram RNN).
context() {  # report 002 §6.5
    local flags=(--data $D/ptb-small --model LSTM --emsize 200 --nhid 200 --nlayers 2 --lr 20 --clip 0.25 --epochs 12
        --batch-size 20 --bptt 35 --dropout 0.2 --seed 1111)
    perplex train "${flags[@]}" --context previous-sentence --save runs/seeds/context
    perplex train "${flags[@]}" --save runs/seeds/context-plain
}
exclude() {  # report 004 problem 3
    local flags=(--data $D/ptb-small --model NPLM --ngram 4 --hidden-act tanh --epochs 8 --seed 1111)
    perplex train "${flags[@]}" --exclude-frequent 10:2,5:2,2:2 --save runs/seeds/nplm-exclude
    perplex train "${flags[@]}" --save runs/seeds/nplm-plain
}
embed2d() {  # report 004 §3.5
    perplex train --data $D/ptb-small --model NPLM --ngram 4 --hidden-act tanh --emsize 2 --nhid 128 --epochs 2 --save runs/seeds/nplm-2d
    perplex embed-plot --checkpoint runs/seeds/nplm-2d --words 100 --rank-by $D/ptb-small/train.txt --out runs/seeds/nplm-2d-100.svg
    perplex embed-plot --checkpoint runs/seeds/nplm-2d --words 500 --rank-by $D/ptb-small/train.txt --out runs/seeds/nplm-2d-500.svg
}
ngram_rnn() {  # report 004 §3.6 (each run, and its NPLM, in scripts/ngram_rnn_runs.sh)
    scripts/ngram_rnn_runs.sh 5 runs/seeds/ngram-rnn "$D/ptb-small"
}

WANTED=("$@")
for s in profile counts exercises nplm nplm_analysis table vectors classify tied bptt table250 report layers emsize context exclude embed2d ngram_rnn; do
    step $s
done
