"""P-tuning v2's two ablation knobs for deep prompts (core/methods/deep_prompt.py), on tiny random models:
prompt_layers (depth: which layers get prompts, its Fig. 5) and head (cls vs a verbalizer on the LM head)."""
import dataclasses

import pytest
import torch
from torch import nn

from core.backbones import load_backbone
from core.cli import config_from_args, parse_args
from core.config import ConfigError, RunConfig, prompt_layer_indices, resolve
from core.heads import SequenceHead, VerbalizerHead
from core.methods import MethodError, build_model
from core.methods.deep_prompt import attention_prompt
from core.model import PromptModel, count_parameters
from core.runs import Recorder
from core.tasks import collate, family_of
from core.train import train
from tests.conftest import tiny_task

PROMPT = 4


def config_for(task, backbone_name, method="p-tuning-v2", **changes):
    return RunConfig(task=task.name, backbone=backbone_name, method=method, prompt_length=PROMPT, epochs=1,
                     max_length=64, dropout=0.0, **changes)


def build(backbone_name="tiny-encoder", family="classification", method="p-tuning-v2", backbone=None, **changes):
    task = tiny_task(family)
    backbone = backbone or load_backbone(backbone_name, seed=0)
    torch.manual_seed(0)
    return task, backbone, build_model(config_for(task, backbone_name, method, **changes), backbone, task)


def batch_for(task, backbone, model, n=4):
    features = family_of(task).encode(task, task.train[:n], backbone.tokenizer, 64, cloze=model.cloze, doc_stride=32)
    return collate(features, backbone.tokenizer.pad_token_id)


def layer_list(backbone) -> nn.ModuleList:
    return next(m for m in backbone.body.modules() if isinstance(m, nn.ModuleList) and len(m) == backbone.num_layers)


def layer_outputs(model, backbone, batch) -> list[torch.Tensor]:
    """Each layer's output hidden states (B, T, H) during one forward pass of `model`."""
    outputs, hooks = [], []
    for layer in layer_list(backbone):
        hooks.append(layer.register_forward_hook(
            lambda _m, _i, out: outputs.append(out[0] if isinstance(out, tuple) else out)))
    with torch.no_grad():
        model(batch)
    for hook in hooks:
        hook.remove()
    return outputs


# --- config ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("all", "all"), ("Top: 4", "top:4"), ("bottom:1", "bottom:1"), ("0,1,2", "0,1,2"), ("0-5", "0-5"),
    ("0-2, 5", "0-2,5"), ([0, 2], "0,2"), (None, None)])
def test_prompt_layers_are_written_one_way(value, expected):
    assert RunConfig(prompt_layers=value).prompt_layers == expected


@pytest.mark.parametrize("value, message", [
    ("top:0", "top:k needs a whole number of layers k, at least 1"), ("top", "top:k needs a whole number"),
    ("middle:2", "is not a layer index"), ("bottom:x", "at least 1"), ("0-x", "'0-x' is not a layer index"),
    ("5-2", "runs backwards"), ("-1", "is not a layer index"), ("", "must be all, top:k"),
    (3, "write 'top:3' for the top 3 layers or '3' \\(quoted\\)"), (True, "must be all, top:k")])
def test_bad_prompt_layers_say_what_is_allowed(value, message):
    with pytest.raises(ConfigError, match=message):
        RunConfig(prompt_layers=value)


def test_head_is_cls_or_verbalizer():
    assert RunConfig(head="verbalizer").head == "verbalizer" and RunConfig().head is None
    with pytest.raises(ConfigError, match=r"head must be one of \('cls', 'verbalizer'\).*'mlp'"):
        RunConfig(head="mlp")


def test_layer_indices_count_from_the_input():
    assert prompt_layer_indices("top:3", 8) == [5, 6, 7] and prompt_layer_indices("bottom:2", 8) == [0, 1]
    assert prompt_layer_indices("0-2,5,2", 8) == [0, 1, 2, 5] and prompt_layer_indices("all", 3) == [0, 1, 2]
    assert prompt_layer_indices(None, 2) == [0, 1]
    with pytest.raises(ValueError, match="names layer 8"):
        prompt_layer_indices("0,8", 8)


def test_methods_default_to_every_layer_and_the_cls_head():
    for method in ("p-tuning-v2", "prefix-tuning"):
        config = resolve(RunConfig(method=method), {})
        assert (config.prompt_layers, config.head) == ("all", "cls")


