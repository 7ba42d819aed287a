"""Soft-prompt transfer (SPoT, Vu et al., 2022): start a prompt from prompts trained on other
tasks. The prompt parameters of each source run are averaged. Heads are not transferred (label sets
differ), except in P-tuning v2's MPT-2 (Liu et al., 2022): a run continuing one task of a multi-task
run (core/multitask.py) starts from its shared prompt and from that task's own head, when the source
is that one run, it trained this task (same task name, same labels) and the head's shapes match;
otherwise the head starts fresh.

A source may also be a PEFT adapter folder (adapter_config.json + adapter_model.safetensors): a soft prompt
trained elsewhere, read by core/export.py (`adapter_prompts`: PROMPT_TUNING / P_TUNING embeddings into a
prompt-tuning prompt, a PREFIX_TUNING prefix into a deep prompt trained directly)."""
import json
from pathlib import Path

import torch
from safetensors import safe_open

from core.config import task_identity
from core.export import adapter_prompts, is_adapter_folder
from core.methods.base import MethodError, is_head, is_prompt


def read_tensor(handle, name: str) -> torch.Tensor:
    """The one place a source prompt's values are read (a preview never gets here)."""
    return handle.get_tensor(name)


def source_head(folder: Path, task: str | None, labels: list[str] | None) -> str | None:
    """The key of `task`'s head in a multi-task source run (final.json's per_task), or None."""
    if task is None:
        return None
    try:
        per_task = json.loads((folder / "final.json").read_text()).get("per_task") or {}
    except (OSError, ValueError, AttributeError):
        return None
    return next((key for key, info in per_task.items()
                 if isinstance(info, dict) and task_identity(str(info.get("task"))) == task_identity(task)
                 and (labels is None or info.get("labels") is None or list(info["labels"]) == list(labels))), None)


def transfer_prompts(model, sources: list[str], task: str | None = None, labels: list[str] | None = None) -> list[str]:
    """Load the averaged prompt tensors of `sources` (run folders or PEFT adapter folders) into `model`, and the
    head of `task` (with these `labels`) when the one source is a multi-task run that trained it; -> names loaded.
    Shapes are checked from each file's header first; a model on the meta device (a preview) gets
    the checks only, and no tensor is read."""
    params = dict(model.named_parameters())
    own = {name: p for name, p in params.items() if is_prompt(name)}
    if not own:
        raise MethodError("init_from transfers soft prompts, but this method has no prompt parameters")
    load = not any(p.is_meta for p in own.values())
    found: dict[str, list] = {name: [] for name in own}
    files = []
    for source in sources:
        if is_adapter_folder(source):  # a prompt trained elsewhere, in PEFT's format
            for name, value in adapter_prompts(source, {n: tuple(p.shape) for n, p in own.items()}, load).items():
                found[name].append(value)
            continue
        path = Path(source) / "trained.safetensors"
        if not path.exists():
            raise MethodError(f"init_from: {source} has no trained.safetensors (is it a finished run folder, or a "
                              "PEFT adapter folder with adapter_config.json?)")
        files.append(path)
    for path in files:
        with safe_open(str(path), "pt") as f:
            for name, param in own.items():
                if name not in f.keys() or tuple(f.get_slice(name).get_shape()) != tuple(param.shape):
                    raise MethodError(f"init_from: the source runs' prompt '{name}' does not match this run "
                                      f"(same method, backbone, prompt length and prompt_layers are needed)")
                if load:
                    found[name].append(read_tensor(f, name))
    key = source_head(files[0].parent, task, labels) if len(files) == 1 == len(sources) else None
    heads = {}  # this model's head parameter -> the source's name for it (head.<rest> <- head.<key>.<rest>)
    if key is not None:
        with safe_open(str(files[0]), "pt") as f:
            wanted = {name: f"head.{key}.{name[len('head.'):]}" for name, p in params.items()
                      if is_head(name) and p.requires_grad}
            if wanted and all(theirs in f.keys() and tuple(f.get_slice(theirs).get_shape()) == tuple(params[ours].shape)
                              for ours, theirs in wanted.items()):
                heads = {ours: read_tensor(f, theirs) if load else None for ours, theirs in wanted.items()}
    if load:
        with torch.no_grad():
            for name, param in own.items():
                param.copy_(torch.stack(found[name]).mean(0))
            for name, value in heads.items():
                params[name].copy_(value)
    return sorted(own) + sorted(heads)
