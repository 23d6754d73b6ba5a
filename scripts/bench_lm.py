#!/usr/bin/env python3
"""Word-LM training benchmark: the shared PyTorch reference (torch_reference_lm.py; for the
Transformer, scripts/torch_lm.py) and `perplex train`, back to back on the same data, threads,
hyper-parameters and number of batches. Prints training tokens/s of each and their ratio, the
effective GFLOP/s and % of the machine's measured FMA peak (`perplex bench peak`), validation-pass tokens/s of each (PyTorch's is
timed by evaluating Perplex's trained checkpoint with scripts/torch_interop.py, the same model shape
on the same valid.txt), and the peak resident memory of each training process. Every child is pinned to the first
--threads CPUs it may use (sched_setaffinity), so neither side's thread pool can use more cores.
The FMA peak is read just before each side's training; this machine's speed moves between runs (a
reading of half the usual peak is often followed by a run faster than it), so % of peak is taken
against the highest reading, and --rounds N alternates the sides N times and reports medians (of
each round's ratio, for the ratios).

Training FLOPs per token are counted as 3 × forward, forward = 2·(Σ over layers 4h·(in+h) + h·V)
for the LSTM (3h for GRU, h for plain RNNs); for the Transformer 2·(Σ over layers 4d² + 2·d·dff +
2·d·(bptt+1)/2 for the attention scores and mix + d·V).

With --adaptive --cutoffs A,B [--div-value D] it compares three sides instead: Perplex with the full
softmax, Perplex with the adaptive softmax, and PyTorch's model with nn.AdaptiveLogSoftmaxWithLoss
(scripts/torch_lm.py --adaptive), each round all three in turn (the order rotating), medians over
rounds, training tokens/s only. Their valid and test files are cut to their first lines (about
--eval-tokens tokens; train.txt holds every word, so the vocabulary is unchanged), since a 267k-word
full-softmax validation pass would outlast the training being timed.

With --precision bf16 Perplex trains with bfloat16 products (`perplex train --precision bf16`) and
each round times three sides: PyTorch in Float32 (what its users run by default), the same PyTorch
script under torch.autocast("cpu", dtype=torch.bfloat16) (scripts/torch_autocast.py), and Perplex.
Validation is compared with PyTorch in Float32.

usage: python3 scripts/bench_lm.py [--config small|medium|transformer] [--data DIR] [--threads 2]
                                   [--max-batches 100] [--rounds 1] [--model LSTM] [--reference PATH]
                                   [--perplex .build/release/perplex] [--peak-gflops G] [--json]
                                   [--precision fp32|bf16]
                                   [--adaptive --cutoffs 2000,20000 --div-value 4 --eval-tokens 2000]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split(". ")[0] + ".")
    p.add_argument("--data", default=str(SHARED / "data" / "ptb-small"))
    p.add_argument("--reference", default=str(SHARED / "bench" / "torch_reference_lm.py"))
    p.add_argument("--perplex", default=str(ROOT / ".build" / "release" / "perplex"))
    p.add_argument("--config", choices=sorted(CONFIGS), help="preset: " + "; ".join(
        f"{k}: " + " ".join(f"--{n} {v}" for n, v in c.items()) for k, c in sorted(CONFIGS.items())))
    p.add_argument("--model", default="LSTM", choices=["RNN_TANH", "RNN_RELU", "LSTM", "GRU", "Transformer"])
    p.add_argument("--nhead", type=int, default=2)
    p.add_argument("--emsize", type=int, default=200)
    p.add_argument("--nhid", type=int, default=200)
    p.add_argument("--nlayers", type=int, default=2)
    p.add_argument("--lr", type=float, default=20.0)
    p.add_argument("--clip", type=float, default=0.25)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--batch-size", type=int, default=20)
    p.add_argument("--bptt", type=int, default=35)
    p.add_argument("--seed", type=int, default=1111)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max-batches", type=int, default=100, help="training batches per side (one epoch, cut short)")
    p.add_argument("--rounds", type=int, default=1,
                   help="alternate the two sides this many times and report medians (the machine's speed moves)")
    p.add_argument("--peak-gflops", type=float, help="FMA peak to report against (default: perplex bench peak)")
    p.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                   help="bf16: Perplex with --precision bf16 against PyTorch in Float32 and under bf16 autocast")
    p.add_argument("--adaptive", action="store_true",
                   help="compare Perplex full softmax, Perplex adaptive and PyTorch adaptive (training tokens/s)")
    p.add_argument("--cutoffs", help="with --adaptive: the tail clusters' first word ids, e.g. 2000,20000")
    p.add_argument("--div-value", type=float, default=4.0, help="with --adaptive: projection divisor (default 4)")
    p.add_argument("--eval-tokens", type=int, default=2000,
                   help="with --adaptive: about this many tokens of valid.txt and test.txt are kept")
    a = p.parse_args()
    if a.adaptive != (a.cutoffs is not None):
        p.error("--adaptive and --cutoffs go together")
    for name, value in CONFIGS.get(a.config, {}).items():
        setattr(a, name.replace("-", "_"), value)
    if a.model == "Transformer" and a.reference == p.get_default("reference"):
        a.reference = str(ROOT / "scripts" / "torch_lm.py")
    for path, what in ((a.reference, "PyTorch reference"), (a.perplex, "perplex binary (swift build -c release)")):
        if not os.path.isfile(path):
            p.error(f"{what} not found: {path}")
    for name in ("train.txt", "valid.txt", "test.txt"):
        if not os.path.isfile(os.path.join(a.data, name)):
            p.error(f"no {name} in {a.data}")
    if min(a.threads, a.max_batches, a.batch_size, a.bptt, a.rounds) < 1:
        p.error("--threads, --max-batches, --batch-size, --bptt and --rounds must be positive")
    return a


CONFIGS = {
    "small": {"model": "LSTM", "emsize": 200, "nhid": 200, "nlayers": 2, "dropout": 0.2},
    "medium": {"model": "LSTM", "emsize": 650, "nhid": 650, "nlayers": 2, "dropout": 0.5},
    "transformer": {"model": "Transformer", "emsize": 200, "nhid": 200, "nlayers": 2, "nhead": 2, "dropout": 0.2},
}


def vocabulary_size(data):
    """The recipe's dictionary: every token of train, valid and test, plus <eos>."""
    words = {"<eos>"}
    for name in ("train.txt", "valid.txt", "test.txt"):
        with open(os.path.join(data, name), encoding="utf8") as f:
            for line in f:
                words.update(line.split())
    return len(words)


