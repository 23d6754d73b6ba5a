"""Parameter counts of Perplex's model kinds, as PyTorch gives them.

Prints `sum(p.numel() for p in model.parameters())` (a tied weight is one parameter, counted once)
for several configurations of every model kind, built by the recipe's make_model (recipe_torch.py,
zoo_torch.py). Tests/AnalysisTests/ParameterCountTests.swift pins these numbers as literals, and
`perplex params` should print the same totals.

Run: python3 scripts/param_counts.py   (needs torch)
"""
import warnings

from recipe_torch import ModelConfig, make_model  # the models the other scripts use

CONFIGS = [
    # the recipe's kinds: (model, vocab, emsize, nhid, nlayers, nhead, tied)
    ModelConfig("LSTM", 10000, 200, 200, 2, 2, tied=False),
    ModelConfig("LSTM", 10000, 200, 200, 2, 2, tied=True),
    ModelConfig("LSTM", 33278, 650, 650, 2, 2, tied=False),
    ModelConfig("GRU", 10000, 200, 200, 2, 2, tied=False),
    ModelConfig("GRU", 5000, 100, 100, 1, 2, tied=True),
    ModelConfig("RNN_TANH", 10000, 200, 200, 2, 2, tied=False),
    ModelConfig("RNN_TANH", 7596, 64, 128, 3, 2, tied=False),
    ModelConfig("RNN_RELU", 10000, 200, 200, 2, 2, tied=False),
    ModelConfig("RNN_RELU", 1000, 50, 50, 1, 2, tied=True),
    # --context previous-sentence: the decoder reads nhid + emsize features
    ModelConfig("LSTM", 10000, 200, 200, 2, 2, context="previous-sentence"),
    ModelConfig("GRU", 5000, 100, 100, 1, 2, context="previous-sentence"),
    ModelConfig("RNN_TANH", 7596, 64, 128, 3, 2, context="previous-sentence"),
    ModelConfig("Transformer", 10000, 200, 200, 2, 2, tied=False),
    ModelConfig("Transformer", 33278, 256, 1024, 4, 8, tied=False),
    # --adaptive: an nn.AdaptiveLogSoftmaxWithLoss decoder (cutoffs, div_value)
    ModelConfig("LSTM", 10000, 200, 200, 2, 2, adaptiveSoftmax={"cutoffs": [2000, 6000], "divValue": 4.0}),
    ModelConfig("GRU", 30000, 200, 200, 2, 2, adaptiveSoftmax={"cutoffs": [2000, 20000], "divValue": 4.0}),
    ModelConfig("RNN_RELU", 5000, 64, 96, 1, 2, adaptiveSoftmax={"cutoffs": [100, 1000, 3000], "divValue": 2.0}),
    ModelConfig("Transformer", 10000, 200, 200, 2, 2, adaptiveSoftmax={"cutoffs": [2000], "divValue": 4.0}),
    # the seeds' other models
    ModelConfig("NPLM", 10000, 200, 200, ngram=4),
    ModelConfig("NPLM", 8000, 16, 128, ngram=4, hiddenActivation="linear"),
    ModelConfig("NPLM", 5000, 100, 100, tied=True, ngram=6),
    ModelConfig("NGRAM_RNN", 8000, 16, 128, 1, ngram=4),
    ModelConfig("NGRAM_RNN", 10000, 200, 200, 2, ngram=5, backpropSteps=2),
    ModelConfig("NGRAM_RNN", 5000, 64, 64, 1, tied=True, ngram=3),
    ModelConfig("GatedCNN", 10000, 200, 200, 2, kernelSize=3),
    ModelConfig("GatedCNN", 10000, 100, 100, 10, kernelSize=3),
    ModelConfig("GatedCNN", 5000, 64, 128, 3, tied=False, kernelSize=5),
    ModelConfig("GatedCNN_RNN", 10000, 100, 100, 10, kernelSize=3, rnnLayers=2),
    ModelConfig("GatedCNN_RNN", 10000, 200, 200, 2, tied=True, kernelSize=4, rnnLayers=1),
    ModelConfig("AttentionLSTM", 10000, 200, 200, 2, attentionWindow=10),
    ModelConfig("AttentionLSTM", 10000, 200, 200, 1, tied=True, attentionWindow=5),
    # CharCNN: characters (its vocabulary, markers and padding included) and word length given
    ModelConfig("CharCNN", 10000, nhid=300, nlayers=2, characters=51, maxWordLength=21),
    ModelConfig("CharCNN", 7596, nhid=200, nlayers=1, charEmsize=10, maxFilterWidth=4, featureMaps=20, highwayLayers=2,
                characters=50, maxWordLength=8),
    # GPT (nanoGPT's model.py): n_embd, n_layer, n_head, block_size, bias; nhid not read
    ModelConfig("GPT", 65, 384, nlayers=6, nhead=6, blockSize=256, bias=False),
    ModelConfig("GPT", 50304, 768, nlayers=12, nhead=12, blockSize=1024, bias=True),
]


def describe(c):
    extras = {k: v for k, v in vars(c).items()
              if k not in ("kind", "vocabularySize", "emsize", "nhid", "nlayers", "nhead", "dropout", "tied") and v is not None}
    return " ".join(f"{k}={v}" for k, v in extras.items())


if __name__ == "__main__":
    warnings.filterwarnings("ignore")  # dropout with one layer: harmless for counting
    print(f"{'model':<14} {'vocab':>6} {'emsize':>6} {'nhid':>5} {'nlayers':>7} {'nhead':>5} {'tied':>5} {'parameters':>11}  extra")
    for config in CONFIGS:
        total = sum(p.numel() for p in make_model(config).parameters())
        c = config
        print(f"{c.kind:<14} {c.vocabularySize:>6} {c.emsize:>6} {c.nhid:>5} {c.nlayers:>7} {c.nhead:>5} {str(c.tied):>5} "
              f"{total:>11}  {describe(c)}")
