#!/usr/bin/env python3
"""Summarises the run folders under runs/seeds (scripts/seeds_rerun.sh) for docs/seeds.md: per run its
parameters, validation perplexity per epoch, seconds per epoch, last training perplexity, test
perplexity and accuracy, read from config.json and metrics.jsonl.

    python3 scripts/seeds_summary.py [runs/seeds]
"""
import json
import math
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "runs/seeds"
for dirpath, dirnames, filenames in sorted(os.walk(root)):
    dirnames.sort()
    if "metrics.jsonl" not in filenames or "config.json" not in filenames:
        continue
    config = json.load(open(os.path.join(dirpath, "config.json")))
    epochs, test = [], None
    for line in open(os.path.join(dirpath, "metrics.jsonl")):
        record = json.loads(line)
        if record.get("type") == "epoch":
            epochs.append(record)
        elif record.get("type") == "test":
            test = record
    valid = " / ".join(f"{e['valid_ppl']:.1f}" for e in epochs)
    seconds = " / ".join(f"{e['seconds']:.0f}" for e in epochs)
    train = f"{math.exp(epochs[-1]['train_loss']):.1f}" if epochs else "-"
    best = min((e["valid_ppl"] for e in epochs), default=float("nan"))
    result = f"test ppl {test['test_ppl']:.2f} acc {100 * test['test_accuracy']:.2f} %" if test else "no test"
    print(f"{os.path.relpath(dirpath, root)}: {config.get('parameters')} params | valid ppl by epoch {valid} "
          f"(best {best:.2f}) | s/epoch {seconds} | last train ppl {train} | {result}")
