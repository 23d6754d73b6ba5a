#!/usr/bin/env python3
"""Runs a PyTorch script as `python3 SCRIPT ARGS...` would, inside
`torch.autocast("cpu", dtype=torch.bfloat16)`: what a PyTorch user does to get bfloat16 matrix
products on a CPU. scripts/bench_lm.py --precision bf16 times the reference this way.

usage: python3 scripts/torch_autocast.py SCRIPT [ARGS...]
"""
import runpy
import sys

import torch

if len(sys.argv) < 2:
    raise SystemExit("usage: torch_autocast.py SCRIPT [ARGS...]")
script = sys.argv[1]
sys.argv = sys.argv[1:]
with torch.autocast("cpu", dtype=torch.bfloat16):
    runpy.run_path(script, run_name="__main__")
