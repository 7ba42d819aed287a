"""Every method x task family x tiny backbone: frozen weights stay bit-identical, exactly the
intended parameters train and receive gradients, the trainable count matches the method's
arithmetic, and a saved trained state loads back to the same predictions."""
import pytest
import torch
from safetensors.torch import load_file, save_file

from core.backbones import load_backbone
from core.config import RunConfig
from core.methods import METHODS, MethodError, build_model
from core.model import count_parameters, format_share
from core.tasks import collate, family_of
from tests.conftest import tiny_task

BACKBONES = ["tiny-encoder", "tiny-decoder"]
TASKS = {"sentence": ("classification", False), "pair": ("classification", True),
         "tagging": ("tagging", False), "srl": ("srl", False), "qa": ("qa", False),
         "generation": ("generation", False)}
PROMPT = 4


def is_head(name):
    return name.startswith("head.") and ".lm_head." not in name


def expected_trainable(method: str, name: str, verbalizer: bool) -> bool:
    """Written independently of core.methods: the parameter names each method may train."""
    lm_head = name.startswith(("backbone.cls.", "backbone.lm_head."))
    return {
        "fine-tuning": name.startswith("backbone.") and not lm_head or is_head(name),
        "manual-prompt": name.startswith("backbone."),  # prompt-based fine-tuning (epochs > 0)
        "prompt-tuning": name == "input_prompt.embedding" or is_head(name),
        "p-tuning": name.startswith("token_prompt."),
        "prefix-tuning": name.startswith("deep_prompt.") or is_head(name),
        "p-tuning-v2": name == "deep_prompt.embedding.weight" or is_head(name),
        "bitfit": (name.endswith(".bias") and (verbalizer or not lm_head)) or is_head(name),
        "lora": "lora_" in name or is_head(name),
    }[method]


def build(method, backbone_name, task_key, seed=0):
    """The backbone is always the same (seed 0, as a pretrained one would be); `seed` varies
    only what the method adds."""
    family, pair = TASKS[task_key]
    task = tiny_task(family, pair)
    backbone = load_backbone(backbone_name, seed=0)
    config = RunConfig(task=task.name, backbone=backbone_name, method=method, prompt_length=PROMPT,
                       epochs=1, max_length=64, dropout=0.0, seed=seed)
    torch.manual_seed(seed)
    return task, backbone, build_model(config, backbone, task)


def batch_for(task, backbone, model):
    features = family_of(task).encode(task, task.train[:4], backbone.tokenizer, 64,
                                      cloze=model.cloze, doc_stride=32)
    return collate(features, backbone.tokenizer.pad_token_id)


def cases():
    for method, spec in METHODS.items():
        for backbone in BACKBONES:
            for key, (family, _) in TASKS.items():
                supported = family in spec.families and not (method == "bitfit" and backbone == "tiny-decoder") \
                    and not (family == "generation" and backbone == "tiny-encoder")
                yield pytest.param(method, backbone, key, supported, id=f"{method}-{backbone}-{key}")


@pytest.mark.parametrize("method,backbone_name,task_key,supported", list(cases()))
def test_method_trains_exactly_its_parameters(method, backbone_name, task_key, supported):
    if not supported:
        with pytest.raises(MethodError, match="does not fit|no bias terms|needs a decoder"):
            build(method, backbone_name, task_key)
        return
    task, backbone, model = build(method, backbone_name, task_key)
    verbalizer = model.cloze is not None
    names = {n for n, p in model.named_parameters() if p.requires_grad}
    assert names == {n for n, _ in model.named_parameters() if expected_trainable(method, n, verbalizer)}

    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    before = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2, weight_decay=0.1)
    batch = batch_for(task, backbone, model)
    loss = family_of(task).loss(model(batch), batch)
    loss.backward()
    # LoRA's B starts at zero, so A's first gradient is zero by design (but must exist)
    no_grad = [n for n, p in model.named_parameters() if p.requires_grad and
               (p.grad is None or (not p.grad.any() and "lora_A" not in n))]
    assert no_grad == [], f"trainable but outside the graph: {no_grad}"
    optimizer.step()
    for name, param in model.named_parameters():
        if name in frozen:
            assert torch.equal(param, frozen[name]), f"frozen {name} changed"
    assert any(not torch.equal(p, before[n]) for n, p in model.named_parameters() if n in before)


