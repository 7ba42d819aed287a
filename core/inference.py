"""Predict with a finished run: rebuild its model from config.yaml + trained.safetensors and
answer one user input in display form (what the Inspect tab shows)."""
from __future__ import annotations

import functools
from pathlib import Path

from safetensors.torch import load_file

from core.config import RunConfig
from core.setup import Setup, run_model, setup


class Predictor:
    def __init__(self, run_path: str | Path):
        run_path = Path(run_path)
        weights = run_path / "trained.safetensors"
        if not weights.exists():
            raise FileNotFoundError(f"{run_path.name} has no trained parameters yet (is it finished?)")
        self.setup: Setup = setup(RunConfig.from_yaml(run_path / "config.yaml"))
        self.setup.model.load_trainable(load_file(weights))
        self.setup.model.eval()

    def predict(self, example: dict) -> dict:
        s = self.setup
        features = s.encode([example])
        predictions = s.family.predict(s.task, run_model(s, features), features, [example])
        return s.family.display(s.task, [example], predictions)[0]


@functools.lru_cache(maxsize=2)
def load_predictor(run_path: str) -> Predictor:
    return Predictor(run_path)


def predict_text(run_path: str | Path, text: str, second: str = "") -> dict:
    """Typed text -> the run's prediction in display form; the run's family reads the text."""
    predictor = load_predictor(str(run_path))
    return predictor.predict(predictor.setup.family.from_text(text, second))
