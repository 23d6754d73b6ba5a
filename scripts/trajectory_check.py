#!/usr/bin/env python3
"""Do Perplex and PyTorch train the same way? Both sides start from Perplex's initial weights for a
seed, without dropout, and run the same SGD windows; prints the per-batch training losses of each
and their largest relative difference (they drift apart only by float rounding, which chaotic
training amplifies over many steps).

    python3 scripts/trajectory_check.py --model GatedCNN --batches 50 -- --nlayers 4 --kernel-size 3

Perplex's initial weights come from `perplex train --lr 1e-30 --max-batches 1` (one step that moves
nothing, then the checkpoint); its losses from metrics.jsonl of a run with the same seed.
"""
import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F

import checkpoint_torch as ct
import recipe_torch as rt

ROOT = Path(__file__).resolve().parents[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "ptb-small"))
    p.add_argument("--model", required=True, choices=rt.KINDS)
    p.add_argument("--batches", type=int, default=50)
    p.add_argument("--lr", type=float, default=20.0)
    p.add_argument("--clip", type=float, default=0.25)
    p.add_argument("--bptt", type=int, default=35)
    p.add_argument("--batch-size", type=int, default=20)
    p.add_argument("--seed", type=int, default=1111)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--perplex", default=str(ROOT / ".build" / "release" / "perplex"))
    p.add_argument("flags", nargs="*", help="model flags for both sides (after --)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    common = ["train", "--data", a.data, "--model", a.model, "--seed", str(a.seed), "--dropout", "0", "--epochs", "1",
              "--bptt", str(a.bptt), "--batch-size", str(a.batch_size), "--clip", str(a.clip), *a.flags]
    with tempfile.TemporaryDirectory() as tmp:
        init, run = Path(tmp) / "init", Path(tmp) / "run"
        for args in ([*common, "--lr", "1e-30", "--max-batches", "1", "--save", str(init)],
                     [*common, "--lr", str(a.lr), "--max-batches", str(a.batches), "--log-interval", "1", "--save", str(run)]):
            done = subprocess.run([a.perplex, *args], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"error: perplex failed: {done.stderr.strip()}")
        ours = [json.loads(line)["loss"] for line in (run / "metrics.jsonl").read_text().splitlines()
                if json.loads(line)["type"] == "batch"]
        model, config, words = ct.load(str(init))
    corpus = rt.Corpus(a.data, words)
    train = rt.batchify(corpus.train, a.batch_size)
    model.train()
    hidden = model.init_hidden(a.batch_size) if not isinstance(model, rt.STATELESS) else None
    theirs = []
    for i, length in rt.training_windows(train.size(0), a.bptt, 1)[: a.batches]:
        data, targets = rt.get_batch(train, i, length)
        model.zero_grad()
        if hidden is not None:
            hidden = rt.repackage_hidden(hidden)
        output, hidden = rt.step(model, data, hidden)
        loss = F.nll_loss(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        with torch.no_grad():
            for q in model.parameters():
                q.add_(q.grad, alpha=-a.lr)
        theirs.append(loss.item())
    print("batch  perplex    pytorch    relative difference")
    worst, tracked = 0.0, None
    for b, (x, y) in enumerate(zip(ours, theirs), 1):
        d = abs(x - y) / abs(y)
        worst = max(worst, d)
        if d > 1e-4 and tracked is None:
            tracked = b - 1
        print(f"{b:5d}  {x:9.5f}  {y:9.5f}  {d:.2e}")
    print(json.dumps({"model": a.model, "batches": len(theirs), "max_relative_difference": worst,
                      "batches_within_1e-4": tracked if tracked is not None else len(theirs),
                      "final_loss": {"perplex": ours[-1], "torch": theirs[-1]},
                      "initial_loss_matches": math.isclose(ours[0], theirs[0], rel_tol=1e-4)}))


if __name__ == "__main__":
    main()
