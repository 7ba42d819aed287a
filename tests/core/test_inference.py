"""Typed input through a finished run (core.inference): a generation run's answer streamed word by word
grows to exactly the greedy prediction the non-streamed path gives, is greedy whatever the run decoded
with, blocks nobody when its listener leaves, and refuses other runs."""
from __future__ import annotations

import threading

import pytest

from core.api import RunConfig, RunStore, predict_text, stream_text
from core.runs import RunRecorder
from core.train import train

INPUT = "name[The Eagle], eatType[pub], food[French], area[riverside]"


def finished_run(root, **config) -> str:
    """A run trained for two steps into a runs folder, as a worker leaves it. -> its folder."""
    store = RunStore(root)
    run = store.create(RunConfig(out=str(root), **config))
    train(RunConfig.from_yaml(run.path / "config.yaml"), RunRecorder(run), show_progress=False)
    assert run.status()["status"] == "finished" and run.weights.exists()
    return str(run.path)


@pytest.fixture(scope="module")
def generation_run(tmp_path_factory):
    # a random tiny decoder with tied embeddings repeats its last input token ("\n") forever; the
    # repetition penalty makes it wander through the vocabulary instead, spaces included
    return finished_run(tmp_path_factory.mktemp("runs"), task="table-to-text", backbone="tiny-decoder",
                        method="fine-tuning", lr=1e-5, max_steps=2, batch_size=4, max_length=64, max_new_tokens=16,
                        repetition_penalty=2.0, max_train_examples=8, max_eval_examples=4, eval_sample=2)


def test_streamed_text_grows_to_the_greedy_prediction(generation_run):
    shown = list(stream_text(generation_run, INPUT))
    expected = predict_text(generation_run, INPUT)["generated"]  # the run decodes greedily (num_beams 1)
    assert expected.strip(), "the tiny run generated nothing; pick another input"
    assert len(shown) >= 2, shown  # more than one piece: the text arrived as it was decoded
    assert all(later.startswith(earlier) and later != earlier for earlier, later in zip(shown, shown[1:])), shown
    assert shown[-1] == expected


def test_streaming_is_greedy_whatever_the_run_decoded_with(generation_run, tmp_path):
    beams = tmp_path / "beams"
    beams.mkdir()
    config = RunConfig.from_yaml(f"{generation_run}/config.yaml").to_dict()
    (beams / "config.yaml").write_text(RunConfig(**{**config, "num_beams": 3}).to_yaml())
    (beams / "trained.safetensors").write_bytes(open(f"{generation_run}/trained.safetensors", "rb").read())
    assert list(stream_text(str(beams), INPUT))[-1] == list(stream_text(generation_run, INPUT))[-1]


def test_streaming_needs_a_generation_run_and_an_input(generation_run, tmp_path):
    with pytest.raises(ValueError, match="type an input first"):
        list(stream_text(generation_run, "   "))
    classifier = finished_run(tmp_path / "runs", task="sentiment", backbone="tiny-encoder", max_steps=1,
                              max_train_examples=8, max_eval_examples=4, batch_size=4, max_length=32)
    with pytest.raises(ValueError, match="streaming is for generation runs"):
        list(stream_text(classifier, "a fine film"))


def test_a_listener_that_stops_reading_blocks_nobody(generation_run):
    """A browser that goes away mid-stream leaves its generator unfinished; the next prediction still runs."""
    abandoned = stream_text(generation_run, INPUT)
    first = next(abandoned)
    answers = []
    other = threading.Thread(target=lambda: answers.append(predict_text(generation_run, INPUT)["generated"]),
                             daemon=True)
    other.start()
    other.join(120)
    assert answers and answers[0].startswith(first)
    abandoned.close()
