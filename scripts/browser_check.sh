#!/usr/bin/env bash
# Renders what Perplex draws for a browser — `perplex report`'s page and an `embed-plot` SVG — in
# headless Chromium to PNG, so a person can look at them as a reader's browser shows them.
# Installs Debian's chromium when it is missing (needs root and apt). Not part of the test suite.
#
#   bash scripts/browser_check.sh [OUT]     (default OUT: browser-check/; uses .build/release/perplex)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-browser-check}
bin=.build/release/perplex
[ -x "$bin" ] || swift build -c release --product perplex
if ! command -v chromium >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Two small runs on the built-in corpus, so the report has a table, curves and an embedding.
for model in LSTM GRU; do
    "$bin" train --model "$model" --epochs 3 --builtin-sentences 1500 --emsize 32 --nhid 32 \
        --save "$work/runs/$model" >/dev/null
done
"$bin" embed-plot --checkpoint "$work/runs/LSTM" --words 120 --perplexity 20 --out "$work/runs/LSTM/embedding.svg" >/dev/null
"$bin" report "$work/runs" --out "$work/report.html" >/dev/null

shot() { # file width height png
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$2,$3" \
        --screenshot="$4" "file://$1" >/dev/null 2>&1
    echo "wrote $4"
}
shot "$work/report.html" 1280 2400 "$out/report.png"
shot "$work/report.html" 420 2400 "$out/report-narrow.png"
shot "$work/runs/LSTM/embedding.svg" 1220 920 "$out/embedding.png"
