#!/usr/bin/env python3
"""Projects data-parallel training speed (tokens/s) of the word-LM recipe over N machines from a
measured single-machine step and the ring all-reduce's traffic (docs/scaling.md).

Per step each machine computes one batch (batch x bptt tokens) and then all-reduces the gradients:
a ring moves 2(N-1)/N x 4·params bytes in and out of every machine, in 2(N-1) hops of latency
alpha. Without overlap a step takes compute + all-reduce; with the all-reduce overlapped with the
backward pass it takes forward + max(backward, all-reduce) + optimizer."""
import argparse

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--params", type=float, required=True, help="parameters (perplex params)")
parser.add_argument("--step-ms", type=float, required=True, help="measured single-process step time (ms)")
parser.add_argument("--backward-share", type=float, default=0.6, help="share of the step in backward (perplex train --profile)")
parser.add_argument("--tokens-per-step", type=int, default=20 * 35, help="batch x bptt of one machine")
parser.add_argument("--efficiency", type=float, default=0.8, help="achieved share of the line rate")
parser.add_argument("--alpha-us", type=float, default=25, help="latency per ring hop (microseconds)")
parser.add_argument("--networks", type=float, nargs="+", default=[10, 25, 100], help="Gb/s")
parser.add_argument("--machines", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32, 64])
parser.add_argument("--overlap", action="store_true", help="all-reduce overlapped with the backward pass")
parser.add_argument("--markdown", action="store_true")
args = parser.parse_args()

step = args.step_ms / 1000
backward = args.backward_share * step
header = ["machines"] + [f"{g:g} Gb/s tok/s (eff.)" for g in args.networks]
rows = []
for n in args.machines:
    row = [str(n)]
    for gbps in args.networks:
        bandwidth = gbps * 1e9 / 8 * args.efficiency
        allreduce = 0.0 if n == 1 else 2 * (n - 1) / n * 4 * args.params / bandwidth + 2 * (n - 1) * args.alpha_us * 1e-6
        seconds = step - backward + max(backward, allreduce) if args.overlap else step + allreduce
        tokens = n * args.tokens_per_step / seconds
        row.append(f"{tokens:,.0f} ({100 * step / seconds:.0f}%, AR {allreduce * 1000:.0f} ms)")
    rows.append(row)
if args.markdown:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---:"] * len(header)) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
else:
    for row in [header] + rows:
        print("  ".join(f"{cell:>30}" for cell in row))
