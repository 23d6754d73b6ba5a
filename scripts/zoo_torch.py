"""The seeds' other language models in PyTorch, as Perplex builds them (Sources/Models), with the
same state-dict names, shapes, init distributions and state carried between BPTT windows:

  NPLM           Bengio et al. 2003: n - 1 context embeddings -> hidden (linear|tanh) -> decoder
  NGRAM_RNN      report 004: a tanh RNN reads each n-gram's n - 1 context embeddings from zero -> decoder
  GatedCNN       Dauphin et al. 2017: causal convolutions with gated linear units, residual blocks
  GatedCNN_RNN   the same blocks under an LSTM
  AttentionLSTM  an LSTM whose outputs attend (scaled dot product) over its K previous outputs
  CharCNN        Kim et al. 2016: character CNN (widths 1..w, tanh, max over time) -> highway -> LSTM
  PreviousSentenceRNN  the recipe's RNN kinds with `--context previous-sentence` (report 002)

Every model has forward(input [L, B] long, hidden) -> (log-probabilities [L*B, V], hidden) and
init_hidden(bsz), like the recipe's RNNModel; scripts/recipe_torch.py builds them from a config.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures.recurrent import Highway  # the layer fixtures' highway (transform, gate)

PADDING, BEGIN_OF_WORD, END_OF_WORD = 0, 1, 2


def recipe_init(encoder, decoder):
    """The recipe's init_weights: U(+-0.1) embedding and decoder weight, zero decoder bias."""
    initrange = 0.1
    if encoder is not None:
        nn.init.uniform_(encoder.weight, -initrange, initrange)
    nn.init.zeros_(decoder.bias)
    nn.init.uniform_(decoder.weight, -initrange, initrange)


def tie(decoder, encoder, nhid, ninp):
    if nhid != ninp:
        raise SystemExit("error: --tied needs --nhid equal to --emsize")
    decoder.weight = encoder.weight


def ngram_embeddings(encoder, ngram, input, hidden):
    """The n-gram models' input: embeddings of the carried rows and the window [n - 2 + L, B, E]
    (zero rows first where fewer than n - 2 are carried) and the last n - 2 input rows to carry."""
    bsz = input.size(1)
    ids = torch.cat([hidden, input], 0)
    emb = encoder(ids)
    missing = ngram - 2 - hidden.size(0)
    if missing > 0:
        emb = torch.cat([emb.new_zeros(missing, bsz, emb.size(2)), emb], 0)
    keep = min(ids.size(0), ngram - 2)
    return emb, ids[ids.size(0) - keep:]


class NPLM(nn.Module):
    """Each position's logits from the embeddings of its n - 1 most recent words (the current one
    and the n - 2 before it), concatenated oldest first -> dropout -> hidden (linear or tanh) ->
    dropout -> decoder; no direct connections. The hidden state is the last n - 2 input rows
    ([rows, B] long); missing context before the start of the text is zero vectors."""

    def __init__(self, ntoken, ninp, nhid, ngram, activation, dropout, tie_weights=False):
        super().__init__()
        self.ntoken, self.ninp, self.ngram, self.activation = ntoken, ninp, ngram, activation
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.hidden = nn.Linear((ngram - 1) * ninp, nhid)
        self.decoder = nn.Linear(nhid, ntoken)
        recipe_init(self.encoder, self.decoder)
        if tie_weights:
            tie(self.decoder, self.encoder, nhid, ninp)

    def forward(self, input, hidden):
        seq_len, bsz = input.shape
        emb, carried = ngram_embeddings(self.encoder, self.ngram, input, hidden)
        contexts = torch.cat([emb[j:j + seq_len] for j in range(self.ngram - 1)], 2)
        h = self.hidden(self.drop(contexts))
        if self.activation == "tanh":
            h = torch.tanh(h)
        decoded = self.decoder(self.drop(h)).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), carried

    def init_hidden(self, bsz):
        return torch.zeros(0, bsz, dtype=torch.long)


