"""Checks `perplex wordsim` against scipy.stats.spearmanr on the same pairs.

Exports the checkpoint's embedding with `perplex export-vectors`, computes cosine similarities in
float64 with numpy over the pairs whose words are in the vocabulary (as written, else lowercased,
as perplex does), runs scipy.stats.spearmanr, runs `perplex wordsim` on the same files, and prints
both. Exits 1 if any ρ differs by more than 1e-6 or the pair counts differ.

Run: python3 scripts/spearman_check.py --checkpoint RUN FILE...   (needs numpy, scipy; build first)
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.stats import spearmanr


def read_vec(path):
    with open(path, encoding="utf-8") as f:
        count, dim = map(int, f.readline().split())
        words, rows = [], []
        for line in f:
            fields = line.split(" ")
            words.append(fields[0])
            rows.append([float(v) for v in fields[1:dim + 1]])
    assert len(words) == count
    return {w: i for i, w in enumerate(words)}, np.array(rows, dtype=np.float32).astype(np.float64)


def read_pairs(path):
    pairs = []
    with open(path, encoding="utf-8", newline="") as f:
        for line in f.read().splitlines():
            fields = line.split()
            if fields:
                pairs.append((fields[0], fields[1], float(fields[2])))
    return pairs


def scipy_rho(index, matrix, pairs):
    def look(w):
        return index.get(w, index.get(w.lower()))
    human, cosine = [], []
    for a, b, score in pairs:
        i, j = look(a), look(b)
        if i is None or j is None:
            continue
        x, y = matrix[i], matrix[j]
        norms = np.linalg.norm(x) * np.linalg.norm(y)
        human.append(score)
        cosine.append(float(x @ y / norms) if norms > 0 else 0.0)
    rho = spearmanr(human, cosine).statistic if len(human) >= 2 else float("nan")
    return len(human), len(pairs), float(rho)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--perplex", default=".build/release/perplex")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        vec = os.path.join(tmp, "words.vec")
        subprocess.run([args.perplex, "export-vectors", "--checkpoint", args.checkpoint, "--output", vec],
                       check=True, stdout=subprocess.DEVNULL)
        index, matrix = read_vec(vec)
    out = subprocess.run([args.perplex, "wordsim", "--tsv", "--checkpoint", args.checkpoint] + args.files,
                         check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines()[1:]:
        name, found, total, rho, _ = line.split("\t")
        rows[name] = (int(found), int(total), float(rho))

    worst, ok = 0.0, True
    print(f"{'file':<22} {'found/total':>11} {'perplex rho':>20} {'scipy rho':>20} {'|diff|':>9}")
    for path in args.files:
        name = os.path.basename(path)
        found, total, rho = scipy_rho(index, matrix, read_pairs(path))
        p_found, p_total, p_rho = rows[name]
        diff = abs(p_rho - rho) if not (np.isnan(rho) and np.isnan(p_rho)) else 0.0
        worst = max(worst, diff)
        ok &= (found, total) == (p_found, p_total) and diff <= 1e-6
        print(f"{name:<22} {f'{found}/{total}':>11} {p_rho:>20.15f} {rho:>20.15f} {diff:>9.1e}"
              + ("" if (found, total) == (p_found, p_total) else f"  perplex found {p_found}/{p_total}"))
    print(f"max |diff| = {worst:.2e}: {'agree to 1e-6' if ok else 'DISAGREE'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
