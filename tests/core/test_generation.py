"""The generation family: reading input/output files, encoding (loss on the output only), decoding
with every method's prompt in place (the cached `generate` equals a step-by-step greedy decode through
the training forward, on a decoder and an encoder-decoder), BLEU/ROUGE, and training end to end."""
import json

import pytest
import torch

from core.config import ConfigError, RunConfig
from core.data import load_task
from core.data.build import make_task
from core.data.errors import DataError
from core.methods import MethodError
from core.setup import setup
from core.tasks import get_family
from core.tasks.base import IGNORE
from core.tasks.generation import generation_metrics, pad_sources, sentence_scores
from core.train import train
from tests.conftest import tiny_task

GENERATING = ["fine-tuning", "prefix-tuning", "p-tuning-v2", "prompt-tuning", "lora"]
family = get_family("generation")


def toy_task(n_train=2, n_dev=2):
    rows = [(f"line {i}", {"id": str(i), "input": f"name[Place{i}], food[Thai] {'and more ' * i}",
                           "references": [f"Place{i} serves Thai food.", f"Thai food at Place{i}."]})
            for i in range(n_train + n_dev)]
    return make_task("toy", "generation", rows[:n_train], rows[n_train:])


def configured(backbone, method, task, **knobs):
    config = RunConfig(task=task.name, backbone=backbone, method=method, prompt_length=5, max_length=64,
                       max_new_tokens=8, lora_rank=4, **knobs)
    s = setup(config, task=task)
    torch.manual_seed(0)
    with torch.no_grad():  # move the trained parts away from their (often neutral) start so they matter
        for p in s.model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.5)
    s.model.eval()
    return s


# -- data -----------------------------------------------------------------------------------------

def test_jsonl_output_is_one_reference_or_a_list(tmp_path):
    path = tmp_path / "data.jsonl"
    rows = [{"input": f"table {i}", "output": f"text {i}" if i % 2 else [f"text {i}", f"other {i}"]} for i in range(10)]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    task = load_task(str(path))
    assert task.family == "generation"
    every = {e["input"]: e["references"] for e in task.train + task.dev}
    assert every["table 1"] == ["text 1"] and every["table 2"] == ["text 2", "other 2"]


def test_table_rows_with_the_same_input_are_gathered(tmp_path):
    path = tmp_path / "e2e.csv"
    lines = ["input,output"] + [f"\"name[P{i % 5}]\",\"ref {i}\"" for i in range(15)]
    path.write_text("\n".join(lines) + "\n")
    task = load_task(str(path))
    examples = task.train + task.dev
    assert len(examples) == 5 and all(len(e["references"]) == 3 for e in examples)
    assert not {e["input"] for e in task.train} & {e["input"] for e in task.dev}  # one input, one side


@pytest.mark.parametrize("row, message", [
    ({"output": "x", "text": "y"}, "no 'input'"),
    ({"input": "x", "output": []}, "an empty list"),
    ({"input": "x", "output": [3]}, "expected non-empty text"),
    ({"input": "  ", "output": "y"}, "column 'input'"),
])
def test_bad_records_say_what_is_wrong(row, message):
    with pytest.raises(DataError, match=message):
        family.reader(list(row), "f.jsonl")(row, "f.jsonl line 3", "0")


def test_a_list_input_is_joined():  # WebNLG's triples
    example = family.reader(["input", "output"], "hub")({"input": ["A | b | C", "D | e | F"], "output": "t"}, "r", "0")
    assert example["input"] == "A | b | C | D | e | F"


# -- encoding ---------------------------------------------------------------------------------------

def test_decoder_loss_covers_the_output_and_eos_only():
    task, tokenizer = tiny_task("generation"), setup(RunConfig(task="t", backbone="tiny-decoder", method="lora"),
                                                   task=tiny_task("generation")).backbone.tokenizer
    features = family.encode(task, task.train[:1], tokenizer, 64, max_new_tokens=16)
    assert len(features) == 2  # one per reference
    first = features[0]
    n = first["source_length"]
    assert first["labels"][:n] == [IGNORE] * n
    assert first["labels"][n:] == first["input_ids"][n:]
    assert first["labels"][-1] == tokenizer.eos_token_id
    assert tokenizer.decode(first["input_ids"][n:-1]).strip() == task.train[0]["references"][0]


def test_long_inputs_leave_room_for_the_output():
    task = toy_task()
    s = setup(RunConfig(task="t", backbone="tiny-decoder", method="lora", max_length=16, max_new_tokens=8), task=task)
    long = {"input": "word " * 200, "references": ["a short answer"]}
    feature = family.encode(task, [long], s.backbone.tokenizer, 16, max_new_tokens=8)[0]
    assert len(feature["input_ids"]) <= 16 and feature["labels"][-1] == s.backbone.tokenizer.eos_token_id


