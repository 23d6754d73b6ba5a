#!/usr/bin/env python3
"""Barnes-Hut t-SNE side by side: `perplex embed-plot` against openTSNE, same settings.

Both embed the first N vectors of a .vec file with perplexity 30 (3·perplexity neighbours), early
exaggeration 12 for 250 iterations at momentum 0.5, then 750 at momentum 0.8, openTSNE's "auto"
learning rate (n/12, then n), steps of at most 5, PCA initialisation, theta 0.5 and the same number
of threads. openTSNE runs twice: as it comes (its own neighbours and affinities; note that its
perplexity search does not subtract the nearest distance and adds 2.2e-16 to the kernel sum, so on
word vectors, whose nearest neighbours are far compared with the spread of the next ones, many rows
miss the target entropy and its P comes out flatter), and on the reference P computed here, so
that both optimise the same objective. Printed for every repeat: each tool's own final KL (the Barnes-Hut estimate over its
sparse P), the KL of both final embeddings against one reference P computed here in numpy (exact
neighbours, the same perplexity search, exact Q over all pairs), and wall times: openTSNE's
`fit()` (affinities, initialisation, optimisation; Python start-up and imports excluded) and, for
Perplex, the whole process (reading the file included) and its own t-SNE time; and CPU seconds
(all threads), which a busy machine disturbs less than wall time.

    pip install openTSNE numpy
    python3 scripts/tsne_compare.py --vec ptb.vec --n 2000 --perplex .build/release/perplex --repeats 3
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np


def read_vec(path, n):
    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        first = f.readline().split()
        if not (len(first) == 2 and all(t.isdigit() for t in first)):
            words.append(first[0])
            rows.append([float(v) for v in first[1:]])
        for line in f:
            if len(words) >= n:
                break
            fields = line.split()
            if fields:
                words.append(fields[0])
                rows.append([float(v) for v in fields[1:]])
    return words, np.array(rows, dtype=np.float32)


def reference_p(x, perplexity, tol=1e-5, steps=200):
    """Symmetric P over exact 3·perplexity nearest neighbours, bisection on each point's precision."""
    n = x.shape[0]
    k = min(n - 1, int(3 * perplexity))
    x64 = x.astype(np.float64)
    sq = (x64 * x64).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * x64 @ x64.T, 0)
    np.fill_diagonal(d2, np.inf)
    idx = np.argpartition(d2, k, axis=1)[:, :k]
    dist = np.take_along_axis(d2, idx, axis=1)
    dist = dist - dist.min(1, keepdims=True)
    target = np.log(perplexity)
    beta = np.ones(n)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    for _ in range(steps):
        w = np.exp(-beta[:, None] * dist)
        s = w.sum(1)
        h = np.log(s) + beta * (dist * w).sum(1) / s
        gap = h - target
        if np.all(np.abs(gap) < tol):
            break
        up = gap > 0
        lo = np.where(up, beta, lo)
        hi = np.where(up, hi, beta)
        beta = np.where(up, np.where(np.isinf(hi), beta * 2, (beta + hi) / 2), (beta + lo) / 2)
    w = np.exp(-beta[:, None] * dist)
    cond = w / w.sum(1, keepdims=True)
    p = np.zeros((n, n))
    np.put_along_axis(p, idx, cond, axis=1)
    p = (p + p.T) / (2 * n)
    return p


def exact_kl(p, y):
    """KL(P||Q) with Q over all pairs (dense), for a dense or scipy-sparse P."""
    y = np.asarray(y, dtype=np.float64)
    sq = (y * y).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * y @ y.T, 0)
    w = 1 / (1 + d2)
    np.fill_diagonal(w, 0)
    q = w / w.sum()
    if hasattr(p, "tocoo"):
        c = p.tocoo()
        i, j, v = c.row, c.col, c.data
    else:
        i, j = np.nonzero(p)
        v = p[i, j]
    keep = v > 0
    i, j, v = i[keep], j[keep], v[keep]
    return float((v * np.log(v / q[i, j])).sum())


def run_perplex(args, vec_path, n, workdir):
    coords = os.path.join(workdir, "coords.tsv")
    cmd = [args.perplex, "embed-plot", "--vectors", vec_path, "--words", str(n), "--barnes-hut",
           "--theta", str(args.theta), "--perplexity", str(args.perplexity), "--iterations", str(args.iterations),
           "--seed", str(args.seed), "--out", os.path.join(workdir, "plot.svg"), "--coords", coords]
    start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    if done.returncode != 0:
        sys.exit(f"perplex failed: {done.stderr}")
    kl = float(re.search(r"final KL divergence ([0-9.]+)", done.stdout).group(1))
    own = float(re.search(r"t-SNE time ([0-9.]+) s", done.stdout).group(1))
    y = np.loadtxt(coords, skiprows=1, usecols=(1, 2), comments=None, delimiter="\t")
    return kl, wall, own, y, cpu


