"""Soft-prompt transfer (SPoT, Vu et al., 2022): start a prompt from prompts trained on other
tasks. The prompt parameters of each source run are averaged; heads are never transferred
(label sets differ)."""
from pathlib import Path

import torch
from safetensors.torch import load_file

from core.methods.base import MethodError, is_prompt


def transfer_prompts(model, sources: list[str]) -> list[str]:
    """Load the averaged prompt tensors of `sources` (run folders) into `model`; -> names loaded."""
    own = {name: p for name, p in model.named_parameters() if is_prompt(name)}
    if not own:
        raise MethodError("init_from transfers soft prompts, but this method has no prompt parameters")
    states = []
    for source in sources:
        path = Path(source) / "trained.safetensors"
        if not path.exists():
            raise MethodError(f"init_from: {source} has no trained.safetensors (is it a finished run folder?)")
        states.append({k: v for k, v in load_file(path).items() if is_prompt(k)})
    for name, param in own.items():
        found = [s[name] for s in states if name in s]
        if len(found) != len(states) or any(t.shape != param.shape for t in found):
            raise MethodError(f"init_from: the source runs' prompt '{name}' does not match this run "
                              f"(same method, backbone and prompt length are needed)")
        with torch.no_grad():
            param.copy_(torch.stack(found).mean(0))
    return sorted(own)
