#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures the Swift tests compare against (the llm.c habit).

    pip install torch safetensors
    python3 scripts/make_fixtures.py            # all groups
    python3 scripts/make_fixtures.py basic conv # some groups

Each group is a module in scripts/fixtures/ with a `make()` function; files land in
Tests/NNTests/Fixtures/<name>.safetensors (the `models` group: Tests/ModelsTests/Fixtures). Keep them
small: the committed total stays < 3 MB.
"""
import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures  # noqa: E402

groups = sys.argv[1:] or sorted(m.name for m in pkgutil.iter_modules(fixtures.__path__) if m.name != "common")
for group in groups:
    importlib.import_module(f"fixtures.{group}").make()
folders = [fixtures.common.OUT, fixtures.common.OUT.parents[1] / "ModelsTests" / "Fixtures"]
total = sum(p.stat().st_size for folder in folders for p in folder.glob("*.safetensors"))
print(f"fixtures: {total / 1e6:.2f} MB in {', '.join(str(f) for f in folders)}")
