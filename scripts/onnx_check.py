#!/usr/bin/env python3
"""Checks `perplex export-onnx` against perplex itself, kind by kind, with onnxruntime.

For each kind: train a small run (1 epoch of --max-batches; --reuse keeps one already in
--work), export it, then
  * onnx.checker.check_model (full check, with shape inference) passes;
  * the logits (and state) of the first window of the test text (batch 10, bptt 35, evaluate's
    defaults) from onnxruntime match perplex's own (`export-onnx --window-text`) to --atol, and
    so do the logits of three of its columns run alone (Δbatch3: the batch axis is dynamic);
  * the test perplexity from looping every window through onnxruntime, carrying the state, as
    `perplex evaluate` batches the text, is within --rtol of `perplex evaluate`'s.

    pip install onnx onnxruntime safetensors    # numpy comes with them
    swift build -c release
    python3 scripts/onnx_check.py --perplex .build/release/perplex --data ../shared/data/ptb-small

Prints one row per kind and exits non-zero when any check fails.
"""

import argparse
import math
import os
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from safetensors import safe_open
from safetensors.numpy import load_file

KINDS = {
    # The recipe's lr 20 sends the plain RNNs' loss to NaN (RELU) or to a perplexity of 10⁸ (TANH).
    "RNN_TANH": ["--model", "RNN_TANH", "--lr", "1"],
    "RNN_RELU": ["--model", "RNN_RELU", "--lr", "1"],
    "LSTM": ["--model", "LSTM"],
    "GRU": ["--model", "GRU"],
    "LSTM_tied": ["--model", "LSTM", "--tied"],
    "Transformer": ["--model", "Transformer"],
}
BATCH, BPTT = 10, 35  # perplex evaluate's defaults
NEXT = {"h0": "hn", "c0": "cn"}  # the graph's state inputs and the outputs that carry them on


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr}")
    return done.stdout


def tokens(path, vocabulary):
    """Ids of the text as perplex reads it: whitespace-separated words, <eos> after every line."""
    index = {word: i for i, word in enumerate(vocabulary)}
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    ids = []
    for line in re.split(r"\r\n|\n|\r", text[:-1] if text.endswith(("\n", "\r")) else text):
        ids += [index[w] for w in line.split()] + [index["<eos>"]]
    return np.array(ids, dtype=np.int64)


def batchify(ids, batch):
    """The recipe's batchify: column b holds tokens [b·rows, (b+1)·rows); [rows, batch]."""
    rows = len(ids) // batch
    return ids[: rows * batch].reshape(batch, rows).T.copy()


def check(name, flags, args):
    folder = os.path.join(args.work, name)
    checkpoint = os.path.join(folder, "model.safetensors")
    if not args.reuse or not os.path.exists(checkpoint):
        run([args.perplex, "train", "--data", args.data, "--epochs", "1", "--max-batches", str(args.max_batches),
             "--save", folder, "--overwrite"] + flags + args.train_flags)
    path, window = os.path.join(folder, "model.onnx"), os.path.join(folder, "window.safetensors")
    test = os.path.join(args.data, "test.txt")
    run([args.perplex, "export-onnx", "--checkpoint", folder, "--out", path, "--window-text", test, "--window-out", window])
    onnx.checker.check_model(onnx.load(path), full_check=True)

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    state_names = [i.name for i in session.get_inputs() if i.name != "input"]
    shape = next((i.shape for i in session.get_inputs() if i.name == "h0"), None)
    zeros = {s: np.zeros((shape[0], BATCH, shape[2]), dtype=np.float32) for s in state_names}

    # One window: perplex's logits and state against onnxruntime's.
    reference = load_file(window)
    first = reference["input"].astype(np.int64)
    outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"input": first, **zeros})))
    logit_diff = float(np.abs(outputs["logits"] - reference["logits"]).max())
    # The batch axis is dynamic: three columns alone give those columns' logits.
    narrow = session.run(["logits"], {"input": first[:, :3], **{s: z[:, :3] for s, z in zeros.items()}})[0]
    batch_diff = float(np.abs(narrow - outputs["logits"][:, :3]).max())
    state_diff = max([float(np.abs(outputs[NEXT[s]] - reference[NEXT[s]]).max())
                      for s in state_names] or [0.0])

    # The whole test text, window by window with the state carried, as perplex evaluate does.
    with safe_open(checkpoint, "np") as f:
        vocabulary = f.metadata()["perplex.vocabulary"].split("\n")
    data = batchify(tokens(test, vocabulary), BATCH)
    assert np.array_equal(data[: len(first)], first), "the first window differs from perplex's"
    state, nll, count = zeros, 0.0, 0
    for i in range(0, len(data) - 1, BPTT):
        seq = min(BPTT, len(data) - 1 - i)
        result = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"input": data[i:i + seq], **state})))
        logits = result["logits"].astype(np.float64).reshape(-1, len(vocabulary))
        targets = data[i + 1:i + 1 + seq].reshape(-1)
        top = logits.max(axis=1)
        log_z = top + np.log(np.exp(logits - top[:, None]).sum(axis=1))
        nll += float((log_z - logits[np.arange(len(targets)), targets]).sum())
        count += len(targets)
        state = {s: result[NEXT[s]] for s in state_names}
    onnx_loss = nll / count

    evaluated = run([args.perplex, "evaluate", "--checkpoint", folder, "--text", test])
    # evaluate counts the stream's tokens, rows × batch; the last row is only a target.
    match = re.search(r"(\d+) tokens \| loss ([0-9.]+) \| ppl ([0-9.]+)", evaluated)
    perplex_tokens, perplex_loss = int(match.group(1)), float(match.group(2))
    ppl_onnx, ppl_perplex = math.exp(onnx_loss), math.exp(perplex_loss)
    relative = abs(ppl_onnx / ppl_perplex - 1)
    ok = (max(logit_diff, batch_diff, state_diff) <= args.atol and relative <= args.rtol
          and perplex_tokens == data.size)
    print(f"| {name:<11} | {logit_diff:.2e} | {state_diff:.2e} | {ppl_onnx:10.3f} | {ppl_perplex:10.3f} "
          f"| {100 * relative:.4f} % | {batch_diff:.1e} | {count} | {'ok' if ok else 'FAIL'} |", flush=True)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--perplex", default=".build/release/perplex")
    parser.add_argument("--data", default="../shared/data/ptb-small", help="a folder with train/valid/test.txt")
    parser.add_argument("--work", default="runs/onnx-check", help="run folders and .onnx files go here")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, of " + ", ".join(KINDS))
    parser.add_argument("--max-batches", type=int, default=50, help="training batches per run")
    parser.add_argument("--reuse", action="store_true", help="reuse run folders already trained")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads")
    parser.add_argument("--atol", type=float, default=1e-4, help="largest |Δlogit| and |Δstate|")
    parser.add_argument("--rtol", type=float, default=1e-3, help="largest relative perplexity difference")
    parser.add_argument("train_flags", nargs="*", help="after --: more flags for perplex train")
    args = parser.parse_args()
    print(f"onnx {onnx.__version__}, onnxruntime {ort.__version__}; test text {args.data}/test.txt, "
          f"batch {BATCH}, bptt {BPTT}")
    print("| kind        | max|Δlogit| | max|Δstate| | ppl ONNX   | ppl perplex | Δppl      | Δbatch3 | targets | |")
    results = [check(name, KINDS[name], args) for name in args.kinds.split(",")]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
