#!/usr/bin/env python3
"""Test perplexity of Perplex against the PyTorch reference, same data, seeds and hyperparameters.

    swift build -c release
    python3 scripts/compare_lm.py --data ../shared/data/ptb-small --models LSTM GRU Transformer --seeds 1111 1112

Runs `perplex train` and the PyTorch recipe (../shared/bench/torch_reference_lm.py for the RNN kinds,
scripts/torch_lm.py for the Transformer) for every model and seed, then prints a Markdown table with
the mean test perplexity of each side and their relative difference.
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--models", nargs="+", default=["LSTM", "GRU", "Transformer"])
p.add_argument("--seeds", nargs="+", type=int, default=[1111, 1112])
p.add_argument("--epochs", type=int, default=6)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--extra", default="", help="more flags for both sides, e.g. '--nhead 2'")
p.add_argument("--perplex", default=str(ROOT / ".build" / "release" / "perplex"))
p.add_argument("--reference", default=str(ROOT.parent / "shared" / "bench" / "torch_reference_lm.py"))
p.add_argument("--torch-lm", default=str(ROOT / "scripts" / "torch_lm.py"))
a = p.parse_args()


def run(cmd):
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"error: {cmd[0]} failed: {out.stderr.strip().splitlines()[-1:]}")
    return out.stdout


rows = []
for model in a.models:
    ours, theirs = [], []
    for seed in a.seeds:
        flags = ["--data", a.data, "--model", model, "--epochs", str(a.epochs), "--seed", str(seed)] + a.extra.split()
        out = run([a.perplex, "train", *flags, "--save", f"/tmp/compare-{model}-{seed}"])
        ours.append(float(re.search(r"test ppl\s+([0-9.]+)", out).group(1)))
        script = a.torch_lm if model == "Transformer" else a.reference
        out = run([sys.executable, script, *flags, "--threads", str(a.threads)])
        final = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"final"' in line][-1]
        theirs.append(final["test_ppl"])
    mo, mt = statistics.mean(ours), statistics.mean(theirs)
    rows.append((model, ours, theirs, mo, mt, 100 * (mo - mt) / mt))

print(f"\n| model | Perplex test ppl (seeds {', '.join(map(str, a.seeds))}) | PyTorch test ppl | Perplex mean | PyTorch mean | difference |")
print("| --- | --- | --- | ---: | ---: | ---: |")
for model, ours, theirs, mo, mt, diff in rows:
    f = lambda xs: " / ".join(f"{x:.2f}" for x in xs)
    print(f"| {model} | {f(ours)} | {f(theirs)} | {mo:.2f} | {mt:.2f} | {diff:+.1f}% |")
