#!/usr/bin/env python3
"""Projects data-parallel training speed (tokens/s) of the word-LM recipe over N machines from a
measured single-machine step and the gradient exchange's traffic (docs/scaling.md).

Per step each machine computes one batch (batch x bptt tokens) and exchanges the gradients:
a ring all-reduce moves 2(N-1)/N x 4·params bytes in and out of every machine, in 2(N-1) hops of
latency alpha, plus a fixed cost per collective (--collective-ms: start-up, synchronisation).

--sparse-rows U: the embedding (--embedding-params, rows of --embedding-width floats) travels as
the U rows one machine touches per step, ids included, by an all-gather: every machine receives
(N-1)·U·(width+1) floats (it grows with N; the dense table wins beyond ~vocabulary/U machines,
and the exchange then takes it, as perplex does).

--overlap: the buckets go while backward goes on (perplex's default): what backward finishes
first (--early-params, the decoder) can hide behind the rest of backward (--hide-ms), the rest
(the LSTM layers, the embedding) travels after backward. Without --overlap everything travels
after backward.

--cpu-ms: CPU time the exchange itself takes from compute on a machine whose cores are all
busy computing (copies, reduction, the communication thread); measured, it is what is left of
the two-rank step beyond compute and wire time."""
import argparse

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--params", type=float, required=True, help="parameters (perplex params)")
parser.add_argument("--step-ms", type=float, required=True, help="measured single-process step time (ms)")
parser.add_argument("--backward-share", type=float, default=0.6, help="share of the step in backward (perplex train --profile)")
parser.add_argument("--hide-ms", type=float, help="backward time after the early bucket is final (default: backward minus 10 %%)")
parser.add_argument("--early-params", type=float, default=0, help="parameters finished early in backward (the decoder's)")
parser.add_argument("--embedding-params", type=float, default=0, help="embedding table parameters (rows x width)")
parser.add_argument("--embedding-width", type=int, default=200)
parser.add_argument("--sparse-rows", type=float, default=0, help="embedding rows one machine touches per step (0: dense)")
parser.add_argument("--tokens-per-step", type=int, default=20 * 35, help="batch x bptt of one machine")
parser.add_argument("--efficiency", type=float, default=0.8, help="achieved share of the line rate")
parser.add_argument("--alpha-us", type=float, default=25, help="latency per ring hop (microseconds)")
parser.add_argument("--collective-ms", type=float, default=0, help="fixed cost per collective (ms)")
parser.add_argument("--cpu-ms", type=float, default=0, help="CPU time of the exchange taken from compute (ms)")
parser.add_argument("--networks", type=float, nargs="+", default=[10, 25, 100], help="Gb/s")
parser.add_argument("--machines", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32, 64])
parser.add_argument("--overlap", action="store_true", help="buckets travel during the backward pass")
parser.add_argument("--markdown", action="store_true")
args = parser.parse_args()

step = args.step_ms / 1000
backward = args.backward_share * step
hide = (args.hide_ms / 1000) if args.hide_ms is not None else 0.9 * backward


def exchange(n, bandwidth):
    """(seconds of wire and latency after backward, seconds hidden behind backward) for n machines."""
    if n == 1:
        return 0.0, 0.0
    ring = lambda p: 2 * (n - 1) / n * 4 * p / bandwidth
    hops = 2 * (n - 1) * args.alpha_us * 1e-6
    collective = args.collective_ms / 1000
    embedding = args.embedding_params
    dense_rest = args.params - args.early_params - embedding
    if args.sparse_rows > 0:
        rows = (n - 1) * args.sparse_rows * (args.embedding_width + 1) * 4 / bandwidth
        # three collectives: counts, ids, rows; the dense table when it is smaller
        emb = min(rows + 3 * (collective + hops), ring(embedding) + hops + collective)
    else:
        emb = ring(embedding) + hops + collective if embedding > 0 else 0.0
    late = ring(dense_rest) + hops + collective + emb
    early = ring(args.early_params) + hops + collective if args.early_params > 0 else 0.0
    if args.overlap:
        # the early bucket runs while backward finishes the rest; what does not fit comes after
        return late + max(0.0, early - hide), min(early, hide)
    return late + early, 0.0


header = ["machines"] + [f"{g:g} Gb/s tok/s (eff., exchange ms)" for g in args.networks]
rows = []
for n in args.machines:
    row = [str(n)]
    for gbps in args.networks:
        bandwidth = gbps * 1e9 / 8 * args.efficiency
        after, hidden = exchange(n, bandwidth)
        seconds = step + (after + args.cpu_ms / 1000 if n > 1 else 0.0)
        tokens = n * args.tokens_per_step / seconds
        row.append(f"{tokens:,.0f} ({100 * step / seconds:.0f}%, {after * 1000:.0f}+{hidden * 1000:.0f} hidden)")
    rows.append(row)
if args.markdown:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---:"] * len(header)) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
else:
    for row in [header] + rows:
        print("  ".join(f"{cell:>34}" for cell in row))
