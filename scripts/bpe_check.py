"""Checks perplex's byte-level BPE against Hugging Face `tokenizers`, and times both trainers.

1. Trains ours on tinyshakespeare (vocabulary 1,024) with `perplex tokenizer train`, loads our
   vocab.json + merges.txt in `tokenizers` (BPE model, ByteLevel pre-tokenizer and decoder,
   add_prefix_space=False) and checks that it encodes the WHOLE file to the ids that
   `perplex tokenizer encode` writes; the same for a random text of many scripts, digits,
   punctuation, contractions and runs of whitespace; and that HF decodes our ids back to the text.
2. Trains HF's BpeTrainer (ByteLevel alphabet, same vocabulary size) on the same file and says
   whether its merges equal ours (not required: only the encodings must agree).
3. Times training ours against HF's BpeTrainer on wikitext-2-small's train.txt: HF with one thread
   (RAYON_NUM_THREADS=1) and with its default threads; ours is single-threaded. Each timing is the
   best of --repeats runs; ours is the whole `perplex tokenizer train` process (reading, training,
   writing), HF's the `Tokenizer.train` call alone.

Exits 1 if any encoding differs or if ours is slower than HF's single- or multi-threaded training.

Run: swift build -c release && python3 scripts/bpe_check.py   (needs `pip install tokenizers`)
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")


def hf_tokenizer(folder):
    tokenizer = Tokenizer(models.BPE.from_file(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt")))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer


def read_text(path):
    # Universal newlines, as perplex reads text (TokenizerText): "\r\n" and "\r" become "\n".
    with open(path, encoding="utf-8-sig") as f:
        return f.read()


def our_ids(perplex, folder, path):
    with tempfile.NamedTemporaryFile(suffix=".txt") as out:
        subprocess.run([perplex, "tokenizer", "encode", "--tokenizer", folder, "--input", path, "--out", out.name],
                       check=True, stdout=subprocess.DEVNULL)
        with open(out.name) as f:
            return [int(line) for line in f]


def compare(name, ours, theirs):
    if ours == theirs:
        print(f"| {name}: {len(ours):,} ids, all equal")
        return True
    first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    print(f"| {name}: DIFFER ({len(ours):,} ours, {len(theirs):,} HF), first at {first}: "
          f"ours {ours[first:first + 8]} HF {theirs[first:first + 8]}")
    return False


def random_text(seed, length):
    rng = random.Random(seed)
    pieces = ["the", "The", "cat", "café", "naïve", "日本語", "текст", "Ελλάδα", "עברית", "عربى", "हिन्दी", "한국어",
              "e\u0301", "123", "٣٤", "½", "Ⅻ", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "''", "’s",
              ".", ",", "!?", "...", "--", "(", ")", "$", "€", "😀", "👍🏽", "\u200b", "\u00a0", "\u3000", "\t",
              " ", " ", " ", "  ", "   ", "\n", "\n\n", " \n", "\n ", "\u2028", "\u0085", "\x0b", "\x0c", "\x1f",
              "\x00", "_", "a1b2", "x²", "🇫🇷"]
    return "".join(rng.choice(pieces) for _ in range(length))


def time_ours(perplex, vocab_size, path, repeats):
    best = float("inf")
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([perplex, "tokenizer", "train", "--input", path, "--vocab-size", str(vocab_size), "--out", out],
                           check=True, stdout=subprocess.DEVNULL)
            best = min(best, time.perf_counter() - start)
    return best


HF_TRAIN = """
import sys, time
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
best = float("inf")
for _ in range(int(sys.argv[3])):
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=int(sys.argv[2]), min_frequency=0, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    start = time.perf_counter()
    tokenizer.train([sys.argv[1]], trainer)
    best = min(best, time.perf_counter() - start)
print(best)
"""


def time_hf(vocab_size, path, repeats, threads):
    env = dict(os.environ)
    if threads is None:
        env.pop("RAYON_NUM_THREADS", None)
    else:
        env["RAYON_NUM_THREADS"] = str(threads)
    result = subprocess.run([sys.executable, "-c", HF_TRAIN, path, str(vocab_size), str(repeats)], env=env,
                            check=True, capture_output=True, text=True)
    return float(result.stdout.strip())


def hf_merges(path, vocab_size):
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=0, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train([path], trainer)
    with tempfile.TemporaryDirectory() as folder:
        tokenizer.model.save(folder)
        with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
            return [line.rstrip("\n") for line in f if not line.startswith("#version")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--perplex", default=os.path.join(ROOT, ".build", "release", "perplex"))
    parser.add_argument("--text", default=os.path.join(SHARED, "tinyshakespeare", "input.txt"))
    parser.add_argument("--timing-text", default=os.path.join(SHARED, "wikitext-2-small", "train.txt"))
    parser.add_argument("--vocab-size", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([args.perplex, "tokenizer", "train", "--input", args.text, "--vocab-size", str(args.vocab_size),
                        "--out", folder], check=True)
        hf = hf_tokenizer(folder)
        text = read_text(args.text)
        ours = our_ids(args.perplex, folder, args.text)
        ok &= compare(os.path.basename(args.text), ours, hf.encode(text).ids)
        if hf.decode(ours) != text:
            print("| HF does not decode our ids back to the text")
            ok = False
        sample = random_text(seed=1, length=20000)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", newline="") as f:
            f.write(sample)
            f.flush()
            ours = our_ids(args.perplex, folder, f.name)
        ok &= compare("random text of many scripts", ours, hf.encode(sample).ids)
        with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
            merges = [line.rstrip("\n") for line in f if not line.startswith("#version")]
        theirs = hf_merges(args.text, args.vocab_size)
        same = sum(1 for a, b in zip(merges, theirs) if a == b)
        print(f"| merges learnt: {len(merges)} ours, {len(theirs)} HF's BpeTrainer, "
              f"{'identical' if merges == theirs else f'first {same} equal'} (informative: only encodings must agree)")

    size = os.path.getsize(args.timing_text)
    print(f"| timing: training vocabulary {args.vocab_size} on {args.timing_text} ({size:,} bytes), best of {args.repeats}")
    ours = time_ours(args.perplex, args.vocab_size, args.timing_text, args.repeats)
    hf_one = time_hf(args.vocab_size, args.timing_text, args.repeats, threads=1)
    hf_all = time_hf(args.vocab_size, args.timing_text, args.repeats, threads=None)
    print(f"| perplex (1 thread, whole process)     {ours:8.3f} s")
    print(f"| HF BpeTrainer, RAYON_NUM_THREADS=1    {hf_one:8.3f} s   ours is {hf_one / ours:.2f}x as fast")
    print(f"| HF BpeTrainer, default threads ({os.cpu_count()}) {hf_all:8.3f} s   ours is {hf_all / ours:.2f}x as fast")
    if ours >= hf_one or ours >= hf_all:
        print("| perplex trains slower than HF")
        ok = False
    print("| OK" if ok else "| FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