class NGramRNN(nn.Module):
    """Report 004's recurrent n-gram model: each position's n - 1 context words (read as the NPLM
    reads them) run through a tanh RNN from a zero state, oldest first -> last output -> dropout ->
    decoder. With backprop_steps K < n - 1 the state entering step n - 1 - K is detached, so the
    gradient runs through the last K steps only. The hidden state is the NPLM's (input rows)."""

    def __init__(self, ntoken, ninp, nhid, nlayers, ngram, backprop_steps, dropout, tie_weights=False):
        super().__init__()
        self.ntoken, self.ninp, self.nhid, self.ngram, self.backprop_steps = ntoken, ninp, nhid, ngram, backprop_steps
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity="tanh", dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        recipe_init(self.encoder, self.decoder)
        if tie_weights:
            tie(self.decoder, self.encoder, nhid, ninp)

    def forward(self, input, hidden):
        seq_len, bsz = input.shape
        emb, carried = ngram_embeddings(self.encoder, self.ngram, input, hidden)
        steps = self.ngram - 1
        x = torch.stack([emb[j:j + seq_len].reshape(seq_len * bsz, self.ninp) for j in range(steps)], 0)
        x = self.drop(x)  # [n - 1, L * B, E]
        cut = steps - self.backprop_steps
        h = None
        if cut > 0:
            _, h = self.rnn(x[:cut])
            h = h.detach()
        output, _ = self.rnn(x[cut:], h)
        decoded = self.decoder(self.drop(output[-1]))
        return F.log_softmax(decoded, dim=1), carried

    def init_hidden(self, bsz):
        return torch.zeros(0, bsz, dtype=torch.long)


class GatedConvBlock(nn.Module):
    """h = (X*W + b) (x) sigmoid(X*V + c): one Conv1d with 2 * out channels (W's rows first, as
    F.glu splits), residual when the input and output widths agree."""

    def __init__(self, inp, out, kernel_size):
        super().__init__()
        self.conv = nn.Conv1d(inp, 2 * out, kernel_size)
        self.residual = inp == out


class GatedCNN(nn.Module):
    """Embedding -> dropout -> blocks of causal gated convolutions -> [LSTM] -> dropout -> decoder.
    Runs batch-major ([B, C, L]) inside; the hidden state holds, per block, its input at the last
    k - 1 steps ([B, C, k - 1], zeros at the start), plus the LSTM's (h, c) with rnn_layers > 0."""

    def __init__(self, ntoken, ninp, nhid, nlayers, kernel_size, dropout, tie_weights=False, rnn_layers=0):
        super().__init__()
        self.ntoken, self.ninp, self.nhid, self.kernel_size, self.rnn_layers = ntoken, ninp, nhid, kernel_size, rnn_layers
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.blocks = nn.ModuleList(GatedConvBlock(ninp if i == 0 else nhid, nhid, kernel_size) for i in range(nlayers))
        if rnn_layers:
            self.rnn = nn.LSTM(nhid, nhid, rnn_layers, dropout=dropout if rnn_layers > 1 else 0)
        self.decoder = nn.Linear(nhid, ntoken)
        recipe_init(self.encoder, self.decoder)
        if tie_weights:
            tie(self.decoder, self.encoder, nhid, ninp)

    def features(self, input, contexts):
        x = self.drop(self.encoder(input)).permute(1, 2, 0)  # [B, E, L]
        carried = []
        for block, context in zip(self.blocks, contexts):
            padded = torch.cat([context, x], 2)
            carried.append(padded[:, :, padded.size(2) - (self.kernel_size - 1):])
            y = F.glu(block.conv(padded), dim=1)
            x = y + x if block.residual else y
        return x.permute(2, 0, 1), tuple(carried)  # [L, B, H]

    def forward(self, input, hidden):
        contexts, lstm_state = (hidden[0], hidden[1]) if self.rnn_layers else (hidden, None)
        out, contexts = self.features(input, contexts)
        if self.rnn_layers:
            out, lstm_state = self.rnn(out, lstm_state)
        decoded = self.decoder(self.drop(out)).reshape(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), ((contexts, lstm_state) if self.rnn_layers else contexts)

    def init_hidden(self, bsz):
        weight = self.decoder.weight
        contexts = tuple(weight.new_zeros(bsz, self.ninp if i == 0 else self.nhid, self.kernel_size - 1)
                         for i in range(len(self.blocks)))
        if not self.rnn_layers:
            return contexts
        zeros = weight.new_zeros(self.rnn_layers, bsz, self.nhid)
        return contexts, (zeros, zeros.clone())


def attention_band(seq_len, window):
    """True where step t (row) may NOT look: keys j outside t <= j < t + window of the
    [window + seq_len] keys (memory first, then the window's own outputs)."""
    t = torch.arange(seq_len).unsqueeze(1)
    j = torch.arange(window + seq_len).unsqueeze(0)
    return (j < t) | (j >= t + window)


