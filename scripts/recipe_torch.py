"""The word_language_model recipe in PyTorch, as a library for scripts/torch_lm.py and
scripts/torch_interop.py: corpus reading, batchify, the recipe's RNNModel and TransformerModel
(state-dict names as in the example's model.py), the seeds' other models (scripts/zoo_torch.py:
NPLM, NGRAM_RNN, GatedCNN, GatedCNN_RNN, AttentionLSTM, CharCNN), evaluate (loss and top-1 accuracy), one
training epoch and the curriculum's window schedule.

    import recipe_torch as rt
    corpus = rt.Corpus("/path/to/ptb-small")
    model = rt.make_model(rt.ModelConfig("LSTM", len(corpus.words)))
"""
import json
import math
import os
import time
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

import zoo_torch as zoo

KINDS = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU", "Transformer", "NPLM", "GatedCNN", "GatedCNN_RNN", "CharCNN",
         "AttentionLSTM", "GPT", "NGRAM_RNN")
# The recurrent kinds (recipe's RNNModel), the ones that take --context, and the context modes
# (Perplex's SentenceContext; None: none).
RECURRENT = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")
# The kinds whose decoder may be an adaptive softmax (Perplex's --adaptive).
ADAPTIVE = RECURRENT + ("Transformer",)
CONTEXTS = (None, "none", "previous-sentence")
# Kind-specific fields with their defaults (Perplex's ModelConfig.resolved()).
KIND_DEFAULTS = {
    "NPLM": {"ngram": 4, "hiddenActivation": "tanh"},
    "NGRAM_RNN": {"ngram": 4},  # backpropSteps: n - 1 (resolved() fills it from ngram)
    "GatedCNN": {"kernelSize": 3},
    "GatedCNN_RNN": {"kernelSize": 3, "rnnLayers": 1},
    "AttentionLSTM": {"attentionWindow": 10},
    "CharCNN": {"charEmsize": 15, "maxFilterWidth": 6, "featureMaps": 25, "highwayLayers": 1},
    "GPT": {"blockSize": 1024, "bias": False},
}


@dataclass
class ModelConfig:
    """Perplex's ModelConfig (the `perplex.config` checkpoint metadata), same JSON keys; the
    kind-specific fields are None for the kinds they do not apply to (absent from the JSON)."""
    kind: str
    vocabularySize: int
    emsize: int = 200
    nhid: int = 200
    nlayers: int = 2
    nhead: int = 2
    dropout: float = 0.2
    tied: bool = False
    ngram: int = None
    hiddenActivation: str = None
    kernelSize: int = None
    rnnLayers: int = None
    attentionWindow: int = None
    charEmsize: int = None
    maxFilterWidth: int = None
    featureMaps: int = None
    highwayLayers: int = None
    characters: int = None
    maxWordLength: int = None
    blockSize: int = None
    bias: bool = None
    finalNorm: bool = None  # Transformer: a LayerNorm after the last layer (today's recipe has one)
    backpropSteps: int = None  # NGRAM_RNN: steps the gradient runs through (default ngram - 1)
    context: str = None  # RNN kinds: "previous-sentence" (zoo.PreviousSentenceRNN); None or "none": the recipe's
    # RNN kinds, Transformer: {"cutoffs": [...], "divValue": 4.0}, an nn.AdaptiveLogSoftmaxWithLoss decoder
    adaptiveSoftmax: dict = None

    def resolved(self):
        """The kind's own fields filled with their defaults where None."""
        for key, value in KIND_DEFAULTS.get(self.kind, {}).items():
            if getattr(self, key) is None:
                setattr(self, key, value)
        if self.kind == "NGRAM_RNN" and self.backpropSteps is None:
            self.backpropSteps = self.ngram - 1
        return self

    def to_json(self):
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @staticmethod
    def from_json(text):
        fields = json.loads(text)
        return ModelConfig(**{k: fields[k] for k in ModelConfig.__dataclass_fields__ if k in fields})


