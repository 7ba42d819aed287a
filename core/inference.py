"""Predict with a finished run: rebuild its model from config.yaml + trained.safetensors and
answer one user input in display form (what the Inspect tab shows), or, for a generation run,
stream the generated text as it is decoded.

    predict_text("runs/<id>", "name[The Eagle], food[French]")   # -> {"input", "generated", ...}
    for text in stream_text("runs/<id>", "name[The Eagle], food[French]"):
        print(text)                                                # the text so far, growing
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
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
        self.lock = threading.Lock()  # one decode at a time on this (shared, cached) model

    def predict(self, example: dict) -> dict:
        s = self.setup
        features = s.encode([example])
        if not features:  # e.g. a fact of a relation the run was not trained on
            raise ValueError(f"this run cannot read that input; its {s.family.label_noun}s are "
                             f"{', '.join(s.task.labels[:20])}")
        with self.lock:
            outputs = getattr(s.family, "run_model", run_model)(s, features)
        predictions = s.family.predict(s.task, outputs, features, [example])
        return s.family.display(s.task, [example], predictions)[0]

    def stream(self, example: dict) -> Iterator[str]:
        """The generated text so far, after each decoded word: greedy decoding (a streamer follows one
        hypothesis, so beam search is off here whatever the run used), the run's max_new_tokens and
        repetition penalty. `generate` runs in a thread and hands tokens over through
        transformers' TextIteratorStreamer; the last text yielded is the whole output, stripped."""
        from transformers import TextIteratorStreamer

        from core.tasks.generation import DEFAULT_NEW_TOKENS, pad_sources
        s = self.setup
        if getattr(s.family, "view", None) != "generations":
            raise ValueError(f"streaming is for generation runs; this run is a {s.task.family} run")
        tokenizer = s.backbone.tokenizer
        feature = s.encode([example])[0]
        source = feature["input_ids"][:feature["source_length"]]
        input_ids, mask = pad_sources([source], tokenizer.pad_token_id, left=s.backbone.kind != "encoder-decoder")
        device = next(s.model.parameters()).device
        # skip_prompt: generate first hands the streamer the prompt (or the decoder's start token)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600)
        failure: list[BaseException] = []

        def decode():  # the lock is the thread's, not the caller's: a caller that stops listening blocks nothing
            try:
                with self.lock:
                    s.model.generate(input_ids.to(device), mask.to(device),
                                     max_new_tokens=s.config.max_new_tokens or DEFAULT_NEW_TOKENS, num_beams=1,
                                     repetition_penalty=float(s.config.repetition_penalty), streamer=streamer)
            except BaseException as error:  # handed to the caller; end() lets its loop stop
                failure.append(error)
                streamer.end()

        thread = threading.Thread(target=decode, daemon=True, name="prompt-lab-stream")
        thread.start()
        text, shown = "", ""
        try:
            for piece in streamer:
                text += piece
                if text.strip() != shown:
                    shown = text.strip()
                    yield shown
        finally:
            thread.join()
        if failure:
            raise failure[0]
        if not shown:  # only special tokens (or none): the output is empty, and the caller hears so
            yield ""


@functools.lru_cache(maxsize=2)
def load_predictor(run_path: str) -> Predictor:
    return Predictor(run_path)


def predict_text(run_path: str | Path, text: str, second: str = "") -> dict:
    """Typed text -> the run's prediction in display form; the run's family reads the text."""
    predictor = load_predictor(str(run_path))
    return predictor.predict(predictor.setup.family.from_text(text, second))


def stream_text(run_path: str | Path, text: str) -> Iterator[str]:
    """Typed input -> the growing generated text of a generation run (see Predictor.stream)."""
    predictor = load_predictor(str(run_path))
    yield from predictor.stream(predictor.setup.family.from_text(text))