def head_size(model) -> int:
    return sum(p.numel() for n, p in model.named_parameters() if is_head(n))


@pytest.mark.parametrize("backbone_name", BACKBONES)
def test_trainable_counts_match_each_method(backbone_name):
    b = load_backbone(backbone_name)
    H, L, kv = b.hidden_size, b.num_layers, b.num_kv_heads * b.head_dim
    width = L * 2 * kv
    _, _, m = build("prompt-tuning", backbone_name, "sentence")
    assert count_parameters(m)[0] == PROMPT * H + head_size(m)
    _, _, m = build("p-tuning-v2", backbone_name, "tagging")
    assert count_parameters(m)[0] == PROMPT * width + head_size(m)
    _, _, m = build("prefix-tuning", backbone_name, "qa")
    assert count_parameters(m)[0] == PROMPT * H + (H * H + H) + (H * width + width) + head_size(m)
    _, _, m = build("lora", backbone_name, "sentence")
    targets = [mod for n, mod in m.named_modules() if hasattr(mod, "lora_A")]
    assert targets and count_parameters(m)[0] == head_size(m) + sum(
        8 * (t.in_features + t.out_features) for t in targets)
    _, _, m = build("fine-tuning", backbone_name, "sentence")
    trainable, total = count_parameters(m)
    assert trainable / total > 0.9


def test_share_is_printed_like_the_design():
    assert format_share(93_000, 22_700_000) == "0.41% of 22.7M"
    assert format_share(22_700_000, 22_700_000) == "100.0% of 22.7M"


@pytest.mark.parametrize("method", ["prompt-tuning", "p-tuning", "prefix-tuning", "p-tuning-v2", "bitfit", "lora",
                                    "fine-tuning"])
@pytest.mark.parametrize("task_key", ["sentence", "tagging"])
def test_saved_trained_state_loads_back_to_same_predictions(method, task_key, tmp_path):
    if task_key == "tagging" and method == "p-tuning":
        pytest.skip("p-tuning is classification-only")
    task, backbone, model = build(method, "tiny-encoder", task_key, seed=0)
    batch = batch_for(task, backbone, model)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-2)
    family_of(task).loss(model(batch), batch).backward()
    optimizer.step()
    save_file(model.trainable_state_dict(), str(tmp_path / "trained.safetensors"))
    model.eval()
    with torch.no_grad():
        expected = model(batch)

    _, _, fresh = build(method, "tiny-encoder", task_key, seed=1)  # a different random start
    fresh.eval()
    with torch.no_grad():
        assert not torch.allclose(fresh(batch)["logits"], expected["logits"])
        fresh.load_trainable(load_file(tmp_path / "trained.safetensors"))
        assert torch.allclose(fresh(batch)["logits"], expected["logits"], atol=1e-6)


@pytest.mark.parametrize("backbone_name", BACKBONES)
@pytest.mark.parametrize("task_key", ["tagging", "qa"])
def test_shallow_prompt_keeps_token_outputs_aligned(backbone_name, task_key):
    """PEFT's prompt tuning returns outputs longer by the prompt length; ours match the input."""
    task, backbone, model = build("prompt-tuning", backbone_name, task_key)
    batch = batch_for(task, backbone, model)
    for value in model(batch).values():
        assert value.shape[:2] == batch["input_ids"].shape


