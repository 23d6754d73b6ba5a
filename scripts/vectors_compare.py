#!/usr/bin/env python3
"""fastText skipgram vs `perplex vectors`: training speed and word-similarity quality, side by side.

The text is WikiText-2-small's train.txt followed by tinyshakespeare (../shared/data). Both tools train
with the same hyper-parameters (fastText's skipgram defaults, 2 threads); each side's time is the wall
time of its training call (fastText: `fasttext.train_unsupervised`; perplex: reading the text through
the end of training, as its summary line reports, without writing the .vec), and words/s is
epochs × tokens / that time for both. Both .vec files (every vocabulary word) are scored by the same
code, `perplex wordsim`, on WS-353, SimLex-999 and MEN; the vocabularies are the same, so are the pairs.

    pip install fasttext-wheel scipy numpy
    swift build -c release
    python3 scripts/vectors_compare.py --runs 3                 # with subwords (minn 3, maxn 6)
    python3 scripts/vectors_compare.py --runs 3 --maxn 0        # without
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
SETS = [("WS-353", "EN-WS-353-ALL.txt"), ("SimLex-999", "EN-SIMLEX-999.txt"), ("MEN", "EN-MEN-TR-3k.txt")]


def build_text(path):
    with open(path, "wb") as out:
        for part in ("wikitext-2-small/train.txt", "tinyshakespeare/input.txt"):
            with open(os.path.join(args.data, part), "rb") as f:
                data = f.read()
            out.write(data if data.endswith(b"\n") else data + b"\n")


def count_tokens(path):
    """fastText's token count: whitespace-separated words plus one </s> per newline."""
    with open(path, "rb") as f:
        data = f.read()
    return len(data.split()) + data.count(b"\n")


def train_fasttext(text, vec):
    """fastText 0.9.2's Python binding takes no seed; its threads make runs differ anyway."""
    import fasttext
    start = time.perf_counter()
    model = fasttext.train_unsupervised(
        text, model="skipgram", dim=args.dim, epoch=args.epoch, ws=args.ws, neg=args.neg, minCount=args.min_count,
        minn=args.minn, maxn=args.maxn, bucket=args.bucket, thread=args.threads, lr=args.lr, t=args.t,
        verbose=0)
    seconds = time.perf_counter() - start
    with open(vec, "w", encoding="utf-8") as out:
        out.write(f"{len(model.words)} {model.get_dimension()}\n")
        for word in model.words:
            out.write(word + " " + " ".join(f"{x:.6g}" for x in model.get_word_vector(word)) + "\n")
    return seconds, len(model.words)


def train_perplex(text, vec, seed):
    command = [args.perplex, "vectors", "--input", text, "--output", vec, "--dim", str(args.dim), "--epoch", str(args.epoch),
               "--ws", str(args.ws), "--neg", str(args.neg), "--minCount", str(args.min_count), "--minn", str(args.minn),
               "--maxn", str(args.maxn), "--bucket", str(args.bucket), "--thread", str(args.threads), "--lr", str(args.lr),
               "--t", str(args.t), "--seed", str(seed)]
    if args.neg_power is not None:
        command += ["--neg-power", str(args.neg_power)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"perplex vectors failed:\n{result.stderr}")
    match = re.search(r"trained .* tokens in ([0-9.]+) s", result.stdout)
    words = re.search(r"wrote (\d+) vectors", result.stdout)
    if not match or not words:
        sys.exit(f"unexpected perplex output:\n{result.stdout}")
    return float(match.group(1)), wall, int(words.group(1))


def wordsim(vec):
    """{set name: (found, total, rho)} from `perplex wordsim --tsv`."""
    files = [os.path.join(args.data, "word-sim", name) for _, name in SETS]
    result = subprocess.run([args.perplex, "wordsim", "--tsv", "--vectors", vec] + files, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"perplex wordsim failed:\n{result.stderr}")
    rows = {}
    for line in result.stdout.splitlines()[1:]:
        name, found, total, rho, _ = line.split("\t")
        rows[name] = (int(found), int(total), float(rho))
    return {label: rows[name] for label, name in SETS}


def scipy_check(vec_a, vec_b):
    """The largest |ρ(scipy) − ρ(perplex wordsim)| over both files and all sets (same pairs, same lookup)."""
    try:
        import numpy as np
        from scipy.stats import spearmanr
    except ImportError:
        return None
    worst = 0.0
    for vec in (vec_a, vec_b):
        vectors = {}
        with open(vec, encoding="utf-8") as f:
            next(f)
            for line in f:
                parts = line.rstrip("\n").split(" ")
                vectors[parts[0]] = np.array(parts[1:], dtype=np.float64)
        ours = wordsim(vec)

        def look(word):
            return vectors.get(word, vectors.get(word.lower()))
        for label, name in SETS:
            gold, cos = [], []
            with open(os.path.join(args.data, "word-sim", name), encoding="utf-8") as f:
                for line in f:
                    fields = line.split()
                    if len(fields) != 3:
                        continue
                    a, b = look(fields[0]), look(fields[1])
                    if a is None or b is None:
                        continue
                    na, nb = np.linalg.norm(a), np.linalg.norm(b)
                    gold.append(float(fields[2]))
                    cos.append(float(a @ b / (na * nb)) if na > 0 and nb > 0 else 0.0)
            worst = max(worst, abs(spearmanr(gold, cos).correlation - ours[label][2]))
    return worst