def test_encoder_decoder_labels_are_the_output_with_eos():
    task = tiny_task("generation")
    s = setup(RunConfig(task="t", backbone="tiny-seq2seq", method="lora"), task=task)
    feature = s.encode(task.train[:1])[0]
    assert feature["source_length"] == len(feature["input_ids"])
    assert feature["labels"][-1] == s.backbone.tokenizer.eos_token_id


# -- decoding with the prompt in place -------------------------------------------------------------

def manual_greedy(s, source: list[int], steps: int) -> list[int]:
    """Greedy decoding through the training forward, no cache: the reference `generate` must match.
    A dummy last label asks the model for the logits at the last real position."""
    out = []
    for _ in range(steps):
        if s.backbone.kind == "encoder-decoder":
            ids, labels = source, out + [5]
        else:
            ids, labels = source + out + [5], [IGNORE] * (len(source) + len(out)) + [5]
        batch = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long),
                 "labels": torch.tensor([labels])}
        with torch.no_grad():
            token = int(s.model(batch)["logits"][0, -1].argmax())
        out.append(token)
        if token == s.model.eos_token_id:
            break
    return out


@pytest.mark.parametrize("backbone", ["tiny-decoder", "tiny-seq2seq"])
@pytest.mark.parametrize("method", GENERATING)
def test_cached_generate_equals_step_by_step_decoding(backbone, method):
    """Inputs of different lengths in one batch (decoders pad on the left): every prompt or prefix,
    every position and the cache agree with the training forward."""
    task = toy_task()
    s = configured(backbone, method, task)
    features = s.encode(task.train + task.dev)
    sources = [f["input_ids"][:f["source_length"]] for f in features[::2]]
    assert len({len(x) for x in sources}) > 1
    ids, mask = pad_sources(sources, s.backbone.tokenizer.pad_token_id, left=s.backbone.kind == "decoder")
    new = s.model.generate(ids, mask, max_new_tokens=6)
    if s.backbone.kind == "encoder-decoder":
        new = new[:, 1:]  # the decoder's start token
    for row, source in enumerate(sources):
        expected = manual_greedy(s, source, 6)
        assert new[row].tolist()[:len(expected)] == expected


def next_logits(s, source: list[int]) -> torch.Tensor:
    ids = source + [5] if s.backbone.kind == "decoder" else source
    labels = [IGNORE] * len(source) + [5] if s.backbone.kind == "decoder" else [5]
    batch = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long),
             "labels": torch.tensor([labels])}
    with torch.no_grad():
        return s.model(batch)["logits"][0, -1]


@pytest.mark.parametrize("backbone", ["tiny-decoder", "tiny-seq2seq"])
@pytest.mark.parametrize("method", ["prefix-tuning", "p-tuning-v2", "prompt-tuning"])
def test_the_prompt_reaches_the_logits_and_beams_keep_it(backbone, method):
    """With test_cached_generate_equals_step_by_step_decoding, this shows `generate` decodes through
    the prompt: the training forward's logits move with it."""
    task = toy_task()
    s = configured(backbone, method, task)
    source = s.encode(task.dev)[0]
    source = source["input_ids"][:source["source_length"]]
    before = next_logits(s, source)
    with torch.no_grad():
        for p in s.model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p))  # not a constant: LayerNorm would remove it
    assert not torch.allclose(before, next_logits(s, source), atol=1e-4)
    ids = torch.tensor([source, source])
    beams = s.model.generate(ids, torch.ones_like(ids), max_new_tokens=8, num_beams=3)
    assert beams.shape[0] == 2 and (beams < len(s.backbone.tokenizer)).all()


def test_verbalizer_methods_say_why_they_cannot_generate():
    task = tiny_task("generation")
    for method in ("manual-prompt", "p-tuning"):
        with pytest.raises(MethodError, match="does not fit a generation task: .*generated texts are not one word"):
            setup(RunConfig(task="t", backbone="tiny-decoder", method=method), task=task)


def test_encoders_cannot_generate_and_encoder_decoders_only_generate():
    with pytest.raises(MethodError, match="needs a decoder or an encoder-decoder backbone"):
        setup(RunConfig(task="t", backbone="tiny-encoder", method="lora"), task=tiny_task("generation"))
    with pytest.raises(MethodError, match="encoder-decoder: the lab uses those for generation tasks only"):
        setup(RunConfig(task="t", backbone="tiny-seq2seq", method="lora"), task=tiny_task("classification"))


def test_max_new_tokens_must_fit_in_max_length():
    with pytest.raises(ConfigError, match="max_new_tokens .* must be under max_length"):
        setup(RunConfig(task="t", backbone="tiny-decoder", method="lora", max_length=32, max_new_tokens=32),
              task=tiny_task("generation"))


# -- metrics ----------------------------------------------------------------------------------------