class AttentionLSTM(nn.Module):
    """Embedding -> dropout -> LSTM -> each output attends (scaled dot product) over the K outputs
    before it -> tanh(combine([context, output])) -> dropout -> decoder. The hidden state is
    (h, c, memory): memory [K, B, H] holds the last K outputs (zeros at the start)."""

    def __init__(self, ntoken, ninp, nhid, nlayers, window, dropout, tie_weights=False):
        super().__init__()
        self.ntoken, self.nhid, self.nlayers, self.window = ntoken, nhid, nlayers, window
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout if nlayers > 1 else 0)
        self.combine = nn.Linear(2 * nhid, nhid)
        self.decoder = nn.Linear(nhid, ntoken)
        recipe_init(self.encoder, self.decoder)
        if tie_weights:
            tie(self.decoder, self.encoder, nhid, ninp)
        self.masks = {}

    def forward(self, input, hidden):
        h, c, memory = hidden
        out, (h, c) = self.rnn(self.drop(self.encoder(input)), (h, c))  # [L, B, H]
        seq_len = out.size(0)
        if seq_len not in self.masks:
            self.masks[seq_len] = attention_band(seq_len, self.window)
        keys = torch.cat([memory, out], 0).transpose(0, 1)  # [B, K + L, H]
        scores = torch.bmm(out.transpose(0, 1), keys.transpose(1, 2)) / math.sqrt(self.nhid)
        weights = F.softmax(scores.masked_fill(self.masks[seq_len], float("-inf")), dim=-1)
        context = torch.bmm(weights, keys).transpose(0, 1)  # [L, B, H]
        combined = torch.tanh(self.combine(torch.cat([context, out], 2)))
        decoded = self.decoder(self.drop(combined)).reshape(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), (h, c, keys[:, seq_len:].transpose(0, 1))

    def init_hidden(self, bsz):
        weight = self.decoder.weight
        return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.window, bsz, self.nhid))