def test_cli_and_yaml_carry_both_fields(tmp_path):
    config = RunConfig(method="prefix-tuning", prompt_layers="top:2", head="verbalizer", template=1)
    command = config.cli_command()
    assert "--prompt-layers top:2" in command and "--head verbalizer" in command and "--template 1" in command
    path = tmp_path / "config.yaml"
    path.write_text(config.to_yaml())
    assert RunConfig.from_yaml(path) == config
    args = parse_args(command.split()[3:])  # after "python -m core.train"
    assert config_from_args(args) == config
    assert "--prompt-layers" not in RunConfig(method="lora", prompt_layers="top:2").cli_command()  # lora reads none


# --- depth -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("backbone_name", ["tiny-encoder", "tiny-decoder"])
def test_layers_beyond_the_backbone_are_refused_at_build(backbone_name):
    with pytest.raises(MethodError, match=f"prompt_layers top:8 asks for 8 layers, but {backbone_name} has 2 layers"):
        build(backbone_name, prompt_layers="top:8")
    with pytest.raises(MethodError, match="names layer 5 .*indices from 0 to 1"):
        build(backbone_name, prompt_layers="0,5")


@pytest.mark.parametrize("backbone_name", ["tiny-encoder", "tiny-decoder"])
@pytest.mark.parametrize("spec, prompted", [("top:1", [1]), ("bottom:1", [0]), ("1", [1])])
def test_only_the_chosen_layers_get_a_prefix(backbone_name, spec, prompted):
    task, backbone, model = build(backbone_name, prompt_layers=spec)
    model.eval()
    layers = layer_list(backbone)
    attached = [i for i, layer in enumerate(layers)
                if any(m is site.module for site in model.deep_prompt.sites for m in layer.modules())]
    assert attached == prompted
    batch = batch_for(task, backbone, model)
    plain_backbone = load_backbone(backbone_name, seed=0)  # the same weights, no prompt
    plain = PromptModel(plain_backbone, model.head).eval()
    real = batch["attention_mask"].bool()
    changed = [not torch.allclose(a[real], b[real], atol=1e-5) for a, b in
               zip(layer_outputs(model, backbone, batch), layer_outputs(plain, plain_backbone, batch))]
    # a layer's output changes from the first prompted layer on (later layers read changed inputs)
    assert changed == [i >= prompted[0] for i in range(len(layers))]


@pytest.mark.parametrize("method", ["p-tuning-v2", "prefix-tuning"])
@pytest.mark.parametrize("backbone_name", ["tiny-encoder", "tiny-decoder"])
def test_fewer_layers_train_fewer_parameters(method, backbone_name):
    _, backbone, full = build(backbone_name, method=method)
    _, _, top = build(backbone_name, method=method, prompt_layers="top:1")
    assert full.deep_prompt.sites is None and top.deep_prompt.sites is not None  # "all" stays on the cache
    kv = backbone.num_kv_heads * backbone.head_dim
    head = sum(p.numel() for n, p in full.named_parameters() if n.startswith("head."))
    if method == "p-tuning-v2":
        assert count_parameters(full)[0] == PROMPT * 2 * 2 * kv + head
        assert count_parameters(top)[0] == PROMPT * 1 * 2 * kv + head
    else:  # the MLP's output layer shrinks with the prefix width
        H = backbone.hidden_size
        assert count_parameters(full)[0] - count_parameters(top)[0] == (H + 1) * 2 * kv  # one layer's width


@pytest.mark.parametrize("method", ["p-tuning-v2", "prefix-tuning"])
@pytest.mark.parametrize("family", ["classification", "tagging"])
@pytest.mark.parametrize("backbone_name", ["tiny-encoder", "tiny-decoder"])
def test_every_layer_through_attention_sites_equals_the_cache(backbone_name, family, method):
    """The same prompt values, prepended inside each layer's attention instead of handed over as a cache."""
    task, backbone, cached = build(backbone_name, family, method)
    cached.eval()
    other = load_backbone(backbone_name, seed=0)
    config = resolve(config_for(task, backbone_name, method), task.defaults)
    prompt = attention_prompt(config, other, config.reparameterize, 1.0)
    assert len(prompt.sites) == backbone.num_layers
    prompt.load_state_dict(cached.deep_prompt.state_dict())
    sited = PromptModel(other, cached.head, deep_prompt=prompt).eval()
    batch = batch_for(task, backbone, cached)
    assert batch["attention_mask"].min() == 0  # padding in the batch: the masks are exercised
    with torch.no_grad():
        expected, got = cached(batch)["logits"], sited(batch)["logits"]
        plain = PromptModel(load_backbone(backbone_name, seed=0), cached.head).eval()(batch)["logits"]
    assert torch.allclose(expected, got, atol=1e-5)
    assert not torch.allclose(expected, plain, atol=1e-3)  # and the prompt does change the output


