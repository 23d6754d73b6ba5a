"""Parameter counts of the word-language-model recipe's models, as PyTorch gives them.

Prints `sum(p.numel() for p in model.parameters())` (a tied weight is one parameter, counted once)
for several configurations of all five model kinds. Tests/AnalysisTests/ParameterCountTests.swift
pins these numbers as literals, and `perplex params` should print the same totals.

Run: python3 scripts/param_counts.py   (needs torch)
"""
import warnings

from recipe_torch import RNNModel, TransformerModel  # the recipe's models, as the other scripts use


CONFIGS = [
    # (model, vocab, emsize, nhid, nlayers, nhead, tied)
    ("LSTM", 10000, 200, 200, 2, 2, False),
    ("LSTM", 10000, 200, 200, 2, 2, True),
    ("LSTM", 33278, 650, 650, 2, 2, False),
    ("GRU", 10000, 200, 200, 2, 2, False),
    ("GRU", 5000, 100, 100, 1, 2, True),
    ("RNN_TANH", 10000, 200, 200, 2, 2, False),
    ("RNN_TANH", 7596, 64, 128, 3, 2, False),
    ("RNN_RELU", 10000, 200, 200, 2, 2, False),
    ("RNN_RELU", 1000, 50, 50, 1, 2, True),
    ("Transformer", 10000, 200, 200, 2, 2, False),
    ("Transformer", 33278, 256, 1024, 4, 8, False),
]


def build(kind, vocab, emsize, nhid, nlayers, nhead, tied):
    if kind == "Transformer":
        return TransformerModel(vocab, emsize, nhead, nhid, nlayers)
    return RNNModel(kind, vocab, emsize, nhid, nlayers, tie_weights=tied)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")  # dropout with one layer: harmless for counting
    print(f"{'model':<12} {'vocab':>6} {'emsize':>6} {'nhid':>5} {'nlayers':>7} {'nhead':>5} {'tied':>5} {'parameters':>11}")
    for config in CONFIGS:
        total = sum(p.numel() for p in build(*config).parameters())
        kind, vocab, emsize, nhid, nlayers, nhead, tied = config
        print(f"{kind:<12} {vocab:>6} {emsize:>6} {nhid:>5} {nlayers:>7} {nhead:>5} {str(tied):>5} {total:>11}")
