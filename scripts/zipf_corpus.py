#!/usr/bin/env python3
"""Writes a synthetic word corpus with a given vocabulary size (Zipf-distributed word frequencies,
sentences of 5-30 words) as DIR/train.txt, valid.txt, test.txt: for timing models at a realistic
vocabulary without downloading data (docs/scaling.md uses vocabulary 10k). Deterministic."""
import argparse
import os
import random

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("dir")
parser.add_argument("--vocab", type=int, default=10000)
parser.add_argument("--tokens", type=int, default=300000, help="training tokens (valid and test get a tenth each)")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

rng = random.Random(args.seed)
words = [f"w{i}" for i in range(args.vocab)]
weights = [1 / (rank + 1) for rank in range(args.vocab)]
os.makedirs(args.dir, exist_ok=True)
for name, count in [("train", args.tokens), ("valid", args.tokens // 10), ("test", args.tokens // 10)]:
    # Every word once in train, so the vocabulary has exactly --vocab words (plus <eos>).
    tokens = words[:] if name == "train" else []
    tokens += rng.choices(words, weights, k=max(0, count - len(tokens)))
    if name == "train":
        rng.shuffle(tokens)
    with open(os.path.join(args.dir, f"{name}.txt"), "w") as out:
        i = 0
        while i < len(tokens):
            n = rng.randint(5, 30)
            out.write(" ".join(tokens[i:i + n]) + "\n")
            i += n