def test_generation_through_attention_sites_equals_the_cache():
    task, backbone, cached = build("tiny-decoder", "generation", "prefix-tuning")
    with torch.no_grad():  # a prompt large enough to steer greedy decoding
        cached.deep_prompt.embedding.weight.mul_(50)
    other = load_backbone("tiny-decoder", seed=0)
    config = resolve(config_for(task, "tiny-decoder", "prefix-tuning"), task.defaults)
    prompt = attention_prompt(config, other, True, 0.02)
    prompt.load_state_dict(cached.deep_prompt.state_dict())
    sited = PromptModel(other, cached.head, deep_prompt=prompt).eval()
    cached.eval()
    tokenizer = backbone.tokenizer
    tokenizer.padding_side = "left"
    inputs = tokenizer([row["input"] for row in task.train[:2]], return_tensors="pt", padding=True)
    tokenizer.padding_side = "right"
    expected = cached.generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=6)
    got = sited.generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=6)
    plain = PromptModel(load_backbone("tiny-decoder", seed=0), cached.head).eval().generate(
        inputs["input_ids"], inputs["attention_mask"], max_new_tokens=6)
    assert torch.equal(expected, got) and not torch.equal(expected, plain)


def test_encoder_decoders_take_the_layers_per_stack():
    task, backbone, full = build("tiny-seq2seq", "generation", "prefix-tuning")
    _, _, top = build("tiny-seq2seq", "generation", "prefix-tuning", prompt_layers="top:1")
    assert [s.role for s in full.deep_prompt.sites] == ["encoder"] * 2 + ["decoder"] * 2 + ["cross"] * 2
    assert [s.role for s in top.deep_prompt.sites] == ["encoder", "decoder", "cross"]
    bart = top.backbone.model
    assert [s.module for s in top.deep_prompt.sites] == [
        bart.encoder.layers[1].self_attn, bart.decoder.layers[1].self_attn, bart.decoder.layers[1].encoder_attn]
    assert count_parameters(top)[0] < count_parameters(full)[0]
    with pytest.raises(MethodError, match="top:3 asks for 3 layers, but tiny-seq2seq has 2 layers per stack"):
        build("tiny-seq2seq", "generation", "prefix-tuning", prompt_layers="top:3")
    inputs = backbone.tokenizer(["name[Aroma], food[Thai]"], return_tensors="pt")
    assert top.eval().generate(inputs["input_ids"], inputs["attention_mask"], max_new_tokens=3).shape[0] == 1


def test_the_preview_counts_the_same_parameters():
    task = tiny_task("classification")
    config = config_for(task, "tiny-encoder", prompt_layers="bottom:1")
    real = build_model(config, load_backbone("tiny-encoder"), task)
    meta = build_model(config, load_backbone("tiny-encoder", weights=False), task)
    assert count_parameters(meta) == count_parameters(real)


# --- head --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["p-tuning-v2", "prefix-tuning"])
@pytest.mark.parametrize("backbone_name", ["tiny-encoder", "tiny-decoder"])
def test_verbalizer_head_trains_only_the_deep_prompt(method, backbone_name):
    task, backbone, model = build(backbone_name, method=method, head="verbalizer")
    assert isinstance(model.head, VerbalizerHead) and model.cloze is not None
    assert "It was" in model.cloze.template  # the preset's hand-written template
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith("deep_prompt.") for n in trainable)
    if method == "p-tuning-v2":
        assert trainable == {"deep_prompt.embedding.weight"}
    batch = batch_for(task, backbone, model)
    assert model(batch)["logits"].shape == (4, 2)  # one logit per label word


@pytest.mark.parametrize("head, spec", [("cls", "all"), ("cls", "top:1"), ("verbalizer", "all"),
                                        ("verbalizer", "bottom:1")])
@pytest.mark.parametrize("backbone_name", ["tiny-encoder", "tiny-decoder"])
def test_one_step_moves_the_prompt_and_head_only(backbone_name, head, spec):
    task, backbone, model = build(backbone_name, head=head, prompt_layers=spec)
    expected = {"deep_prompt.embedding.weight"} | (
        {n for n, _ in model.named_parameters() if n.startswith("head.")} if head == "cls" else set())
    assert {n for n, p in model.named_parameters() if p.requires_grad} == expected
    assert isinstance(model.head, SequenceHead if head == "cls" else VerbalizerHead)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    before = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    batch = batch_for(task, backbone, model)
    family_of(task).loss(model(batch), batch).backward()
    assert all(p.grad is not None and p.grad.any() for n, p in model.named_parameters() if n in expected)
    assert all(p.grad is None for n, p in model.named_parameters() if n in frozen)
    torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2).step()
    assert all(torch.equal(p, frozen[n]) for n, p in model.named_parameters() if n in frozen)
    assert all(not torch.equal(p, before[n]) for n, p in model.named_parameters() if n in before)


