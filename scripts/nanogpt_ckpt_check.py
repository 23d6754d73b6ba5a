#!/usr/bin/env python3
"""A nanoGPT ckpt.pt scored by nanoGPT's own model beside `perplex evaluate` reading the same file.

nanoGPT prints its validation loss from `eval_iters` random batches (estimate_loss), a noisy
reading; this script gives, for its checkpoint: that number as saved (best_val_loss), the mean
over many random batches (what the printed number estimates), and the loss over the whole val
split in contiguous windows cut as `perplex evaluate` cuts them (10 columns, block_size-long
windows), with Perplex's reading of the same file beside it.

usage: NANOGPT_DIR=path/to/nanoGPT python3 scripts/nanogpt_ckpt_check.py out/ckpt.pt ../shared/data/tinyshakespeare/input.txt
"""
import os
import re
import subprocess
import sys

import numpy as np
import torch


def main():
    ckpt_path, input_txt = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.environ.get("NANOGPT_DIR", "."))
    from model import GPT, GPTConfig  # nanoGPT's model.py
    ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    model = GPT(GPTConfig(**ckpt["model_args"]))
    prefix = "_orig_mod."
    model.load_state_dict({k[len(prefix):] if k.startswith(prefix) else k: v for k, v in ckpt["model"].items()})
    model.eval()
    text = open(input_txt, encoding="utf-8").read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    val = np.array([stoi[c] for c in text[int(len(text) * 0.9):]], dtype=np.int64)
    block = ckpt["model_args"]["block_size"]
    torch.manual_seed(0)
    with torch.no_grad():
        losses = []
        for _ in range(200):  # 200 batches of 12, as train.py's get_batch draws them
            ix = torch.randint(len(val) - block, (12,))
            x = torch.stack([torch.from_numpy(val[i:i + block]) for i in ix])
            y = torch.stack([torch.from_numpy(val[i + 1:i + 1 + block]) for i in ix])
            losses.append(model(x, y)[1].item())
        random_mean = float(np.mean(losses))
        # Perplex's evaluation: the stream in 10 columns, windows of block_size down each column.
        columns = 10
        rows = len(val) // columns
        data = torch.from_numpy(val[:rows * columns]).view(columns, rows)
        total, count = 0.0, 0
        for start in range(0, rows - 1, block):
            n = min(block, rows - 1 - start)
            x, y = data[:, start:start + n].contiguous(), data[:, start + 1:start + 1 + n].contiguous()
            logits, _ = model(x, y)
            total += torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1),
                                                       reduction="sum").item()
            count += y.numel()
        contiguous = total / count
    perplex = os.environ.get("PERPLEX", ".build/release/perplex")
    out = subprocess.run([perplex, "evaluate", "--checkpoint", ckpt_path, "--data", input_txt],
                         check=True, capture_output=True, text=True).stdout
    ours = float(re.search(r"loss ([0-9.]+)", out).group(1))
    printed = float(ckpt["best_val_loss"])
    print(f"nanoGPT printed (best_val_loss, {ckpt['config'].get('eval_iters')} random batches): {printed:.4f}")
    print(f"nanoGPT, mean of 200 random batches:                 {random_mean:.4f}")
    print(f"nanoGPT, whole val split as perplex evaluate cuts it: {contiguous:.4f}")
    print(f"perplex evaluate:                                     {ours:.4f}  "
          f"({100 * (ours / contiguous - 1):+.3f} % of the same cut, {100 * (ours / printed - 1):+.2f} % of the printed)")


if __name__ == "__main__":
    main()
