"""The preview shown before a run starts: trainable share, resolved config, CLI and YAML.

It runs in the web process (a public Space), so it must stay cheap whatever a visitor types:
  - the backbone is built on the meta device from its config (`load_backbone(weights=False)`):
    no weights are read, downloaded or allocated, only a hub model's config.json and tokenizer;
  - what the method adds (prompts, prefix MLPs, LoRA, heads) is built on the meta device too,
    so even a large model's prefix-tuning MLP costs no memory;
  - an uploaded data file is parsed up to PREVIEW_ROWS examples (`data_note` says when it had more);
  - soft-prompt transfer (init_from) checks the source prompts' shapes from the safetensors
    header and loads no values.
The steps are those of `core.train.setup`, and the counts equal the real model's
(tests/security/test_preview.py checks every method x task family).
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors import safe_open

from core.backbones import load_backbone
from core.config import ConfigError, RunConfig, check_for_backbone, check_step_budget, planned_steps, resolve
from core.data import load_task
from core.methods import check_fits, get_method
from core.methods.base import MethodError, is_prompt
from core.model import count_parameters, format_share

PREVIEW_ROWS = 2000  # examples of each uploaded file a preview reads; labels come from them


def preview(config: RunConfig) -> dict:
    """-> {trainable, total, share, family, resolved, cli, yaml, train_size, dev_size, data_note}.
    Raises the user errors setup() raises (ConfigError, DataError, MethodError, BackboneError, ...)."""
    task = load_task(config.task, config.family, max_rows=PREVIEW_ROWS)
    config = checked_config(config, task)
    # no set_seed: nothing random is drawn on the meta device, and the web process's RNG stays untouched
    backbone = load_backbone(config.backbone, seed=config.seed, weights=False)
    check_for_backbone(config, backbone.max_positions, backbone.kind)
    n_train = min(len(task.train), config.max_train_examples or len(task.train))
    total_steps = planned_steps(config, n_train)  # a lower bound where the file was cut or QA passages split
    warning = check_step_budget(total_steps)
    with torch.device("meta"):
        model = get_method(config.method).build(config, backbone, task)
    if config.init_from:
        check_transfer(model, config.init_from)
    trainable, total = count_parameters(model)
    return {"trainable": trainable, "total": total, "share": format_share(trainable, total),
            "family": task.family, "resolved": config.to_dict(), "cli": config.cli_command(),
            "yaml": config.to_yaml(), "train_size": len(task.train), "dev_size": len(task.dev),
            "data_note": getattr(task, "data_note", ""), "total_steps": total_steps, "warning": warning or ""}


def checked_config(config: RunConfig, task) -> RunConfig:
    """The config resolved with the task's defaults, refused before any backbone is touched when the
    method does not fit the task or a QA window setting cannot work (the checks of setup())."""
    config = resolve(config, task.defaults)
    check_fits(config.method, task.family)
    if task.family == "qa" and config.doc_stride >= config.max_length // 2:
        raise ConfigError(f"doc_stride ({config.doc_stride}) must be under half of max_length ({config.max_length}): "
                          "it is the overlap between windows of a long passage")
    return config


def check_transfer(model: torch.nn.Module, sources: list[str]) -> None:
    """The checks of `core.methods.transfer.transfer_prompts`, on the shapes in each source run's
    safetensors header: no tensor is read."""
    own = {name: tuple(p.shape) for name, p in model.named_parameters() if is_prompt(name)}
    if not own:
        raise MethodError("init_from transfers soft prompts, but this method has no prompt parameters")
    for source in sources:
        path = Path(source) / "trained.safetensors"
        if not path.exists():
            raise MethodError(f"init_from: {source} has no trained.safetensors (is it a finished run folder?)")
        with safe_open(str(path), "pt") as f:
            shapes = {name: tuple(f.get_slice(name).get_shape()) for name in f.keys() if is_prompt(name)}
        for name, shape in own.items():
            if shapes.get(name) != shape:
                raise MethodError(f"init_from: the source runs' prompt '{name}' does not match this run "
                                  f"(same method, backbone and prompt length are needed)")
