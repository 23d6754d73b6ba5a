#!/usr/bin/env python3
"""Times PyTorch's word_language_model loading a corpus folder, for docs/scaling.md's
"WikiText-103-sized corpora": imports the recipe's own data.py (give its path; pytorch/examples'
word_language_model/data.py), builds Corpus(DIR) and batchifies train into 20 columns as main.py
does. Run it under `/usr/bin/time -v` for the peak RSS."""
import argparse
import importlib.util
import time

import torch

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("dir")
parser.add_argument("--data-py", required=True, help="the recipe's word_language_model/data.py")
parser.add_argument("--batch-size", type=int, default=20)
args = parser.parse_args()
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location("data", args.data_py)
data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(data)
start = time.time()
corpus = data.Corpus(args.dir)
loaded = time.time()
print(f"data.py Corpus: {loaded - start:.1f} s, train {len(corpus.train)} tokens ({corpus.train.dtype}), "
      f"vocabulary {len(corpus.dictionary)}")
rows = corpus.train.size(0) // args.batch_size
batched = corpus.train.narrow(0, 0, rows * args.batch_size).view(args.batch_size, -1).t().contiguous()
print(f"batchify: {time.time() - loaded:.1f} s, {tuple(batched.shape)}")
