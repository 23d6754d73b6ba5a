#!/usr/bin/env python3
"""PyTorch reference for the word_language_model recipe and Perplex's other kinds (RNN_TANH,
RNN_RELU, LSTM, GRU, Transformer, NPLM, NGRAM_RNN, GatedCNN, GatedCNN_RNN, CharCNN, AttentionLSTM; the flags
of `perplex train`): the recipe's data layout, init, truncated BPTT, plain SGD with gradient-norm
clipping, lr / 4 when validation loss does not improve, best model kept for test. Prints one JSON
object per epoch and a final JSON summary (the format of ../shared/bench/torch_reference_lm.py,
plus eval_tokens_per_s and top-1 accuracies); --save writes the best model as a Perplex checkpoint.

usage: python3 scripts/torch_lm.py --data DIR [--model Transformer] [--epochs N] [--threads T]
                                   [--max-batches B] [--seed S] [--save FILE.safetensors]
"""
import argparse
import copy
import json
import math
import time

import torch

import checkpoint_torch as ct
import recipe_torch as rt


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="folder with train.txt, valid.txt, test.txt")
    p.add_argument("--model", default="LSTM", choices=rt.KINDS)
    p.add_argument("--emsize", type=int, default=200)
    p.add_argument("--nhid", type=int, default=200)
    p.add_argument("--nlayers", type=int, default=2)
    p.add_argument("--nhead", type=int, default=2)
    p.add_argument("--lr", type=float, default=20.0)
    p.add_argument("--clip", type=float, default=0.25)
    p.add_argument("--epochs", type=int, default=1, help="0: only initialise (test ppl of the initial model)")
    p.add_argument("--batch_size", "--batch-size", type=int, default=20)
    p.add_argument("--bptt", type=int, default=35)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--tied", action="store_true")
    p.add_argument("--ngram", type=int, help="NPLM, NGRAM_RNN: words per n-gram (default 4)")
    p.add_argument("--backprop-steps", "--backprop_steps", type=int,
                   help="NGRAM_RNN: backpropagate through the last K of its n - 1 steps (default n - 1)")
    p.add_argument("--hidden-act", "--hidden_act", choices=["linear", "tanh"], help="NPLM: hidden activation (default tanh)")
    p.add_argument("--kernel-size", "--kernel_size", type=int, help="GatedCNN(_RNN): convolution width (default 3)")
    p.add_argument("--rnn-layers", "--rnn_layers", type=int, help="GatedCNN_RNN: LSTM layers (default 1)")
    p.add_argument("--attention-window", "--attention_window", type=int, help="AttentionLSTM: outputs attended (default 10)")
    p.add_argument("--char-emsize", "--char_emsize", type=int, help="CharCNN: character embedding size (default 15)")
    p.add_argument("--max-filter-width", "--max_filter_width", type=int, help="CharCNN: widths 1..N (default 6)")
    p.add_argument("--feature-maps", "--feature_maps", type=int, help="CharCNN: maps per unit width (default 25)")
    p.add_argument("--highway-layers", "--highway_layers", type=int, help="CharCNN: highway layers (default 1)")
    p.add_argument("--context", choices=["none", "previous-sentence"],
                   help="RNN kinds: the decoder also reads the previous sentence's mean embedding (default none)")
    p.add_argument("--adaptive", action="store_true",
                   help="RNN kinds, Transformer: nn.AdaptiveLogSoftmaxWithLoss as the decoder (needs --cutoffs)")
    p.add_argument("--cutoffs", help="with --adaptive: first word id of each tail cluster, comma-separated")
    p.add_argument("--div-value", "--div_value", type=float, help="with --adaptive: projection divisor (default 4)")
    p.add_argument("--curriculum", action="store_true", help="short windows first (perplex train --curriculum)")
    p.add_argument("--curriculum-start", "--curriculum_start", type=int, default=None, help="first window length (default 5)")
    p.add_argument("--curriculum-epochs", "--curriculum_epochs", type=int, default=1, help="epochs of growth (default 1)")
    p.add_argument("--seed", type=int, default=1111)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="torch device to train on (cpu, cuda; default cpu)")
    p.add_argument("--max-batches", "--max_batches", type=int, default=0, help="stop each epoch after N batches (0 = whole epoch)")
    p.add_argument("--save", help="write the best model as a Perplex checkpoint (.safetensors)")
    a = p.parse_args(argv)
    for name in ("emsize", "nhid", "nlayers", "nhead", "batch_size", "bptt", "threads"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be positive")
    if a.epochs < 0 or a.max_batches < 0:
        p.error("--epochs and --max-batches must be non-negative")
    if not 0 <= a.dropout < 1:
        p.error("--dropout must be in [0, 1)")
    if not a.adaptive and (a.cutoffs is not None or a.div_value is not None):
        p.error("--cutoffs and --div-value need --adaptive")
    if a.adaptive and a.cutoffs is None:
        p.error("--adaptive needs --cutoffs")
    return a


def run(a, emit=print):
    """Trains as the recipe does; returns (best model, config, corpus, final summary dict)."""
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    corpus = rt.Corpus(a.data)
    config = rt.ModelConfig(a.model, len(corpus.words), a.emsize, a.nhid, a.nlayers, a.nhead, a.dropout, a.tied,
                            ngram=a.ngram, hiddenActivation=a.hidden_act, kernelSize=a.kernel_size,
                            rnnLayers=a.rnn_layers, attentionWindow=a.attention_window, charEmsize=a.char_emsize,
                            maxFilterWidth=a.max_filter_width, featureMaps=a.feature_maps,
                            highwayLayers=a.highway_layers, backpropSteps=a.backprop_steps,
                            context=a.context if a.context != "none" else None,
                            adaptiveSoftmax={"cutoffs": [int(c) for c in a.cutoffs.split(",")],
                                             "divValue": a.div_value or 4.0} if a.adaptive else None)
    device = torch.device(a.device)
    model = rt.make_model(config, corpus.words).to(device)
    train = rt.batchify(corpus.train, a.batch_size).to(device)
    valid, test = rt.batchify(corpus.valid, 10).to(device), rt.batchify(corpus.test, 10).to(device)
    lr, best, best_state = a.lr, None, None
    t_all, train_tokens, train_time, eval_tokens, eval_time = time.time(), 0, 0.0, 0, 0.0
    for epoch in range(1, a.epochs + 1):
        curriculum = (a.curriculum_start or min(5, a.bptt), a.curriculum_epochs) if a.curriculum else None
        windows = rt.training_windows(train.size(0), a.bptt, epoch, curriculum)
        loss, batches, tokens, seconds = rt.train_epoch(model, train, lr, a.clip, a.bptt, a.batch_size, a.max_batches, windows)
        train_tokens, train_time = train_tokens + tokens, train_time + seconds
        t0 = time.time()
        vloss, vacc = rt.evaluate_with_accuracy(model, valid, a.bptt)
        eval_time += time.time() - t0
        eval_tokens += (len(valid) - 1) * 10
        emit(json.dumps({"epoch": epoch, "train_ppl": math.exp(loss), "valid_ppl": math.exp(vloss), "valid_accuracy": vacc,
                         "epoch_seconds": round(seconds, 3), "train_tokens_per_s": round(tokens / seconds, 1), "lr": lr}))
        if best is None or vloss < best:
            best, best_state = vloss, copy.deepcopy(model.state_dict())
        else:
            lr /= 4.0
    if best_state is not None:
        model.load_state_dict(best_state)
    tloss, tacc = rt.evaluate_with_accuracy(model, test, a.bptt)
    summary = {"final": True, "test_ppl": math.exp(tloss), "test_loss": tloss, "test_accuracy": tacc,
               "best_valid_ppl": math.exp(best) if best is not None else None,
               "train_tokens_per_s": round(train_tokens / train_time, 1) if train_time else None,
               "eval_tokens_per_s": round(eval_tokens / eval_time, 1) if eval_time else None,
               "params": sum(p.numel() for p in model.parameters()), "vocab": len(corpus.words),
               "total_seconds": round(time.time() - t_all, 1)}
    return model, config, corpus, summary


def main():
    a = parse_args()
    model, config, corpus, summary = run(a, emit=lambda line: print(line, flush=True))
    if a.save:
        ct.save(model, config, corpus.words, a.save)
        summary["saved"] = a.save
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