class Corpus:
    """train/valid/test.txt with the recipe's dictionary: words in first-seen order over train,
    valid and test, `<eos>` after every line."""

    def __init__(self, directory, words=None):
        self.index = {w: i for i, w in enumerate(words)} if words is not None else {}
        self.frozen = words is not None
        self.words = list(words) if words is not None else []
        self.train, self.valid, self.test = (self.encode(os.path.join(directory, f"{name}.txt"))
                                             for name in ("train", "valid", "test"))

    def encode(self, path):
        if not os.path.isfile(path):
            raise SystemExit(f"error: no such file: {path}")
        ids = []
        with open(path, encoding="utf8") as f:
            for number, line in enumerate(f, 1):
                for w in line.split() + ["<eos>"]:
                    if w not in self.index:
                        if self.frozen:
                            raise SystemExit(f"error: {path}:{number}: word '{w}' is not in the vocabulary")
                        self.index[w] = len(self.words)
                        self.words.append(w)
                    ids.append(self.index[w])
        return torch.tensor(ids, dtype=torch.long)


def encode_file(path, words):
    """Token ids of one text file under a fixed vocabulary (one-line error for unknown words)."""
    corpus = Corpus.__new__(Corpus)
    corpus.index, corpus.frozen, corpus.words = {w: i for i, w in enumerate(words)}, True, list(words)
    return corpus.encode(path)


def batchify(data, bsz):
    """The recipe's batchify: trim to a multiple of bsz, columns are contiguous stretches."""
    nbatch = data.size(0) // bsz
    return data[: nbatch * bsz].view(bsz, -1).t().contiguous()


