"""Parameter counts of the word-language-model recipe's models, as PyTorch gives them.

Prints `sum(p.numel() for p in model.parameters())` (a tied weight is one parameter, counted once)
for several configurations of all five model kinds. Tests/AnalysisTests/ParameterCountTests.swift
pins these numbers as literals, and `perplex params` should print the same totals.

Run: python3 scripts/param_counts.py   (needs torch)
"""
import math
import warnings

import torch
import torch.nn as nn


class RNNModel(nn.Module):
    """The recipe's RNNModel (pytorch/examples word_language_model/model.py)."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ["LSTM", "GRU"]:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            assert nhid == ninp
            self.decoder.weight = self.encoder.weight


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=5000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))


class TransformerModel(nn.Module):
    """The recipe's TransformerModel (encoder-only, names encoder / transformer_encoder / decoder)."""

    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super().__init__()
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        layer = nn.TransformerEncoderLayer(ninp, nhead, nhid, dropout)
        self.transformer_encoder = nn.TransformerEncoder(layer, nlayers, enable_nested_tensor=False)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.decoder = nn.Linear(ninp, ntoken)


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