def run_opentsne(args, x, p=None):
    """openTSNE's whole fit; with `p` (scipy CSR) it skips its own neighbours and affinities."""
    from openTSNE import TSNE
    from openTSNE.affinity import PrecomputedAffinities
    tsne = TSNE(perplexity=args.perplexity, n_iter=args.iterations - 250, early_exaggeration_iter=250,
                early_exaggeration=12, initial_momentum=0.5, final_momentum=0.8, learning_rate="auto",
                theta=args.theta, negative_gradient_method="bh", initialization="pca", n_jobs=args.threads,
                neighbors=args.otsne_neighbors, random_state=args.seed, max_step_norm=5)
    start, cpu = time.perf_counter(), time.process_time()
    if p is None:
        embedding = tsne.fit(x.astype(np.float64))
    else:
        from openTSNE import initialization
        init = initialization.pca(x.astype(np.float64), random_state=args.seed)
        embedding = tsne.fit(affinities=PrecomputedAffinities(p, normalize=False), initialization=init)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return float(embedding.kl_divergence), wall, np.asarray(embedding), embedding.affinities.P, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vec", required=True, help=".vec file (the first --n rows are used)")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--perplex", default=".build/release/perplex")
    ap.add_argument("--perplexity", type=float, default=30)
    ap.add_argument("--iterations", type=int, default=1000, help="in all, the 250 of early exaggeration included")
    ap.add_argument("--theta", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=2, help="openTSNE n_jobs (Perplex uses all cores)")
    ap.add_argument("--otsne-neighbors", default="auto", help="openTSNE's neighbors= (auto: Annoy for n >= 1000; exact)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--vary-seed", action="store_true", help="use seed + repeat for each repeat (both tools)")
    args = ap.parse_args()
    if os.cpu_count() != args.threads:
        print(f"note: {os.cpu_count()} cores; Perplex uses all of them, openTSNE n_jobs={args.threads}")

    words, x = read_vec(args.vec, args.n)
    n = len(words)
    workdir = tempfile.mkdtemp(prefix="tsne-compare-")
    subset = os.path.join(workdir, "subset.vec")
    with open(subset, "w", encoding="utf-8") as f:
        f.write(f"{n} {x.shape[1]}\n")
        for word, row in zip(words, x):
            f.write(word + " " + " ".join(repr(float(v)) for v in row) + "\n")
    p_ref = reference_p(x, args.perplexity)
    print(f"{n} vectors of dimension {x.shape[1]} from {args.vec}; perplexity {args.perplexity:g}, "
          f"{args.iterations} iterations, theta {args.theta}, openTSNE n_jobs={args.threads}, neighbors={args.otsne_neighbors}")
    print("KL(own) = the tool's final Barnes-Hut KL over its own sparse P; KL(ref P) = exact KL (all pairs in Q) "
          "against the P computed here; KL(its P) = exact KL against the P the tool optimised")
    import scipy.sparse as sp
    p_ref_csr = sp.csr_matrix(p_ref)
    print(f"{'run':>3}  {'tool':<18} {'KL(own)':>8} {'KL(ref P)':>9} {'KL(its P)':>9} {'wall s':>7} {'t-SNE s':>8} {'CPU s':>7}")
    rows = []
    base_seed = args.seed
    for r in range(args.repeats):
        args.seed = base_seed + r if args.vary_seed else base_seed
        o_kl, o_wall, o_y, o_p, o_cpu = run_opentsne(args, x)
        s_kl, s_wall, s_y, _, s_cpu = run_opentsne(args, x, p_ref_csr)
        p_kl, p_wall, p_own, p_y, p_cpu = run_perplex(args, subset, n, workdir)
        o_ref, s_ref, p_ref_kl = exact_kl(p_ref, o_y), exact_kl(p_ref, s_y), exact_kl(p_ref, p_y)
        print(f"{r + 1:>3}  {'openTSNE':<18} {o_kl:8.4f} {o_ref:9.4f} {exact_kl(o_p, o_y):9.4f} {o_wall:7.2f} {o_wall:8.2f} {o_cpu:7.2f}")
        print(f"{r + 1:>3}  {'openTSNE, ref P':<18} {s_kl:8.4f} {s_ref:9.4f} {s_ref:9.4f} {s_wall:7.2f} {s_wall:8.2f} {s_cpu:7.2f}")
        print(f"{r + 1:>3}  {'Perplex':<18} {p_kl:8.4f} {p_ref_kl:9.4f} {p_ref_kl:9.4f} {p_wall:7.2f} {p_own:8.2f} {p_cpu:7.2f}")
        rows.append((o_kl, o_ref, o_wall, s_kl, s_ref, s_wall, p_kl, p_ref_kl, p_wall, p_own, o_cpu, s_cpu, p_cpu))
        sys.stdout.flush()
    a = np.array(rows)
    rng = lambda c: f"{a[:, c].min():.4g}-{a[:, c].max():.4g}"
    ratio = lambda c: f"{np.min(a[:, 7] / a[:, c]):.3f}-{np.max(a[:, 7] / a[:, c]):.3f}"
    print(f"ranges over {args.repeats} runs:")
    print(f"  KL(own)    openTSNE {rng(0)}   openTSNE on ref P {rng(3)}   Perplex {rng(6)}")
    print(f"  KL(ref P)  openTSNE {rng(1)}   openTSNE on ref P {rng(4)}   Perplex {rng(7)}")
    print(f"  Perplex / openTSNE KL(ref P): {ratio(1)} (openTSNE's own P), {ratio(4)} (openTSNE on ref P)")
    print(f"  wall s     openTSNE fit {rng(2)}   openTSNE on ref P {rng(5)}   Perplex process {rng(8)}   Perplex t-SNE {rng(9)}")
    print(f"  CPU s      openTSNE fit {rng(10)}   openTSNE on ref P {rng(11)}   Perplex process {rng(12)}")
    print(f"  openTSNE fit / Perplex process: wall {np.min(a[:, 2] / a[:, 8]):.2f}-{np.max(a[:, 2] / a[:, 8]):.2f}x, "
          f"CPU {np.min(a[:, 10] / a[:, 12]):.2f}-{np.max(a[:, 10] / a[:, 12]):.2f}x")

if __name__ == "__main__":
    main()