class PreviousSentenceRNN(nn.Module):
    """The recipe's RNNModel (RNN_TANH, RNN_RELU, LSTM, GRU) with report 002's context: the decoder
    reads [output; the mean input embedding of the previous sentence] (nhid + emsize features;
    sentences end at `eos`, which belongs to the sentence it ends; zeros before the first), after
    the output dropout. The hidden state is (rnn state, (previous [B, E], current [B, E], length [B])):
    the previous sentence's mean, and the sum and word count of the sentence in progress, so cutting
    a text into windows changes no prediction. Perplex: `--context previous-sentence`."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout, eos):
        super().__init__()
        self.ntoken, self.ninp, self.nhid, self.nlayers, self.rnn_type, self.eos = ntoken, ninp, nhid, nlayers, rnn_type, eos
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ("LSTM", "GRU"):
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid + ninp, ntoken)
        recipe_init(self.encoder, self.decoder)

    def forward(self, input, hidden):
        rnn_hidden, (previous, current, length) = hidden
        words = self.encoder(input)  # [L, B, E], undropped: the bag of words
        output, rnn_hidden = self.rnn(self.drop(words), rnn_hidden)
        contexts = []
        for t in range(input.size(0)):
            current, length = current + words[t], length + 1
            end = input[t] == self.eos if self.eos is not None else torch.zeros_like(input[t], dtype=torch.bool)
            previous = torch.where(end.unsqueeze(1), current / length.unsqueeze(1), previous)
            current = torch.where(end.unsqueeze(1), torch.zeros_like(current), current)
            length = torch.where(end, torch.zeros_like(length), length)
            contexts.append(previous)
        output = self.drop(torch.cat([output, torch.stack(contexts)], 2))
        decoded = self.decoder(output).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), (rnn_hidden, (previous, current, length))

    def init_hidden(self, bsz):
        weight = self.decoder.weight
        zeros = weight.new_zeros(self.nlayers, bsz, self.nhid)
        rnn_hidden = (zeros, zeros.clone()) if self.rnn_type == "LSTM" else zeros
        return rnn_hidden, (weight.new_zeros(bsz, self.ninp), weight.new_zeros(bsz, self.ninp), weight.new_zeros(bsz))


MAX_WORD_LENGTH = 65  # Perplex's CharacterVocabulary.maxWordLength (Kim et al.'s max_word_l): markers included


def character_table(words, width=None):
    """(characters, word length, table [V, width]): Perplex's CharacterVocabulary. Ids 0 pad, 1 and
    2 mark a word's beginning and end, then code points in order of first appearance; words keep
    their first MAX_WORD_LENGTH - 2 characters (later ones take no id)."""
    ids = {}
    for word in words:
        for ch in word[: MAX_WORD_LENGTH - 2]:
            ids.setdefault(ch, 3 + len(ids))
    length = min(max((len(w) for w in words), default=0), MAX_WORD_LENGTH - 2) + 2
    width = width or length
    table = torch.full((len(words), width), PADDING, dtype=torch.float32)
    for row, word in enumerate(words):
        chars = [ids.get(ch, PADDING) for ch in word][: width - 2]
        table[row, : len(chars) + 2] = torch.tensor([BEGIN_OF_WORD] + chars + [END_OF_WORD], dtype=torch.float32)
    return 3 + len(ids), length, table


class CharCNN(nn.Module):
    """Kim et al.'s character-aware LM: each distinct word of a batch spelled by its characters
    (`word_chars` buffer [V, word length], floats) -> character embedding -> Conv1d per width
    w = 1..W with maps_per_width * w maps -> tanh -> max over time -> concatenated -> highway
    -> (per token) dropout -> LSTM -> dropout -> decoder."""

    def __init__(self, ntoken, characters, word_length, char_emsize, max_width, maps_per_width, highway_layers,
                 nhid, nlayers, dropout):
        super().__init__()
        self.ntoken, self.nhid, self.nlayers = ntoken, nhid, nlayers
        self.drop = nn.Dropout(dropout)
        self.char_encoder = nn.Embedding(characters, char_emsize)
        self.convs = nn.ModuleList(nn.Conv1d(char_emsize, maps_per_width * w, w) for w in range(1, max_width + 1))
        features = maps_per_width * max_width * (max_width + 1) // 2
        self.highway = Highway(features, highway_layers)
        for layer in self.highway.layers:
            nn.init.constant_(layer.gate.bias, -2.0)  # Kim et al.: carry the input at first
        self.rnn = nn.LSTM(features, nhid, nlayers, dropout=dropout if nlayers > 1 else 0)
        self.decoder = nn.Linear(nhid, ntoken)
        recipe_init(self.char_encoder, self.decoder)
        self.register_buffer("word_chars", torch.zeros(ntoken, word_length))

    def word_features(self, words):
        x = self.char_encoder(self.word_chars[words].long()).transpose(1, 2)  # [U, C, W]
        maps = [torch.tanh(conv(x)).max(2)[0] for conv in self.convs]
        return self.highway(torch.cat(maps, 1))

    def forward(self, input, hidden):
        unique, inverse = torch.unique(input, return_inverse=True)
        features = self.word_features(unique)[inverse]  # [L, B, F]
        out, hidden = self.rnn(self.drop(features), hidden)
        decoded = self.decoder(self.drop(out)).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = self.decoder.weight
        return weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid)


class GPTLayerNorm(nn.Module):
    """A LayerNorm whose bias is optional (weight 1, bias 0, eps 1e-5)."""

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class GPTAttention(nn.Module):
    """Causal multi-head self-attention: c_attn [3C, C] gives q, k, v; c_proj [C, C]."""

    def __init__(self, n_embd, n_head, bias, dropout):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.resid_dropout = nn.Dropout(dropout)
        self.n_head, self.dropout = n_head, dropout

    def forward(self, x):  # [B, T, C]
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0, is_causal=True)
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c)))


class GPTMLP(nn.Module):
    def __init__(self, n_embd, bias, dropout):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class GPTBlock(nn.Module):
    def __init__(self, n_embd, n_head, bias, dropout):
        super().__init__()
        self.ln_1 = GPTLayerNorm(n_embd, bias)
        self.attn = GPTAttention(n_embd, n_head, bias, dropout)
        self.ln_2 = GPTLayerNorm(n_embd, bias)
        self.mlp = GPTMLP(n_embd, bias, dropout)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """A decoder-only Transformer laid out as nanoGPT's model.py (same module tree, so the same
    state-dict names: transformer.wte/wpe/h.N/ln_f, lm_head tied to wte) with its init: N(0, 0.02)
    weights, N(0, 0.02/sqrt(2 n_layer)) for every c_proj.weight, zero biases. Like the recipe's
    TransformerModel it carries no state: forward(input [T, B] long) -> log-probabilities [T, B, V]."""

    def __init__(self, vocab_size, n_embd, n_head, n_layer, block_size, bias, dropout):
        super().__init__()
        if n_embd % n_head:
            raise SystemExit(f"error: --n-embd {n_embd} must be a multiple of --n-head {n_head}")
        self.block_size = block_size
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            drop=nn.Dropout(dropout),
            h=nn.ModuleList([GPTBlock(n_embd, n_head, bias, dropout) for _ in range(n_layer)]),
            ln_f=GPTLayerNorm(n_embd, bias),
        ))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if getattr(module, "bias", None) is not None:
                    nn.init.zeros_(module.bias)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    def forward(self, src):
        idx = src.t()  # [B, T]
        t = idx.size(1)
        if t > self.block_size:
            raise SystemExit(f"error: a window of {t} tokens is longer than the block size {self.block_size}")
        pos = torch.arange(t, dtype=torch.long, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))  # [B, T, V]
        return F.log_softmax(logits, dim=-1).transpose(0, 1)
