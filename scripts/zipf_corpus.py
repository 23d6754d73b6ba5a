#!/usr/bin/env python3
"""Writes a synthetic word corpus with a given vocabulary size (Zipf-distributed word frequencies)
as DIR/train.txt, valid.txt, test.txt: for timing models at a realistic vocabulary without
downloading data. Deterministic.

Two shapes:
  --shape sentences (default): sentences of 5-30 words, one a line (docs/scaling.md's zipf10k).
  --shape wikitext: WikiText's layout — articles under ` = Title = ` headings, ` = = Section = = `
    headings, paragraphs of about 115 words (gamma-distributed, as wikitext-2's: deciles 12…218),
    each line starting and ending with a space, and a ` ` line between blocks. One of the words is
    `<unk>`, as in WikiText. --tokens counts every token the recipe reads, `<eos>` included, so
    `--shape wikitext --tokens 103000000 --vocab 267735` is WikiText-103-sized; numpy writes it
    in a few minutes.
"""
import argparse
import os
import random

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("dir")
parser.add_argument("--vocab", type=int, default=10000)
parser.add_argument("--tokens", type=int, default=300000, help="training tokens (valid and test get a tenth each)")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--shape", choices=["sentences", "wikitext"], default="sentences")
parser.add_argument("--held-out", type=int, default=None,
                    help="tokens of valid and test each (default: a tenth of --tokens; wikitext: at most 250000)")
args = parser.parse_args()
if args.vocab < 2 or args.tokens < args.vocab:
    parser.error("--vocab must be at least 2 and --tokens at least --vocab")


def write_sentences():
    rng = random.Random(args.seed)
    words = [f"w{i}" for i in range(args.vocab)]
    weights = [1 / (rank + 1) for rank in range(args.vocab)]
    os.makedirs(args.dir, exist_ok=True)
    held = args.held_out if args.held_out is not None else args.tokens // 10
    for name, count in [("train", args.tokens), ("valid", held), ("test", held)]:
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


def write_wikitext():
    import numpy as np

    rng = np.random.default_rng(args.seed)
    words = np.array([f"w{i}" for i in range(args.vocab)], dtype=object)
    if args.vocab > 10:
        words[7] = "<unk>"  # WikiText's unknown word, among the most frequent as there
    cdf = np.cumsum(1.0 / np.arange(1, args.vocab + 1))
    cdf /= cdf[-1]
    chunk = 1 << 22

    def zipf(count):
        return np.minimum(np.searchsorted(cdf, rng.random(count)), args.vocab - 1)

    def write_split(path, total, every_word):
        # Line layout first (tokens per line, <eos> included), then words drawn in chunks.
        pending = rng.permutation(args.vocab) if every_word else np.empty(0, dtype=np.int64)
        ids = np.empty(0, dtype=np.int64)
        written = 0
        with open(path, "w", buffering=1 << 24) as out:
            lines = []

            def take(n):
                nonlocal ids, pending
                if len(ids) < n:
                    fresh = zipf(max(chunk, n))
                    if len(pending):
                        # Spread the every-word-once ids over the first chunks.
                        k = min(len(pending), len(fresh) // 4)
                        fresh[rng.choice(len(fresh), k, replace=False)] = pending[:k]
                        pending = pending[k:]
                    ids = np.concatenate([ids, fresh])
                got, ids = ids[:n], ids[n:]
                return " ".join(words[got])

            while written < total:
                left = total - written
                title = min(int(rng.integers(2, 5)), max(1, left - 4))
                lines.append(" = " + take(title) + " = ")
                lines.append(" ")
                written += title + 4  # the title, two `=`, its line's <eos>, the empty line's <eos>
                sections = int(rng.integers(2, 8))
                for section in range(sections):
                    if written >= total:
                        break
                    if section > 0:
                        n = min(int(rng.integers(1, 4)), max(1, total - written - 6))
                        lines.append(" = = " + take(n) + " = = ")
                        lines.append(" ")
                        written += n + 6
                    for _ in range(int(rng.integers(1, 6))):
                        if written >= total:
                            break
                        n = int(rng.gamma(2.2, 52.0)) + 1
                        n = max(1, min(n, total - written - 2))
                        lines.append(" " + take(n) + " ")
                        lines.append(" ")
                        written += n + 2
                if len(lines) > 20000:
                    out.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                out.write("\n".join(lines) + "\n")
            # Words never drawn into train (a tiny corpus) still appear once, on a line of their own.
            if len(pending):
                out.write(" " + " ".join(words[pending]) + " \n")

    os.makedirs(args.dir, exist_ok=True)
    held = args.held_out if args.held_out is not None else min(args.tokens // 10, 250000)
    write_split(os.path.join(args.dir, "train.txt"), args.tokens, True)
    write_split(os.path.join(args.dir, "valid.txt"), held, False)
    write_split(os.path.join(args.dir, "test.txt"), held, False)


if args.shape == "wikitext":
    write_wikitext()
else:
    write_sentences()