class RNNModel(nn.Module):
    """The example's RNNModel: encoder -> dropout -> RNN/LSTM/GRU -> dropout -> decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ("LSTM", "GRU"):
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise SystemExit("error: --tied needs --nhid equal to --emsize")
            self.decoder.weight = self.encoder.weight
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        if isinstance(self.decoder, nn.AdaptiveLogSoftmaxWithLoss):
            return output.view(-1, output.size(-1)), hidden  # the decoder's input: see scores / loss_of
        decoded = self.decoder(output).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == "LSTM":
            return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)


class PositionalEncoding(nn.Module):
    """Sinusoidal positions added to [L, N, E] input, `pe` a persistent [max_len, 1, E] buffer."""

    def __init__(self, d_model, dropout=0.1, max_len=5000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))

    def forward(self, x):
        return self.dropout(x + self.pe[: x.size(0), :])


class TransformerModel(nn.Module):
    """The example's (older) TransformerModel: encoder * sqrt(ninp) -> pos_encoder ->
    transformer_encoder with a causal mask -> decoder."""

    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5, final_norm=False):
        super().__init__()
        self.model_type = "Transformer"
        self.src_mask = None
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        layer = nn.TransformerEncoderLayer(ninp, nhead, nhid, dropout)
        self.transformer_encoder = nn.TransformerEncoder(layer, nlayers, norm=nn.LayerNorm(ninp) if final_norm else None,
                                                         enable_nested_tensor=False)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    @staticmethod
    def causal_mask(sz):
        return torch.triu(torch.full((sz, sz), float("-inf")), diagonal=1)

    def forward(self, src):
        if self.src_mask is None or self.src_mask.size(0) != len(src):
            self.src_mask = self.causal_mask(len(src))
        src = self.encoder(src) * math.sqrt(self.ninp)
        src = self.pos_encoder(src)
        features = self.transformer_encoder(src, self.src_mask)
        if isinstance(self.decoder, nn.AdaptiveLogSoftmaxWithLoss):
            return features  # the decoder's input: see scores / loss_of
        return F.log_softmax(self.decoder(features), dim=-1)


# The kinds that carry no state between windows (each window read on its own).
STATELESS = (TransformerModel, zoo.GPT)


def make_model(config, words=None):
    """The model for a ModelConfig (recipe init, on the current torch seed). A CharCNN spells its
    words from `words` (else its `word_chars` buffer waits for a state dict). With `adaptiveSoftmax`
    the decoder is an nn.AdaptiveLogSoftmaxWithLoss (PyTorch's init; no head bias), still named
    `decoder`, and the model's forward returns the decoder's input (`scores`, `loss_of`)."""
    adaptive = config.adaptiveSoftmax
    if adaptive is None:
        return make_plain_model(config, words)
    if config.kind not in ADAPTIVE:
        raise SystemExit(f"error: --adaptive does not apply to {config.kind} (only to {', '.join(ADAPTIVE)})")
    if config.tied:
        raise SystemExit("error: --adaptive does not fit --tied: PyTorch's AdaptiveLogSoftmaxWithLoss shares no weights")
    if config.context not in (None, "none"):
        raise SystemExit("error: the twin's --adaptive does not take --context")
    model = make_plain_model(config, words)
    features = config.emsize if config.kind == "Transformer" else config.nhid
    model.decoder = nn.AdaptiveLogSoftmaxWithLoss(features, config.vocabularySize, list(adaptive["cutoffs"]),
                                                  div_value=float(adaptive.get("divValue", 4.0)))
    return model


def is_adaptive(model):
    return isinstance(getattr(model, "decoder", None), nn.AdaptiveLogSoftmaxWithLoss)


def scores(model, output):
    """What `step` returned as log-probabilities [N, V] (an adaptive decoder's full log_prob)."""
    return model.decoder.log_prob(output) if is_adaptive(model) else output


def loss_of(model, output, targets):
    """The mean NLL of `targets` given `step`'s output (an adaptive decoder's own loss, computed
    per cluster over the rows that need it)."""
    return model.decoder(output, targets).loss if is_adaptive(model) else F.nll_loss(output, targets)


def make_plain_model(config, words=None):
    """make_model without the adaptive decoder."""
    if config.kind not in KINDS:
        raise SystemExit(f"error: unknown model kind '{config.kind}' (expected one of {', '.join(KINDS)})")
    c = config.resolved()
    if c.context not in CONTEXTS:
        raise SystemExit(f"error: unknown --context '{c.context}' (expected one of {', '.join(CONTEXTS[1:])})")
    if c.context == "none":
        c.context = None  # as Perplex's resolved(): only a context is spelled out
    if c.context is not None:
        if c.kind not in RECURRENT:
            raise SystemExit(f"error: --context does not apply to {c.kind} (only to {', '.join(RECURRENT)})")
        if c.tied:
            raise SystemExit(f"error: --tied does not fit --context {c.context}: the decoder reads nhid + emsize features")
        eos = words.index("<eos>") if words is not None and "<eos>" in words else None
        if words is not None and eos is None:
            raise SystemExit(f"error: --context {c.context} needs <eos> in the vocabulary")
        return zoo.PreviousSentenceRNN(c.kind, c.vocabularySize, c.emsize, c.nhid, c.nlayers, c.dropout, eos)
    if c.kind == "NPLM":
        return zoo.NPLM(c.vocabularySize, c.emsize, c.nhid, c.ngram, c.hiddenActivation, c.dropout, c.tied)
    if c.kind == "NGRAM_RNN":
        return zoo.NGramRNN(c.vocabularySize, c.emsize, c.nhid, c.nlayers, c.ngram, c.backpropSteps, c.dropout, c.tied)
    if c.kind in ("GatedCNN", "GatedCNN_RNN"):
        return zoo.GatedCNN(c.vocabularySize, c.emsize, c.nhid, c.nlayers, c.kernelSize, c.dropout, c.tied,
                            c.rnnLayers if c.kind == "GatedCNN_RNN" else 0)
    if c.kind == "AttentionLSTM":
        return zoo.AttentionLSTM(c.vocabularySize, c.emsize, c.nhid, c.nlayers, c.attentionWindow, c.dropout, c.tied)
    if c.kind == "CharCNN":
        if words is not None and c.characters is None:
            c.characters, length, _ = zoo.character_table(words)
            c.maxWordLength = max(length, c.maxFilterWidth)
        model = zoo.CharCNN(c.vocabularySize, c.characters, c.maxWordLength, c.charEmsize, c.maxFilterWidth,
                            c.featureMaps, c.highwayLayers, c.nhid, c.nlayers, c.dropout)
        if words is not None:
            model.word_chars.copy_(zoo.character_table(words, c.maxWordLength)[2])
        return model
    if c.kind == "GPT":
        return zoo.GPT(c.vocabularySize, c.emsize, c.nhead, c.nlayers, c.blockSize, c.bias, c.dropout)
    if config.kind == "Transformer":
        if config.tied:
            raise SystemExit("error: --tied is not supported for the Transformer")
        if config.emsize % config.nhead:
            raise SystemExit(f"error: --emsize {config.emsize} must be a multiple of --nhead {config.nhead}")
        return TransformerModel(config.vocabularySize, config.emsize, config.nhead, config.nhid,
                                config.nlayers, config.dropout, bool(config.finalNorm))
    return RNNModel(config.kind, config.vocabularySize, config.emsize, config.nhid, config.nlayers,
                    config.dropout, config.tied)


def repackage_hidden(h):
    return tuple(repackage_hidden(v) for v in h) if isinstance(h, tuple) else h.detach()


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    return source[i : i + seq_len], source[i + 1 : i + 1 + seq_len].reshape(-1)


def step(model, data, hidden):
    if isinstance(model, STATELESS):
        output = model(data)
        return output.reshape(-1, output.size(-1)), None
    return model(data, hidden)


def evaluate_with_accuracy(model, data_source, bptt=35, batch_size=10):
    """The recipe's evaluate on batchified data: (mean NLL over all target tokens, share of
    targets with the highest probability)."""
    model.eval()
    total_loss, hits = 0.0, 0
    hidden = None if isinstance(model, STATELESS) else model.init_hidden(batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, targets = get_batch(data_source, i, bptt)
            output, hidden = step(model, data, hidden)
            output = scores(model, output)
            total_loss += len(data) * F.nll_loss(output, targets).item()
            hits += (output.argmax(1) == targets).sum().item()
    return total_loss / (len(data_source) - 1), hits / ((len(data_source) - 1) * batch_size)


def evaluate(model, data_source, bptt=35, batch_size=10):
    """The recipe's evaluate on batchified data: mean NLL over all target tokens."""
    return evaluate_with_accuracy(model, data_source, bptt, batch_size)[0]


def training_windows(rows, bptt, epoch, curriculum=None):
    """(first row, length) of every training window of `epoch` (1-based), as Perplex's
    trainingWindows: every bptt rows, or with curriculum = (start, epochs) a length growing as
    start + (bptt - start) * g // (epochs * (rows - 1)), g = (epoch - 1) * (rows - 1) + row, over
    the first `epochs` epochs."""
    windows, row = [], 0
    while row < rows - 1:
        length = bptt
        if curriculum is not None and epoch <= curriculum[1]:
            g = (epoch - 1) * (rows - 1) + row
            length = curriculum[0] + (bptt - curriculum[0]) * g // (curriculum[1] * (rows - 1))
        windows.append((row, length))
        row += max(1, length)
    return windows


def train_epoch(model, train_data, lr, clip, bptt, batch_size, max_batches=0, windows=None):
    """One epoch of the recipe's train(): truncated BPTT, plain SGD, gradient-norm clipping;
    `windows` ((row, length) pairs, training_windows) replaces the recipe's every-bptt windows.
    Returns (mean training loss, batches, tokens, seconds)."""
    model.train()
    hidden = None if isinstance(model, STATELESS) else model.init_hidden(batch_size)
    start, loss_sum, batches, tokens = time.time(), 0.0, 0, 0
    for i, length in windows or training_windows(train_data.size(0), bptt, 1):
        data, targets = get_batch(train_data, i, length)
        model.zero_grad()
        if hidden is not None:
            hidden = repackage_hidden(hidden)
        output, hidden = step(model, data, hidden)
        loss = loss_of(model, output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-lr)
        loss_sum += loss.item()
        batches += 1
        tokens += len(data) * batch_size
        if max_batches and batches >= max_batches:
            break
    return loss_sum / max(batches, 1), batches, tokens, time.time() - start