def test_shallow_prompt_goes_after_cls_on_encoders():
    task, backbone, model = build("prompt-tuning", "tiny-encoder", "sentence")
    batch = batch_for(task, backbone, model)
    embeds = backbone.model.get_input_embeddings()(batch["input_ids"])
    out, mask, _ = model.input_prompt(embeds, batch["attention_mask"], {}, 1)
    assert torch.equal(out[:, 0], embeds[:, 0])  # [CLS] stays first
    assert torch.equal(out[0, 1:1 + PROMPT], model.input_prompt.embedding)
    assert mask.shape[1] == batch["attention_mask"].shape[1] + PROMPT


def test_p_tuning_places_prompts_at_template_slots_only():
    task, backbone, model = build("p-tuning", "tiny-encoder", "pair")
    batch = batch_for(task, backbone, model)
    assert (batch["prompt_mask"].sum(1) == PROMPT).all()
    embeds = backbone.model.get_input_embeddings()(batch["input_ids"])
    out = model.token_prompt(embeds, batch["prompt_mask"])
    keep = ~batch["prompt_mask"].bool()
    assert torch.equal(out[keep], embeds[keep])
    assert torch.allclose(out[0][batch["prompt_mask"][0].bool()], model.token_prompt.prompts())


def test_zero_shot_manual_prompt_trains_nothing():
    task = tiny_task("classification")
    backbone = load_backbone("tiny-decoder")
    config = RunConfig(task=task.name, backbone="tiny-decoder", method="manual-prompt", epochs=0)
    model = build_model(config, backbone, task)
    assert count_parameters(model)[0] == 0


def test_deep_prompts_refuse_models_without_past_key_values(monkeypatch):
    task = tiny_task("classification")
    backbone = load_backbone("tiny-encoder")
    monkeypatch.setattr(type(backbone), "supports_deep_prompts", property(lambda self: False))
    with pytest.raises(MethodError, match="past key/values"):
        build_model(RunConfig(task="t", backbone="tiny-encoder", method="p-tuning-v2"), backbone, task)


def test_the_cache_keyword_follows_the_installed_transformers(monkeypatch):
    """transformers 5.24 renamed the body's `past_key_values` to `cache`: deep prompts go in by either."""
    backbone = load_backbone("tiny-encoder")
    for forward, expected in [(lambda self, inputs_embeds=None, cache=None: None, "cache"),
                              (lambda self, inputs_embeds=None, past_key_values=None: None, "past_key_values"),
                              (lambda self, inputs_embeds=None: None, None)]:
        monkeypatch.setattr(type(backbone.body), "forward", forward)
        assert backbone.cache_argument == expected
        assert backbone.supports_deep_prompts is (expected is not None)


@pytest.mark.parametrize("backbone_name", BACKBONES)
def test_masked_out_prefix_leaves_the_backbone_output_unchanged(backbone_name):
    """Checks the injection itself: cache layout, extended mask and unshifted positions."""
    task, backbone, model = build("p-tuning-v2", backbone_name, "tagging")
    model.eval()
    batch = batch_for(task, backbone, model)
    embeds = backbone.model.get_input_embeddings()(batch["input_ids"])
    mask = batch["attention_mask"]
    positions = torch.arange(mask.shape[1]).expand(mask.shape[0], -1)
    with torch.no_grad():
        plain = backbone.body(inputs_embeds=embeds, attention_mask=mask, position_ids=positions).last_hidden_state
        prefixed = backbone.body(
            inputs_embeds=embeds, position_ids=positions, **{backbone.cache_argument: model.deep_prompt(mask.shape[0])},
            attention_mask=torch.cat([torch.zeros(mask.shape[0], PROMPT, dtype=mask.dtype), mask], 1),
        ).last_hidden_state
        live = model.deep_prompt(mask.shape[0])
        attended = backbone.body(inputs_embeds=embeds, position_ids=positions, **{backbone.cache_argument: live},
                                 attention_mask=torch.cat([torch.ones_like(mask[:, :PROMPT]), mask], 1)
                                 ).last_hidden_state
    real = mask.bool()
    assert torch.allclose(plain[real], prefixed[real], atol=1e-5)
    assert not torch.allclose(plain[real], attended[real], atol=1e-3)  # an attended prefix does change it
