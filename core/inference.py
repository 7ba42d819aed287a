"""Predict with a finished run: rebuild its model from config.yaml + trained.safetensors and
answer one user input in display form (what the Inspect tab shows)."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import torch
from safetensors.torch import load_file

from core.config import RunConfig
from core.train import Setup, setup

WORD = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")


class Predictor:
    def __init__(self, run_path: str | Path):
        run_path = Path(run_path)
        weights = run_path / "trained.safetensors"
        if not weights.exists():
            raise FileNotFoundError(f"{run_path.name} has no trained parameters yet (is it finished?)")
        self.setup: Setup = setup(RunConfig.from_yaml(run_path / "config.yaml"))
        self.setup.model.load_trainable(load_file(weights))
        self.setup.model.eval()

    @torch.no_grad()
    def predict(self, example: dict) -> dict:
        s = self.setup
        features = s.encode([example])
        batch = next(iter(s.loader(features, shuffle=False)))
        out = {k: v.float().numpy() for k, v in s.model(batch).items()}
        outputs = [{k: v[i][:len(f["input_ids"])] if s.family.head != "sequence" else v[i]
                    for k, v in out.items()} for i, f in enumerate(features)]
        predictions = s.family.predict(s.task, outputs, features, [example])
        return s.family.display(s.task, [example], predictions)[0]


def example_from_text(family: str, text: str, second: str = "") -> dict:
    """User input -> an example of the family's schema (no gold label)."""
    text, second = text.strip(), second.strip()
    if not text:
        raise ValueError("type some text first")
    if family == "classification":
        return {"text": text, **({"text_b": second} if second else {})}
    if family == "tagging":
        return {"tokens": WORD.findall(text)}
    if not second:
        raise ValueError("QA needs a passage and a question")
    return {"id": "input", "context": text, "question": second, "answers": {"text": [], "answer_start": []}}


@functools.lru_cache(maxsize=2)
def load_predictor(run_path: str) -> Predictor:
    return Predictor(run_path)


def predict_text(run_path: str | Path, text: str, second: str = "") -> dict:
    predictor = load_predictor(str(run_path))
    return predictor.predict(example_from_text(predictor.setup.task.family, text, second))
