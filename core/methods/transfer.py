"""Soft-prompt transfer (SPoT, Vu et al., 2022): start a prompt from prompts trained on other
tasks. The prompt parameters of each source run are averaged; heads are never transferred
(label sets differ)."""
from pathlib import Path

import torch
from safetensors import safe_open

from core.methods.base import MethodError, is_prompt


def read_tensor(handle, name: str) -> torch.Tensor:
    """The one place a source prompt's values are read (a preview never gets here)."""
    return handle.get_tensor(name)


def transfer_prompts(model, sources: list[str]) -> list[str]:
    """Load the averaged prompt tensors of `sources` (run folders) into `model`; -> names loaded.
    Shapes are checked from each file's header first; a model on the meta device (a preview) gets
    the checks only, and no tensor is read."""
    own = {name: p for name, p in model.named_parameters() if is_prompt(name)}
    if not own:
        raise MethodError("init_from transfers soft prompts, but this method has no prompt parameters")
    files = []
    for source in sources:
        path = Path(source) / "trained.safetensors"
        if not path.exists():
            raise MethodError(f"init_from: {source} has no trained.safetensors (is it a finished run folder?)")
        files.append(path)
    load = not any(p.is_meta for p in own.values())
    found: dict[str, list] = {name: [] for name in own}
    for path in files:
        with safe_open(str(path), "pt") as f:
            for name, param in own.items():
                if name not in f.keys() or tuple(f.get_slice(name).get_shape()) != tuple(param.shape):
                    raise MethodError(f"init_from: the source runs' prompt '{name}' does not match this run "
                                      f"(same method, backbone and prompt length are needed)")
                if load:
                    found[name].append(read_tensor(f, name))
    if load:
        with torch.no_grad():
            for name, param in own.items():
                param.copy_(torch.stack(found[name]).mean(0))
    return sorted(own)
