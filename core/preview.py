"""The preview shown before a run starts: trainable share, step budget, resolved config, CLI and YAML.

It runs in the web process (a public Space), so it must stay cheap whatever a visitor types:
`core.setup.setup(weights=False)` builds the backbone and everything the method adds on the meta
device from the model's config (no weights are read, downloaded or allocated: only a hub model's
config.json and tokenizer), soft-prompt transfer checks shapes from file headers only, and an
uploaded data file is parsed up to PREVIEW_ROWS examples (`data_note` says when it had more).
The counts equal the real model's (tests/security/test_preview.py checks every method x family).
"""
from __future__ import annotations

import math

from core.config import RunConfig, check_step_budget, planned_steps
from core.model import count_parameters, format_share
from core.setup import setup

PREVIEW_ROWS = 2000  # examples of each uploaded file a preview reads; labels come from them


def preview(config: RunConfig) -> dict:
    """-> {trainable, total, share, family, resolved, cli, yaml, train_size, dev_size, data_note,
    total_steps, epochs (the passes over the training data those steps make), warning}. Raises the user errors setup() raises (ConfigError, DataError, ...)."""
    s = setup(config, weights=False, max_rows=PREVIEW_ROWS)
    config, task = s.config, s.task
    n_train = min(len(task.train), config.max_train_examples or len(task.train))
    total_steps = planned_steps(config, n_train)  # a lower bound where the file was cut or QA passages split
    steps_per_epoch = max(1, math.ceil(n_train / config.batch_size / config.grad_accum))
    warning = check_step_budget(total_steps)
    trainable, total = count_parameters(s.model)
    return {"trainable": trainable, "total": total, "share": format_share(trainable, total),
            "family": task.family, "resolved": config.to_dict(), "cli": config.cli_command(),
            "yaml": config.to_yaml(), "train_size": len(task.train), "dev_size": len(task.dev),
            "data_note": task.data_note, "total_steps": total_steps,
            "epochs": total_steps / steps_per_epoch, "warning": warning or ""}
