#!/usr/bin/env python3
"""Perplex <-> PyTorch checkpoint interop for the word LM recipe (all five model kinds).

  export-check: load a Perplex checkpoint (run folder or .safetensors) into the recipe's PyTorch
      model with strict loading, evaluate a text exactly like the recipe (batch 10, bptt 35) and
      print loss and perplexity as JSON; with --perplex BIN also run `perplex evaluate` on the same
      file and print both and their relative difference (exit 1 beyond --tolerance).
  torch-train: train (or only initialise, --epochs 0) the recipe's model in PyTorch
      (scripts/torch_lm.py options) and save it as a Perplex checkpoint with --out; prints
      PyTorch's test perplexity, and with --perplex BIN the same comparison as export-check.

usage: python3 scripts/torch_interop.py export-check runs/ptb --data DIR [--perplex .build/release/perplex]
       python3 scripts/torch_interop.py torch-train --data DIR --out m.safetensors [--perplex BIN] [torch_lm.py options]
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

import torch

import checkpoint_torch as ct
import recipe_torch as rt
import torch_lm


def torch_evaluate(model, words, text, bptt, batch_size):
    ids = rt.encode_file(text, words)
    data = rt.batchify(ids, batch_size)
    if len(data) < 2:
        raise SystemExit(f"error: {text} has {len(ids)} tokens, too few for one batch of {batch_size}")
    start = time.time()
    loss = rt.evaluate(model, data, bptt, batch_size)
    seconds = time.time() - start
    tokens = (len(data) - 1) * batch_size
    return {"loss": loss, "ppl": math.exp(loss), "tokens": tokens, "seconds": round(seconds, 4),
            "tokens_per_s": round(tokens / seconds, 1)}


def perplex_evaluate(binary, checkpoint, text, bptt, batch_size):
    """Runs `perplex evaluate` and reads its `loss X | ppl Y` line."""
    if not os.path.isfile(binary):
        raise SystemExit(f"error: perplex binary not found: {binary} (swift build -c release)")
    cmd = [binary, "evaluate", "--checkpoint", checkpoint, "--text", text, "--batch-size", str(batch_size),
           "--bptt", str(bptt)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    match = re.search(r"loss ([-\d.e+na]+) \| ppl ([-\d.e+naif]+)", done.stdout)
    if done.returncode != 0 or not match:
        raise SystemExit(f"error: perplex evaluate failed: {(done.stderr or done.stdout).strip()}")
    return {"loss": float(match.group(1)), "ppl": float(match.group(2))}


def compare(result, args, checkpoint, text):
    """Adds the Perplex side and the relative difference; returns the exit status."""
    if args.perplex:
        ours = perplex_evaluate(args.perplex, checkpoint, text, args.bptt, args.eval_batch_size)
        result["perplex"] = ours
        result["rel_diff_ppl"] = abs(ours["ppl"] - result["torch"]["ppl"]) / result["torch"]["ppl"]
        result["within_tolerance"] = result["rel_diff_ppl"] <= args.tolerance
    print(json.dumps(result), flush=True)
    return 0 if result.get("within_tolerance", True) else 1


def add_common(p):
    p.add_argument("--perplex", help="perplex binary: also run `perplex evaluate` and compare")
    p.add_argument("--tolerance", type=float, default=0.005, help="allowed relative perplexity difference")
    p.add_argument("--eval-batch-size", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)


def export_check(argv):
    p = argparse.ArgumentParser(prog="torch_interop.py export-check", description="Evaluate a Perplex checkpoint in PyTorch.")
    p.add_argument("checkpoint", help="run folder or .safetensors written by perplex train")
    p.add_argument("--data", help="folder whose test.txt is evaluated")
    p.add_argument("--text", help="text file to evaluate (instead of DATA/test.txt)")
    p.add_argument("--bptt", type=int, default=35)
    add_common(p)
    a = p.parse_args(argv)
    if not a.text and not a.data:
        p.error("give --data DIR or --text FILE")
    torch.set_num_threads(a.threads)
    text = a.text or os.path.join(a.data, "test.txt")
    checkpoint = ct.resolve(a.checkpoint)
    model, config, words = ct.load(checkpoint)
    result = {"direction": "perplex->torch", "model": config.kind, "checkpoint": checkpoint, "text": text,
              "torch": torch_evaluate(model, words, text, a.bptt, a.eval_batch_size)}
    return compare(result, a, checkpoint, text)


def torch_train(argv):
    p = argparse.ArgumentParser(prog="torch_interop.py torch-train", add_help=False,
                                description="Train in PyTorch, save a Perplex checkpoint; other options go to torch_lm.py.")
    p.add_argument("--out", required=True, help="checkpoint to write (.safetensors)")
    add_common(p)
    if "-h" in argv or "--help" in argv:
        p.print_help()
        print("\ntorch_lm.py options:")
        torch_lm.parse_args(["--help"])
    a, rest = p.parse_known_args(argv)
    lm_args = torch_lm.parse_args(rest + ["--threads", str(a.threads)])
    if lm_args.epochs == 0:
        lm_args.max_batches = 0
    model, config, corpus, summary = torch_lm.run(lm_args, emit=lambda line: print(line, file=sys.stderr, flush=True))
    ct.save(model, config, corpus.words, a.out)
    text = os.path.join(lm_args.data, "test.txt")
    result = {"direction": "torch->perplex", "model": config.kind, "checkpoint": a.out, "text": text,
              "epochs": lm_args.epochs, "torch": {"loss": summary["test_loss"], "ppl": summary["test_ppl"]}}
    a.bptt = lm_args.bptt
    return compare(result, a, a.out, text)


def main():
    commands = {"export-check": export_check, "torch-train": torch_train}
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if sys.argv[1] not in commands:
        raise SystemExit(f"error: unknown command '{sys.argv[1]}' (export-check or torch-train; --help)")
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
