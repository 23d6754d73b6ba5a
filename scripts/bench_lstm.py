#!/usr/bin/env python3
"""Forward + backward of a 2-layer LSTM (seq 35, batch 20, input 200, hidden 200): PyTorch vs
`perplex bench lstm` with the same thread count. Prints both ms/iteration and torch / ours.

    swift build -c release
    python3 scripts/bench_lstm.py [--threads N] [--repeats R] [--composed]
"""
import argparse
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=os.cpu_count())
parser.add_argument("--repeats", type=int, default=20)
parser.add_argument("--composed", action="store_true", help="time our composed (unfused) path")
parser.add_argument("--perplex", default=str(ROOT / ".build" / "release" / "perplex"))
args = parser.parse_args()
seq, batch, inp, hid, layers = 35, 20, 200, 200, 2

torch.set_num_threads(args.threads)
torch.manual_seed(1)
lstm = nn.LSTM(inp, hid, layers)
x = torch.randn(seq, batch, inp, requires_grad=True)
h0, c0 = torch.zeros(layers, batch, hid), torch.zeros(layers, batch, hid)


def step():
    lstm.zero_grad(set_to_none=True)
    x.grad = None
    out, _ = lstm(x, (h0, c0))
    out.sum().backward()


step()
times = []
for _ in range(args.repeats):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
torch_ms = statistics.median(times) * 1e3
print(f"torch {torch.__version__} lstm {layers}×{hid}, seq {seq}, batch {batch}, {args.threads} threads: "
      f"{torch_ms:.3f} ms/iteration")

command = [args.perplex, "bench", "lstm", "--threads", str(args.threads), "--repeats", str(args.repeats)]
if args.composed:
    command.append("--composed")
result = subprocess.run(command, capture_output=True, text=True, check=True)
print(result.stdout.splitlines()[0])
ours_ms = float(re.search(r"ms_per_iteration=([0-9.]+)", result.stdout).group(1))
print(f"ratio torch / perplex: {torch_ms / ours_ms:.2f} (above 1: perplex is faster)")