@pytest.mark.parametrize("family", ["tagging", "qa"])
def test_verbalizer_head_refuses_families_without_label_words(family):
    with pytest.raises(MethodError, match=f"fits classification tasks; not a {family} task .*use head 'cls'"):
        build(family=family, head="verbalizer")


def test_verbalizer_head_refuses_a_backbone_without_a_pretrained_lm_head():
    backbone = dataclasses.replace(load_backbone("tiny-encoder"), lm_head_pretrained=False)  # as minilm-l6
    with pytest.raises(MethodError, match="tiny-encoder ships none"):
        build(backbone=backbone, head="verbalizer")
    build(backbone=backbone, head="cls")  # the [CLS] head needs no LM head


def test_verbalizer_head_needs_label_words():
    task = dataclasses.replace(tiny_task("classification"), templates=[{"template": "{text} It was {mask}."}])
    config = config_for(task, "tiny-encoder", head="verbalizer")
    with pytest.raises(MethodError, match="scores label words, and task 'toy-sentiment' has none"):
        build_model(config, load_backbone("tiny-encoder"), task)
    model = build_model(config.replace(verbalizer={"negative": "bad", "positive": "good"}),
                        load_backbone("tiny-encoder"), task)
    assert isinstance(model.head, VerbalizerHead)


# --- learning ----------------------------------------------------------------------------------------------
# Through the training loop, as tests/core/test_learning.py: the whole toy set each step, the mean loss of the
# last 5 steps against the first. A random frozen tiny encoder's [CLS] / [MASK] output hardly depends on the
# input (see test_learning.py), so no frozen-backbone method fits toy sentiment on it: depth is learnt on toy
# NER (the "cls" head is then the token head); the verbalizer on the tiny decoder with a null template
# ("{text} {mask}": the last position reads the input's last word), and on smollm2-135m's pretrained LM head.

class StepLosses(Recorder):
    def __init__(self):
        self.losses: list[float] = []

    def log(self, row: dict, total_steps: int) -> None:
        self.losses.append(row["loss"])


def overfit(backbone_name, family, method, lr, steps, **changes) -> list[float]:
    task = tiny_task(family)
    config = RunConfig(task=task.name, backbone=backbone_name, method=method, prompt_length=4, lr=lr,
                       max_steps=steps, batch_size=8, max_train_examples=8, epochs=1, dropout=0.0, max_length=32,
                       weight_decay=0.0, warmup_ratio=0.0, eval_every=steps, **changes)
    recorder = StepLosses()
    final = train(config, recorder, show_progress=False, task=task)
    assert final["steps"] == len(recorder.losses) == steps
    return recorder.losses


@pytest.mark.parametrize("method", ["p-tuning-v2", "prefix-tuning"])
@pytest.mark.parametrize("spec", ["all", "top:1", "bottom:1"])
def test_each_depth_overfits_eight_examples_on_the_tiny_encoder(method, spec):
    losses = overfit("tiny-encoder", "tagging", method, 3e-2, 30, prompt_layers=spec, head="cls")
    assert sum(losses[-5:]) / 5 < 0.5 * losses[0], losses[::5]  # measured: 2-10% of the first


@pytest.mark.parametrize("method", ["p-tuning-v2", "prefix-tuning"])
@pytest.mark.parametrize("spec", ["all", "top:1", "bottom:1"])
def test_each_depth_learns_through_the_verbalizer_on_the_tiny_decoder(method, spec):
    """Slower: decoder prompts start at std 0.02 and only the prompt trains (measured: 0.75 -> 0.40-0.51)."""
    losses = overfit("tiny-decoder", "classification", method, 1.0 if method == "p-tuning-v2" else 1e-1, 30,
                     prompt_layers=spec, head="verbalizer", template="{text} {mask}")
    assert sum(losses[-5:]) / 5 < 0.8 * losses[0], losses[::5]


@pytest.mark.slow
def test_the_verbalizer_head_overfits_eight_examples_on_a_pretrained_lm():
    """P-tuning v2's verbalizer on smollm2-135m's own LM head (measured: 0.64 -> 0.011 in 5 steps)."""
    task, backbone, model = build("smollm2-135m", head="verbalizer", prompt_layers="all")
    batch = batch_for(task, backbone, model, n=8)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=3e-2, weight_decay=0.0)
    model.train()
    losses = []
    for _ in range(6):
        loss = family_of(task).loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0], losses
