#!/usr/bin/env python3
"""A nanoGPT checkpoint (out_dir/ckpt.pt) as a Perplex run folder: model.safetensors with the GPT
configuration and vocabulary in its metadata, and, for a char-level data set (its meta.pkl with
`itos`), the char tokenizer (tokenizer.json, chars.json), so that `perplex generate --checkpoint OUT`
and `perplex evaluate` read it.

The state dict's names are nanoGPT's, which Perplex's GPT uses; torch.compile's `_orig_mod.` prefix
is stripped (as nanoGPT's own train.py does on resume). nanoGPT's GPT has no `nhid`; Perplex records
its 4 * n_embd.

usage: python3 scripts/nanogpt_import.py out-shakespeare-char/ckpt.pt --meta data/shakespeare_char/meta.pkl --out runs/nanogpt
"""
import argparse
import json
import os
import pickle
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recipe_torch import ModelConfig  # noqa: E402

PREFIX = "_orig_mod."


def spelling(text):
    """Perplex's vocabulary spelling of a token (TokenizedData.spellings): \\, LF, CR, tab escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("--meta", help="the data set's meta.pkl (stoi/itos of a char-level set)")
    p.add_argument("--out", required=True, help="run folder to write")
    a = p.parse_args()
    ckpt = torch.load(a.checkpoint, map_location="cpu", weights_only=False)
    args = ckpt["model_args"]
    state = {(k[len(PREFIX):] if k.startswith(PREFIX) else k): v for k, v in ckpt["model"].items()}
    state = {k: v for k, v in state.items() if not k.endswith(".attn.bias")}  # the slow path's mask buffer
    vocab = args["vocab_size"]
    if a.meta:
        with open(a.meta, "rb") as f:
            itos = pickle.load(f)["itos"]
        chars = [itos[i] for i in range(len(itos))]
        if len(chars) != vocab:
            raise SystemExit(f"error: {a.meta} has {len(chars)} characters but the model {vocab} tokens")
        words = [spelling(c) for c in chars]
    else:
        chars, words = None, [f"<id {i}>" for i in range(vocab)]
    config = ModelConfig("GPT", vocab, emsize=args["n_embd"], nhid=4 * args["n_embd"], nlayers=args["n_layer"],
                         nhead=args["n_head"], dropout=float(args.get("dropout", 0.0)), blockSize=args["block_size"],
                         bias=bool(args["bias"]))
    os.makedirs(a.out, exist_ok=True)
    tensors = {k: v.detach().to(torch.float32).contiguous().clone() for k, v in state.items()}
    metadata = {"perplex.config": config.to_json(), "perplex.vocabulary": "\n".join(words)}
    save_file(tensors, os.path.join(a.out, "model.safetensors"), metadata=metadata)
    if chars is not None:
        with open(os.path.join(a.out, "chars.json"), "w", encoding="utf8") as f:
            json.dump(chars, f, ensure_ascii=False)
        with open(os.path.join(a.out, "tokenizer.json"), "w", encoding="utf8") as f:
            json.dump({"kind": "char", "vocabularySize": vocab}, f)
    print(f"{a.out}: GPT {args['n_layer']}x{args['n_embd']}, {args['n_head']} heads, block {args['block_size']}, "
          f"vocabulary {vocab}, iteration {ckpt.get('iter_num')}, best val loss {float(ckpt.get('best_val_loss', 'nan')):.4f}")


if __name__ == "__main__":
    main()
