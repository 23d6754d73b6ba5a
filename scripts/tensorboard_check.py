"""Checks that perplex's TensorBoard event files hold what metrics.jsonl holds, read by TensorBoard.

Trains a short run (`perplex train`, 2 epochs, --max-batches) and resumes it for a third epoch into
the same folder (a second event file), then loads the folder with TensorBoard's own
EventAccumulator and checks that every number of every metrics.jsonl line (but the epoch and
batch indices) is a scalar under its tag, at its step, with the same value as float32:

  batch line  -> train/<field>                           step: global batch index
  epoch line  -> valid/<field without valid_>, epoch/<field>   step: global step at the epoch's end
  test line   -> test/<field without test_>               step: the last step trained

and that no other scalar is there. Then trains a small sweep and checks that TensorBoard's
EventMultiplexer finds one run per sweep run in the sweep folder (one comparison).
Exits 1 on any difference.

Run: swift build -c release && pip install tensorboard &&
     python3 scripts/tensorboard_check.py [--data ../shared/data/ptb-small] [--perplex .build/release/perplex]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from tensorboard.backend.event_processing import event_accumulator, event_multiplexer

INDICES = {"type", "epoch", "batch", "interrupted"}


def tag(kind, key):
    if kind == "batch":
        return "train/" + key
    if kind == "epoch":
        return "valid/" + key[len("valid_"):] if key.startswith("valid_") else "epoch/" + key
    if kind == "test":
        return "test/" + (key[len("test_"):] if key.startswith("test_") else key)
    raise ValueError(f"metrics.jsonl line of unknown type {kind}")


def expected_scalars(folder, batches_per_epoch):
    """(tag, step, value) for every number in metrics.jsonl, the steps counted as documented."""
    out, last = [], 0
    with open(os.path.join(folder, "metrics.jsonl"), encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            kind = record["type"]
            if kind == "batch":
                step = (record["epoch"] - 1) * batches_per_epoch + record["batch"]
            elif kind == "epoch":
                step = record["epoch"] * batches_per_epoch
            else:
                step = last
            last = step
            for key, value in record.items():
                if key not in INDICES and isinstance(value, (int, float)) and not isinstance(value, bool):
                    out.append((tag(kind, key), step, value))
    return out


def run(command):
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}):\n{result.stderr}")
    return result


def check_run(args, folder):
    common = [
        args.perplex, "train", "--data", args.data, "--emsize", "32", "--nhid", "32", "--nlayers", "1",
        "--bptt", "20", "--max-batches", str(args.max_batches), "--log-interval", str(args.log_interval),
        "--save", folder,
    ]
    run(common + ["--epochs", "2"])
    run(common + ["--epochs", "3", "--resume", folder])
    files = sorted(f for f in os.listdir(folder) if "tfevents" in f)
    print("event files:", ", ".join(files))
    if len(files) != 2:
        sys.exit(f"expected 2 event files (a run and its resume), found {len(files)}")

    accumulator = event_accumulator.EventAccumulator(folder, size_guidance={event_accumulator.SCALARS: 0})
    accumulator.Reload()
    found = {}
    for name in accumulator.Tags()["scalars"]:
        for event in accumulator.Scalars(name):
            found.setdefault((name, event.step), []).append(event.value)

    expected = expected_scalars(folder, args.max_batches)
    problems = []
    for name, step, value in expected:
        values = found.get((name, step))
        if values is None:
            problems.append(f"{name} at step {step}: missing")
        elif len(values) != 1:
            problems.append(f"{name} at step {step}: {len(values)} values")
        elif np.float32(values[0]) != np.float32(value):
            problems.append(f"{name} at step {step}: event {values[0]!r} != metrics {np.float32(value)!r}")
    extra = set(found) - {(name, step) for name, step, _ in expected}
    problems += [f"{name} at step {step}: not in metrics.jsonl" for name, step in sorted(extra)]

    tags = sorted({name for name, _, _ in expected})
    print(f"{len(expected)} scalars in metrics.jsonl, {sum(map(len, found.values()))} in the event files, "
          f"{len(tags)} tags: {', '.join(tags)}")
    for name in ("train/loss", "valid/ppl", "test/ppl"):
        print(f"  {name}: " + ", ".join(f"step {e.step} = {e.value:.4f}" for e in accumulator.Scalars(name)))
    return problems


def check_sweep(args, folder):
    run([
        args.perplex, "sweep", "--grid", "nlayers=1,2", "--out", folder, "--builtin-sentences", "200",
        "--emsize", "16", "--nhid", "16", "--epochs", "1", "--max-batches", "5", "--log-interval", "2",
    ])
    multiplexer = event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(folder)
    multiplexer.Reload()
    runs = sorted(multiplexer.Runs())
    print("sweep runs TensorBoard finds:", ", ".join(runs))
    wanted = {"nlayers=1", "nlayers=2"}
    if set(runs) != wanted:
        return [f"sweep: TensorBoard found runs {runs}, expected {sorted(wanted)}"]
    return [f"sweep run {r}: no valid/ppl" for r in runs if "valid/ppl" not in multiplexer.Runs()[r]["scalars"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--perplex", default=os.path.join(root, ".build/release/perplex"))
    parser.add_argument("--data", default=os.path.join(root, "../shared/data/ptb-small"))
    parser.add_argument("--max-batches", type=int, default=40)
    parser.add_argument("--log-interval", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        problems = check_run(args, os.path.join(tmp, "run"))
        problems += check_sweep(args, os.path.join(tmp, "sweep"))
    for p in problems:
        print("MISMATCH", p)
    print("OK: TensorBoard reads every metrics.jsonl scalar, equal as float32" if not problems else
          f"FAILED: {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
