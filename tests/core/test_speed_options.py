"""Speed options: length-grouped batches (every example once, less padding, order restored at evaluation,
the same predictions), what precision `auto` picks, and the peak memory figure."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import core.setup
import core.train as train_module
from core.config import ConfigError, RunConfig
from core.setup import evaluate, longest_first, prepare, run_model, setup
from tests.conftest import tiny_task


def features_of_lengths(lengths: list[int]) -> list[dict]:
    return [{"input_ids": [5] * n, "attention_mask": [1] * n, "labels": i} for i, n in enumerate(lengths)]


def varied_task(family: str):
    """A tiny task whose inputs differ a lot in length (so sorting changes the batches)."""
    task = tiny_task(family)
    if family == "classification":
        words = "a warm funny and moving film with a wonderful cast that is never dull".split()
        rows = [{"text": " ".join(words[:3 + (7 * i) % 12]), "label": ("negative", "positive")[i % 2]}
                for i in range(24)]
        task.train, task.dev = rows, rows
    else:
        task.dev = [{"tokens": row["tokens"][:2 + i % 5], "tags": row["tags"][:2 + i % 5]}
                    for i, row in enumerate(task.train * 3)]
    return task


def grouped_setup(group: bool, seed: int = 1):
    return setup(RunConfig(task="t", backbone="tiny-encoder", method="p-tuning-v2", seed=seed, batch_size=4,
                           group_by_length=group), tiny_task("classification"))


def test_length_grouping_draws_every_example_once_per_epoch_with_less_padding():
    lengths = [1 + (i * 37) % 60 for i in range(200)]
    features = features_of_lengths(lengths)
    grouped, plain = grouped_setup(True), grouped_setup(False)
    padded = {}
    for name, s in (("grouped", grouped), ("plain", plain)):
        epochs = []
        for _ in range(2):
            batches = list(s.loader(features, shuffle=True))
            order = [int(v) for batch in batches for v in batch["labels"]]
            assert sorted(order) == list(range(200))  # every example exactly once
            assert all(batch["input_ids"].shape[0] == 4 for batch in batches)
            epochs.append(order)
            padded[name] = sum(batch["attention_mask"].numel() for batch in batches)
        assert epochs[0] != epochs[1]  # a new order every epoch
    assert padded["grouped"] < 0.7 * padded["plain"]
    assert sum(lengths) <= padded["grouped"]


def test_length_grouping_is_seeded_and_still_random():
    features = features_of_lengths([1 + (i * 13) % 40 for i in range(64)])

    def order(seed: int) -> list[int]:
        return [int(v) for batch in grouped_setup(True, seed).loader(features, shuffle=True) for v in batch["labels"]]
    assert order(1) == order(1) and order(1) != order(2)


def test_evaluation_batches_are_longest_first_and_outputs_come_back_in_order():
    assert longest_first(features_of_lengths([2, 5, 1, 5, 3])) == [1, 3, 4, 0, 2]  # ties keep their order
    s = setup(RunConfig(task="t", backbone="tiny-encoder", method="fine-tuning", batch_size=2, max_length=32),
              varied_task("classification"))
    features = s.encode(s.task.dev)
    seen = []
    s.model.register_forward_hook(lambda _m, inputs, _o: seen.append(inputs[0]["attention_mask"].sum(1).tolist()))
    sorted_outputs = run_model(s, features)
    widths = [w for batch in seen for w in batch]
    assert widths == sorted(widths, reverse=True)  # evaluated longest first
    one_by_one = [run_model(s, [f])[0] for f in features]  # no padding, no reordering
    for got, alone in zip(sorted_outputs, one_by_one):
        np.testing.assert_allclose(got["logits"], alone["logits"], atol=1e-5)


@pytest.mark.parametrize("family,backbone,method", [
    ("classification", "tiny-encoder", "p-tuning-v2"),
    ("classification", "tiny-decoder", "prompt-tuning"),
    ("tagging", "tiny-encoder", "fine-tuning"),
    ("tagging", "tiny-decoder", "prefix-tuning"),
])
def test_predictions_are_the_same_with_and_without_sorting(family, backbone, method, monkeypatch):
    task = varied_task(family)
    s = setup(RunConfig(task="t", backbone=backbone, method=method, batch_size=2, max_length=32, prompt_length=3),
              task)
    features = s.encode(task.dev)
    sorted_metrics, sorted_predictions = evaluate(s, task.dev, features)
    monkeypatch.setattr(core.setup, "longest_first", lambda fs: list(range(len(fs))))  # in file order
    plain_metrics, plain_predictions = evaluate(s, task.dev, features)
    assert len(sorted_predictions) == len(plain_predictions)
    for got, plain in zip(sorted_predictions, plain_predictions):  # the same labels; scores up to float noise
        assert same_up_to_float_noise(got, plain), (got, plain)
    assert sorted_metrics == pytest.approx(plain_metrics)


def same_up_to_float_noise(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_up_to_float_noise(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_up_to_float_noise(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, abs=1e-5)
    return a == b


def test_training_with_and_without_grouping_both_learn_the_same_examples():
    config = RunConfig(task="t", backbone="tiny-encoder", method="fine-tuning", batch_size=4, max_length=32,
                       max_steps=6, lr=1e-3, eval_every=6)
    for group in (True, False):
        p = prepare(config.replace(group_by_length=group), varied_task("classification"))
        drawn = [int(v) for batch in p.batches() for v in batch["labels"]]
        assert sorted(drawn) == sorted(f["labels"] for f in p.train_features)
        final = train_module.train(config.replace(group_by_length=group), task=varied_task("classification"),
                                   show_progress=False)
        assert final["steps"] == 6 and 0 <= final["best_metric"] <= 1


def test_group_by_length_is_a_checked_setting_and_on_the_command_line():
    assert RunConfig().group_by_length is False  # the optimisation the papers' code runs; README "Speed"
    with pytest.raises(ConfigError, match="group_by_length must be true or false"):
        RunConfig(group_by_length="yes")
    assert "--group-by-length true" in RunConfig(group_by_length=True).cli_command()
    assert "--group-by-length" not in RunConfig().cli_command()
    from core.cli import parse_args
    assert parse_args(["--group-by-length", "on"]).group_by_length is True


@pytest.mark.parametrize("cuda,cuda_bf16,native,allowed,expected", [
    (True, True, False, False, "bf16"),   # a GPU with bf16
    (True, False, True, True, "no"),      # a GPU without: fp32 (the CPU does not count then)
    (False, False, True, True, "bf16"),   # a CPU with native bf16, where the table says it pays
    (False, False, False, True, "no"),    # emulated bf16 is slower than fp32
    (False, False, True, False, "no"),    # measured not to pay
])
def test_precision_auto(monkeypatch, cuda, cuda_bf16, native, allowed, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: cuda_bf16)
    monkeypatch.setattr(train_module, "cpu_has_native_bf16", lambda: native)
    method = "p-tuning-v2" if allowed else "prompt-tuning"  # measured faster and as accurate / not shown to be
    assert train_module.precision(RunConfig(precision="auto", method=method)) == expected
    for chosen, accelerate_name in (("fp32", "no"), ("bf16", "bf16"), ("fp16", "fp16")):
        assert train_module.precision(RunConfig(precision=chosen)) == accelerate_name


def test_native_bf16_probe_reads_the_cpu_flags_without_torch_probes(monkeypatch, tmp_path):
    monkeypatch.delattr(torch.cpu, "_is_avx512_bf16_supported", raising=False)
    cpuinfo = tmp_path / "cpuinfo"
    real_open = open

    def fake_open(path, *args, **kwargs):
        return real_open(cpuinfo if path == "/proc/cpuinfo" else path, *args, **kwargs)
    monkeypatch.setattr("builtins.open", fake_open)
    cpuinfo.write_text("processor: 0\nflags\t\t: fpu avx512f avx512_bf16 avx2\n")
    assert train_module.cpu_has_native_bf16() is True
    cpuinfo.write_text("processor: 0\nflags\t\t: fpu avx512f avx2\n")
    assert train_module.cpu_has_native_bf16() is False


def loss_and_grads(config: RunConfig, task, checkpointing: bool):
    s = setup(config.replace(gradient_checkpointing=checkpointing), task)
    features = s.encode(task.train[:6])
    batch = next(iter(s.loader(features, shuffle=False, batch_size=6)))
    s.model.train()
    calls = []
    first_mlp = next(m for n, m in s.model.backbone.named_modules() if n.endswith(("mlp", "intermediate")))
    first_mlp.register_forward_pre_hook(lambda *_: calls.append(1))  # at its entry: a recompute stops early
    torch.manual_seed(0)  # dropout draws the same masks in the recompute (checkpoint keeps the RNG state)
    loss = s.family.loss(s.model(batch), batch)
    loss.backward()
    grads = {n: p.grad.clone() for n, p in s.model.named_parameters() if p.requires_grad and p.grad is not None}
    return loss.item(), grads, len(calls)


@pytest.mark.parametrize("backbone,method", [
    ("tiny-decoder", "p-tuning-v2"), ("tiny-encoder", "p-tuning-v2"), ("tiny-decoder", "prefix-tuning"),
    ("tiny-encoder", "prompt-tuning"), ("tiny-decoder", "fine-tuning"), ("tiny-encoder", "lora"),
])
def test_gradient_checkpointing_recomputes_and_gives_the_same_gradients(backbone, method):
    task = varied_task("classification")
    config = RunConfig(task="t", backbone=backbone, method=method, max_length=32, prompt_length=3, dropout=0.0)
    loss, grads, calls = loss_and_grads(config, task, False)
    loss_ckpt, grads_ckpt, calls_ckpt = loss_and_grads(config, task, True)
    assert (calls, calls_ckpt) == (1, 2)  # the layer ran again in the backward pass
    assert loss_ckpt == pytest.approx(loss, abs=1e-6)
    assert grads.keys() == grads_ckpt.keys() and grads
    prompt = [n for n in grads if n.startswith(("deep_prompt", "input_prompt"))]
    assert all(grads[n].abs().sum() > 0 for n in prompt)  # the prompt is still in the graph
    for name in grads:
        torch.testing.assert_close(grads_ckpt[name], grads[name], atol=1e-5, rtol=1e-4)


def test_gradient_checkpointing_is_a_checked_setting_and_trains(monkeypatch):
    with pytest.raises(ConfigError, match="gradient_checkpointing must be true or false"):
        RunConfig(gradient_checkpointing=1)
    assert "--gradient-checkpointing true" in RunConfig(gradient_checkpointing=True).cli_command()
    final = train_module.train(RunConfig(task="t", backbone="tiny-decoder", method="p-tuning-v2", max_length=32,
                                         batch_size=4, max_steps=3, eval_every=3, gradient_checkpointing=True),
                               task=varied_task("classification"), show_progress=False)
    assert final["steps"] == 3 and final["best_metric"] is not None
    from transformers.models.bert.modeling_bert import BertPreTrainedModel
    monkeypatch.setattr(BertPreTrainedModel, "supports_gradient_checkpointing", False)
    with pytest.raises(ConfigError, match="does not support it"):
        setup(RunConfig(task="t", backbone="tiny-encoder", method="fine-tuning", gradient_checkpointing=True),
              tiny_task("classification"))