def spread(values, fmt):
    if len(values) == 1:
        return fmt.format(values[0])
    return (fmt + " [" + fmt + "–" + fmt + "]").format(statistics.mean(values), min(values), max(values))


def main():
    work = tempfile.mkdtemp(prefix="vectors-compare-")
    text = os.path.join(work, "text.txt")
    build_text(text)
    tokens = count_tokens(text)
    subwords = f"minn {args.minn} maxn {args.maxn}" if args.maxn > 0 else "no subwords (maxn 0)"
    print(f"| text: wikitext-2-small train + tinyshakespeare, {tokens} tokens (with </s>); dim {args.dim}, epoch {args.epoch}, "
          f"ws {args.ws}, neg {args.neg}, minCount {args.min_count}, {subwords}, threads {args.threads}, lr {args.lr}, t {args.t}")
    print(f"| load before: {os.getloadavg()[0]:.2f} (1-min average)")
    ft_speed, px_speed, px_wall_speed, ratios = [], [], [], []
    ft_rho = {label: [] for label, _ in SETS}
    px_rho = {label: [] for label, _ in SETS}
    coverage = {}
    for run in range(args.runs):
        seed = args.seed + run
        ft_vec, px_vec = os.path.join(work, f"fasttext-{run}.vec"), os.path.join(work, f"perplex-{run}.vec")
        order = [("ft", ft_vec), ("px", px_vec)] if run % 2 == 0 else [("px", px_vec), ("ft", ft_vec)]
        for side, vec in order:
            if side == "ft":
                ft_seconds, ft_words = train_fasttext(text, vec)
            else:
                px_seconds, px_wall, px_words = train_perplex(text, vec, seed)
        if ft_words != px_words:
            print(f"| warning: vocabulary sizes differ: fastText {ft_words}, perplex {px_words}")
        scheduled = args.epoch * tokens
        ft_speed.append(scheduled / ft_seconds)
        px_speed.append(scheduled / px_seconds)
        px_wall_speed.append(scheduled / px_wall)
        ratios.append(ft_seconds / px_seconds)
        ft_sim, px_sim = wordsim(ft_vec), wordsim(px_vec)
        for label, _ in SETS:
            ft_rho[label].append(ft_sim[label][2])
            px_rho[label].append(px_sim[label][2])
            coverage[label] = (px_sim[label][0], px_sim[label][1], ft_sim[label][0])
        print(f"| run {run + 1} (seed {seed}): fastText {ft_seconds:.2f} s = {scheduled / ft_seconds:,.0f} words/s, perplex "
              f"{px_seconds:.2f} s = {scheduled / px_seconds:,.0f} words/s (process {px_wall:.2f} s), ratio "
              f"{ft_seconds / px_seconds:.2f}; ρ fastText/perplex "
              + ", ".join(f"{label} {ft_sim[label][2]:.3f}/{px_sim[label][2]:.3f}" for label, _ in SETS))
        if run == 0 and args.scipy_check:
            worst = scipy_check(ft_vec, px_vec)
            if worst is not None:
                print(f"| scipy.stats.spearmanr on the same pairs differs from perplex wordsim by at most {worst:.2e}")
    print(f"| load after: {os.getloadavg()[0]:.2f}")
    print()
    print(f"speed ({args.runs} run{'s' if args.runs > 1 else ''}: mean [min–max])")
    print(f"  fastText  {spread(ft_speed, '{:,.0f}')} words/s")
    print(f"  perplex   {spread(px_speed, '{:,.0f}')} words/s   (whole process incl. writing .vec: {spread(px_wall_speed, '{:,.0f}')})")
    print(f"  ratio     {spread(ratios, '{:.2f}')}   (perplex / fastText, target ≥ 1.0)")
    print()
    print(f"{'set':<11} {'pairs':>9} {'coverage':>8}  {'fastText ρ':>22}  {'perplex ρ':>22}  {'Δ mean':>7}")
    for label, _ in SETS:
        found, total, ft_found = coverage[label]
        delta = statistics.mean(px_rho[label]) - statistics.mean(ft_rho[label])
        mark = "" if found == ft_found else f"  (fastText found {ft_found})"
        print(f"{label:<11} {found:>4}/{total:<4} {100 * found / total:>7.1f}%  {spread(ft_rho[label], '{:.3f}'):>22}  "
              f"{spread(px_rho[label], '{:.3f}'):>22}  {delta:>+7.3f}{mark}")
    print(f"(target: perplex ρ ≥ fastText ρ − 0.02 on each set)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--perplex", default=os.path.join(ROOT, ".build", "release", "perplex"))
    parser.add_argument("--data", default=DATA, help="the shared data folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--epoch", type=int, default=5)
    parser.add_argument("--ws", type=int, default=5)
    parser.add_argument("--neg", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--minn", type=int, default=3)
    parser.add_argument("--maxn", type=int, default=6)
    parser.add_argument("--bucket", type=int, default=2000000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--t", type=float, default=1e-4)
    parser.add_argument("--neg-power", type=float, default=None, help="perplex only (fastText uses 0.5)")
    parser.add_argument("--no-scipy-check", dest="scipy_check", action="store_false")
    args = parser.parse_args()
    main()
