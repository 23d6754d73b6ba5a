"""Perplex checkpoints from PyTorch: a safetensors state dict with the model configuration
(`perplex.config`, JSON) and the vocabulary (`perplex.vocabulary`, words joined by newlines, id
order) in the metadata, as Sources/Train/Checkpoint.swift writes and reads them.

    import checkpoint_torch as ct
    model, words = ct.load("runs/ptb")          # a run folder or a .safetensors file
    ct.save(model, config, words, "out.safetensors")
"""
import os

from safetensors import safe_open
from safetensors.torch import save_file

import recipe_torch as rt

CONFIG_KEY, VOCABULARY_KEY = "perplex.config", "perplex.vocabulary"


def resolve(path):
    """A run folder means its model.safetensors."""
    if os.path.isdir(path):
        path = os.path.join(path, "model.safetensors")
    if not os.path.isfile(path):
        raise SystemExit(f"error: checkpoint not found: {path}")
    return path


def load(path):
    """(model in eval mode, config, words) with the state dict loaded strictly."""
    path = resolve(path)
    try:
        with safe_open(path, framework="pt") as f:
            metadata = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as e:  # safetensors raises several types for malformed files
        raise SystemExit(f"error: {path}: not a readable safetensors file ({e})")
    if CONFIG_KEY not in metadata or VOCABULARY_KEY not in metadata:
        raise SystemExit(f"error: {path}: metadata lacks '{CONFIG_KEY}' or '{VOCABULARY_KEY}'")
    try:
        config = rt.ModelConfig.from_json(metadata[CONFIG_KEY])
    except (ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"error: {path}: bad '{CONFIG_KEY}' metadata ({e})")
    words = metadata[VOCABULARY_KEY].split("\n")
    if len(words) != config.vocabularySize:
        raise SystemExit(f"error: {path}: {len(words)} vocabulary words but vocabularySize {config.vocabularySize}")
    model = rt.make_model(config)
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as e:
        raise SystemExit(f"error: {path}: state dict does not fit the recipe's {config.kind} model: "
                         + " ".join(str(e).split()))
    model.eval()
    return model, config, words


def save(model, config, words, path):
    """Writes the state dict (tied tensors cloned: safetensors refuses shared storage)."""
    tensors = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, path, metadata={CONFIG_KEY: config.to_json(), VOCABULARY_KEY: "\n".join(words)})