def forward_flops_per_token(a, vocab):
    """Multiply-adds ×2 of one token's forward pass (the recurrences' and decoder's products)."""
    if a.model == "Transformer":
        d, layer = a.emsize, 4 * a.emsize ** 2 + 2 * a.emsize * a.nhid + 2 * a.emsize * (a.bptt + 1) / 2
        return 2 * (a.nlayers * layer + d * vocab)
    gates = {"LSTM": 4, "GRU": 3}.get(a.model, 1)
    recurrent = sum(gates * a.nhid * ((a.emsize if layer == 0 else a.nhid) + a.nhid) for layer in range(a.nlayers))
    return 2 * (recurrent + a.nhid * vocab)


def measured_peak(perplex):
    out = subprocess.run([perplex, "bench", "peak"], capture_output=True, text=True, check=True,
                         preexec_fn=pin).stdout
    match = re.search(r"FMA peak ([\d.]+) GFLOP/s", out)
    if not match:
        raise SystemExit("error: perplex bench peak printed no peak")
    return float(match.group(1))


def pin():
    """In the child: keep only the first THREADS of the CPUs this process may run on."""
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, cpus[: int(os.environ["BENCH_LM_THREADS"])])


def peak_rss_mib(cmd, env=None):
    """Runs cmd to completion with os.wait4 and returns (stdout, wall seconds, peak RSS MiB)."""
    start = time.time()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env={**os.environ, **(env or {})},
                                preexec_fn=pin)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.time() - start
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        last = (stderr or stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise SystemExit(f"error: {Path(cmd[1] if cmd[0].endswith('python3') else cmd[0]).name} failed: {last[0]}")
    return stdout, wall, usage.ru_maxrss / 1024.0


def one_round(a, shape):
    """Both sides once: training tokens/s, validation tokens/s, peak RSS and wall of each, and the
    FMA peak read just before each side's training."""
    torch_cmd = [sys.executable, a.reference, *shape, "--batch_size", str(a.batch_size),
                 "--threads", str(a.threads), "--max-batches", str(a.max_batches)]
    torch_peak = a.peak_gflops or measured_peak(a.perplex)
    out, torch_wall, torch_rss = peak_rss_mib(torch_cmd)
    final = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"final"' in line]
    if not final:
        raise SystemExit("error: the PyTorch reference printed no final JSON line")
    torch_train = final[-1]["train_tokens_per_s"]
    train = {"torch": torch_train}
    if a.precision == "bf16":
        out, _, _ = peak_rss_mib([sys.executable, str(ROOT / "scripts" / "torch_autocast.py"), *torch_cmd[1:]])
        final = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"final"' in line]
        if not final:
            raise SystemExit("error: the PyTorch reference under autocast printed no final JSON line")
        train["torch_bf16"] = final[-1]["train_tokens_per_s"]

    with tempfile.TemporaryDirectory() as run_dir:
        perplex_cmd = [a.perplex, "train", *shape, "--batch-size", str(a.batch_size), "--max-batches",
                       str(a.max_batches), "--log-interval", "1000000", "--save", run_dir,
                       "--precision", a.precision]
        threads = {"OPENBLAS_NUM_THREADS": str(a.threads)}
        perplex_peak = a.peak_gflops or measured_peak(a.perplex)
        out, perplex_wall, perplex_rss = peak_rss_mib(perplex_cmd, env=threads)
        speeds = dict(re.findall(r"\| (training|validation) speed ([\d.]+) tokens/s", out))
        if len(speeds) != 2:
            raise SystemExit("error: perplex train printed no training/validation speed lines")
        eval_cmd = [sys.executable, str(ROOT / "scripts" / "torch_interop.py"), "export-check", run_dir,
                    "--text", os.path.join(a.data, "valid.txt"), "--bptt", str(a.bptt), "--threads", str(a.threads)]
        out, _, _ = peak_rss_mib(eval_cmd)
        torch_eval = json.loads(out.strip().splitlines()[-1])["torch"]["tokens_per_s"]
    return {"train_tokens_per_s": {**train, "perplex": float(speeds["training"])},
            "eval_tokens_per_s": {"torch": torch_eval, "perplex": float(speeds["validation"])},
            "peak_rss_mib": {"torch": torch_rss, "perplex": perplex_rss},
            "wall_s": {"torch": torch_wall, "perplex": perplex_wall},
            "peak_gflops": {"torch": torch_peak, "perplex": perplex_peak}}


def light_copy(data, folder, tokens):
    """`data` in `folder`: train.txt linked, valid.txt and test.txt cut to their first lines
    holding about `tokens` tokens."""
    os.symlink(os.path.abspath(os.path.join(data, "train.txt")), os.path.join(folder, "train.txt"))
    for name in ("valid.txt", "test.txt"):
        kept, count = [], 0
        with open(os.path.join(data, name), encoding="utf8") as f:
            for line in f:
                if count >= tokens:
                    break
                kept.append(line)
                count += len(line.split())
        with open(os.path.join(folder, name), "w", encoding="utf8") as out:
            out.writelines(kept)


def perplex_train_speed(a, shape, extra):
    with tempfile.TemporaryDirectory() as run_dir:
        cmd = [a.perplex, "train", *shape, *extra, "--batch-size", str(a.batch_size), "--max-batches",
               str(a.max_batches), "--log-interval", "1000000", "--save", run_dir]
        env = {"OPENBLAS_NUM_THREADS": str(a.threads), "PERPLEX_THREADS": str(a.threads)}
        out, wall, rss = peak_rss_mib(cmd, env=env)
    match = re.search(r"\| training speed ([\d.]+) tokens/s", out)
    if not match:
        raise SystemExit("error: perplex train printed no training speed line")
    return float(match.group(1)), rss, wall


def adaptive_round(a, shape, k):
    """The three sides once, in an order rotating with the round `k`: training tokens/s, peak RSS, wall."""
    adaptive = ["--adaptive", "--cutoffs", a.cutoffs, "--div-value", str(a.div_value)]

    def torch_side():
        cmd = [sys.executable, str(ROOT / "scripts" / "torch_lm.py"), *shape, *adaptive, "--batch_size",
               str(a.batch_size), "--threads", str(a.threads), "--max-batches", str(a.max_batches)]
        out, wall, rss = peak_rss_mib(cmd)
        final = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"final"' in line]
        if not final:
            raise SystemExit("error: scripts/torch_lm.py printed no final JSON line")
        return final[-1]["train_tokens_per_s"], rss, wall

    sides = {"perplex full": lambda: perplex_train_speed(a, shape, []),
             "perplex adaptive": lambda: perplex_train_speed(a, shape, adaptive),
             "torch adaptive": torch_side}
    names = list(sides)
    names = names[k % 3:] + names[: k % 3]
    result = {}
    for name in names:
        speed, rss, wall = sides[name]()
        result[name] = {"train_tokens_per_s": speed, "peak_rss_mib": rss, "wall_s": wall}
    return result


def adaptive_main(a):
    with tempfile.TemporaryDirectory() as data:
        light_copy(a.data, data, a.eval_tokens)
        shape = ["--model", a.model, "--emsize", str(a.emsize), "--nhid", str(a.nhid), "--nlayers", str(a.nlayers),
                 *(["--nhead", str(a.nhead)] if a.model == "Transformer" else []),
                 "--lr", str(a.lr), "--clip", str(a.clip), "--dropout", str(a.dropout), "--bptt", str(a.bptt),
                 "--seed", str(a.seed), "--epochs", "1", "--data", data]
        rounds = []
        for k in range(a.rounds):
            r = adaptive_round(a, shape, k)
            rounds.append(r)
            print(f"round {k + 1}: " + ", ".join(f"{n} {v['train_tokens_per_s']:.0f}" for n, v in r.items())
                  + " tokens/s", flush=True)
    median = statistics.median
    names = ("perplex full", "perplex adaptive", "torch adaptive")
    result = {"model": f"{a.model} {a.nlayers}x{a.nhid} (emsize {a.emsize}, dropout {a.dropout})",
              "vocab": vocabulary_size(a.data), "cutoffs": a.cutoffs, "div_value": a.div_value, "data": a.data,
              "threads": a.threads, "rounds": a.rounds, "batches": a.max_batches, "batch_size": a.batch_size,
              "bptt": a.bptt}
    for key in ("train_tokens_per_s", "peak_rss_mib", "wall_s"):
        result[key] = {n: round(median(r[n][key] for r in rounds), 1) for n in names}
    ratio = lambda x, y: round(median(r[x]["train_tokens_per_s"] / r[y]["train_tokens_per_s"] for r in rounds), 3)
    result["adaptive/full"] = ratio("perplex adaptive", "perplex full")
    result["adaptive/torch adaptive"] = ratio("perplex adaptive", "torch adaptive")
    print(f"{result['model']}, vocabulary {result['vocab']}, cutoffs {a.cutoffs}, div {a.div_value}; "
          f"{a.max_batches} batches of {a.batch_size}x{a.bptt}, {a.threads} threads"
          + (f"; medians of {a.rounds} rounds" if a.rounds > 1 else ""))
    print(f"{'':24}{'Perplex full':>14}{'Perplex adapt.':>16}{'PyTorch adapt.':>16}")
    for key, label in (("train_tokens_per_s", "train tokens/s"), ("peak_rss_mib", "peak RSS (MiB)"),
                       ("wall_s", "process wall (s)")):
        r = result[key]
        print(f"{label:24}{r[names[0]]:>14.1f}{r[names[1]]:>16.1f}{r[names[2]]:>16.1f}")
    print(f"Perplex adaptive / Perplex full: {result['adaptive/full']:.2f}x (acceptance ≥ 5); "
          f"Perplex adaptive / PyTorch adaptive: {result['adaptive/torch adaptive']:.2f}x (acceptance ≥ 1.3)")
    if a.json:
        print(json.dumps(result))


def main():
    a = parse_args()
    os.environ["BENCH_LM_THREADS"] = str(a.threads)
    if a.adaptive:
        adaptive_main(a)
        return
    shape = ["--model", a.model, "--emsize", str(a.emsize), "--nhid", str(a.nhid), "--nlayers", str(a.nlayers),
             *(["--nhead", str(a.nhead)] if a.model == "Transformer" else []),
             "--lr", str(a.lr), "--clip", str(a.clip), "--dropout", str(a.dropout), "--bptt", str(a.bptt),
             "--seed", str(a.seed), "--epochs", "1", "--data", a.data]
    flops = 3 * forward_flops_per_token(a, vocabulary_size(a.data))
    rounds = []
    for k in range(a.rounds):
        r = one_round(a, shape)
        rounds.append(r)
        if a.rounds > 1:
            t, e, pk = r["train_tokens_per_s"], r["eval_tokens_per_s"], r["peak_gflops"]
            bf16 = (f", PyTorch bf16 autocast {t['torch_bf16']:.0f} ({t['perplex'] / t['torch_bf16']:.3f})"
                    if "torch_bf16" in t else "")
            print(f"round {k + 1}: training {t['torch']:.0f} → {t['perplex']:.0f} tokens/s "
                  f"({t['perplex'] / t['torch']:.3f}){bf16}, validation {e['torch']:.0f} → {e['perplex']:.0f} "
                  f"({e['perplex'] / e['torch']:.3f}); peak before each {pk['torch']:.0f} / {pk['perplex']:.0f} GFLOP/s",
                  flush=True)
    median = statistics.median
    result = {"model": f"{a.model} {a.nlayers}x{a.nhid} (emsize {a.emsize}, dropout {a.dropout})",
              "train_flops_per_token": flops, "data": a.data, "threads": a.threads, "rounds": a.rounds,
              "batches": a.max_batches, "batch_size": a.batch_size, "bptt": a.bptt, "precision": a.precision}
    for key in ("train_tokens_per_s", "eval_tokens_per_s", "peak_rss_mib", "wall_s", "peak_gflops"):
        result[key] = {side: round(median(r[key][side] for r in rounds), 1) for side in ("torch", "perplex")}
    for key in ("train_tokens_per_s", "eval_tokens_per_s", "peak_rss_mib"):
        # The median of each round's ratio: both sides of a round ran minutes apart at most.
        result[key]["perplex/torch"] = round(median(r[key]["perplex"] / r[key]["torch"] for r in rounds), 3)
    if a.precision == "bf16":
        t = result["train_tokens_per_s"]
        t["torch_bf16"] = round(median(r["train_tokens_per_s"]["torch_bf16"] for r in rounds), 1)
        t["perplex/torch_bf16"] = round(
            median(r["train_tokens_per_s"]["perplex"] / r["train_tokens_per_s"]["torch_bf16"] for r in rounds), 3)
    # The machine's peak is the highest reading: a low one means it was slowed at that moment
    # (each side's rate then often beats the reading it followed).
    peak = max(max(r["peak_gflops"].values()) for r in rounds)
    result["machine_peak_gflops"] = round(peak, 1)
    print(f"{result['model']}, {a.max_batches} batches of {a.batch_size}x{a.bptt}, {a.threads} threads, {a.data}"
          + (", Perplex with --precision bf16" if a.precision == "bf16" else "")
          + (f"; medians of {a.rounds} rounds" if a.rounds > 1 else ""))
    print(f"{'':24}{'PyTorch':>12}{'Perplex':>12}{'Perplex/PyTorch':>18}")
    for key, label in (("train_tokens_per_s", "train tokens/s"), ("eval_tokens_per_s", "valid pass tokens/s"),
                       ("peak_rss_mib", "peak RSS (MiB)")):
        r = result[key]
        print(f"{label:24}{r['torch']:>12.1f}{r['perplex']:>12.1f}{r['perplex/torch']:>18.3f}")
        if key == "train_tokens_per_s":
            g = {side: r[side] * flops / 1e9 for side in ("torch", "perplex")}
            result["train_gflops"] = {side: round(v, 1) for side, v in g.items()}
            pk = result["peak_gflops"]
            print(f"{'train GFLOP/s':24}{g['torch']:>12.1f}{g['perplex']:>12.1f}")
            print(f"{'  % of peak':24}{100 * g['torch'] / peak:>11.1f}%{100 * g['perplex'] / peak:>11.1f}%"
                  f"   (of {peak:.0f} GFLOP/s, the highest reading; medians before each side "
                  f"{pk['torch']:.0f} / {pk['perplex']:.0f}; {flops / 1e6:.2f} MFLOP per token)")
    if a.precision == "bf16":
        t = result["train_tokens_per_s"]
        print(f"{'train tokens/s, PyTorch bf16 autocast':40}{t['torch_bf16']:>12.1f}   Perplex/PyTorch bf16 "
              f"{t['perplex/torch_bf16']:.3f}")
    w = result["wall_s"]
    print(f"{'process wall (s)':24}{w['torch']:>12.1f}{w['perplex']:>12.1f}")
    if a.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