def test_metrics_against_all_references():
    perfect = generation_metrics(["the cat sat on the mat"], [["a dog", "the cat sat on the mat"]])
    assert perfect == pytest.approx({"bleu": 1.0, "rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0})
    wrong = generation_metrics(["nothing alike here at all"], [["the cat sat on the mat"]])
    assert wrong["bleu"] < 0.05 and wrong["rougeL"] == 0.0
    uneven = generation_metrics(["a b c d", "e f g h"], [["a b c d"], ["e f g h", "x y z w", "q"]])
    assert uneven["bleu"] == pytest.approx(1.0)
    scores = sentence_scores("the cat sat", ["the cat sat on the mat"])
    assert 0 < scores["bleu"] < 1 and 0 < scores["rougeL"] < 1


# -- training end to end ----------------------------------------------------------------------------

class Losses:
    def __init__(self):
        self.losses = []

    def start(self, *a): pass

    def log(self, row, total): self.losses.append(row["loss"])

    def finish(self, *a): pass


def overfit(backbone: str, method: str, lr: float, steps: int):
    task = tiny_task("generation")
    config = RunConfig(task=task.name, backbone=backbone, method=method, prompt_length=8, lr=lr, max_steps=steps,
                       batch_size=8, dropout=0.0, max_length=48, max_new_tokens=12, eval_every=steps)
    frozen = {n: p.clone() for n, p in setup(config, task=task).model.named_parameters() if not p.requires_grad}
    recorder = Losses()
    final = train(config, recorder, show_progress=False, task=task)
    after = setup(config, task=task)  # a fresh build of the backbone: bit-identical to the start
    assert all(torch.equal(p, frozen[n]) for n, p in after.model.named_parameters() if n in frozen)
    return recorder.losses, final


@pytest.mark.parametrize("backbone", ["tiny-decoder", "tiny-seq2seq"])
def test_fine_tuning_overfits_and_decodes_the_references(backbone):
    """A random tiny LM's logits are near zero everywhere (loss = ln(vocabulary)), so only fine-tuning
    can fit on it; the frozen-backbone methods learn on SmolLM2 below."""
    losses, final = overfit(backbone, "fine-tuning", 1e-2, 40)
    assert sum(losses[-5:]) / 5 < 0.3 * losses[0]
    assert final["dev"]["rougeL"] > 0.5, final["dev"]


@pytest.mark.slow
@pytest.mark.parametrize("method, lr", [("prefix-tuning", 1e-3), ("p-tuning-v2", 3e-2), ("prompt-tuning", 3e-2),
                                        ("lora", 3e-3)])
def test_frozen_backbone_methods_learn_on_smollm2(method, lr):
    losses, _ = overfit("smollm2-135m", method, lr, 15)
    assert sum(losses[-3:]) / 3 < 0.5 * losses[0], losses


def test_training_evaluates_a_sample_and_reports_the_whole_dev_set():
    task = toy_task(n_train=4, n_dev=6)
    task.eval_splits = {"unseen": task.dev[:2]}
    config = RunConfig(task="toy", backbone="tiny-decoder", method="lora", max_steps=2, batch_size=4, max_length=48,
                       max_new_tokens=4, eval_sample=3, eval_every=1)
    rows = []

    class Rows:
        def start(self, *a): pass
        def log(self, row, total): rows.append(row)
        def finish(self, final, state, predictions): rows.append(predictions)

    final = train(config, Rows(), show_progress=False, task=task)
    assert final["dev_sample"]["examples"] == 3 and "first 3 dev examples, reported on all 6" in final["evaluation"]
    assert final["best_metric"] == final["dev"]["bleu"]
    assert len(rows[-1]) == 6 and {"input", "generated", "references", "bleu", "rougeL"} <= set(rows[-1][0])
    assert set(final["splits"]) == {"unseen"} and "rougeL" in final["splits"]["unseen"]


@pytest.mark.parametrize("dataset_id, columns", [
    ("e2e_nlg", {"meaning_representation": ["name[A], food[Thai]", "name[A], food[Thai]", "name[B]"],
                 "human_reference": ["A serves Thai food.", "Thai food at A.", "B is a pub."]}),
    ("GEM/web_nlg", {"input": [["A | country | B"], ["A | country | B"], ["C | leader | D"]],
                     "target": ["A is in B.", "A lies in B.", "D leads C."]}),
    ("xsum", {"document": ["A long report.", "A long report.", "Another report."],
              "summary": ["Short.", "Brief.", "Other."], "id": ["1", "1", "2"]}),
])
def test_hub_generation_datasets_are_read_and_gathered(monkeypatch, dataset_id, columns):
    """The real loading code (core.data.hub) with `datasets.load_dataset` answering from memory."""
    import datasets
    from core.data import hub

    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_check_reachable", lambda dataset_id: None)
    split = datasets.Dataset.from_dict(columns)
    monkeypatch.setattr(datasets, "load_dataset",
                        lambda repo, config=None, revision=None: datasets.DatasetDict({"train": split,
                                                                                       "validation": split}))
    task = load_task(dataset_id)
    assert task.family == "generation" and len(task.train) == 2
    assert len(task.train[0]["references"]) == 2 and len(task.train[1]["references"]) == 1
