"""core/methods/attention_prefix.py on tiny random BART, T5 and Llama models (CPU, a few seconds)."""
import pytest
import torch
from torch import nn
from transformers import (BartConfig, BartForConditionalGeneration, BloomConfig, BloomForCausalLM, LlamaConfig,
                          LlamaForCausalLM, T5Config, T5ForConditionalGeneration)

from core.methods.attention_prefix import (AttentionPrefixError, attention_modules, set_prefixes,
                                           use_prefix_attention)

P = 3  # prefix length


def tiny(kind: str, attn: str = "sdpa"):
    torch.manual_seed(0)
    if kind == "bart":
        config = BartConfig(vocab_size=100, d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                            decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
                            max_position_embeddings=64, dropout=0.0, attention_dropout=0.0, forced_eos_token_id=None,
                            attn_implementation=attn)
        return BartForConditionalGeneration(config).eval()
    if kind == "t5":
        config = T5Config(vocab_size=100, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, dropout_rate=0.0,
                          relative_attention_num_buckets=8, decoder_start_token_id=0, pad_token_id=0,
                          eos_token_id=1, attn_implementation=attn)
        return T5ForConditionalGeneration(config).eval()
    config = LlamaConfig(vocab_size=100, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         attn_implementation=attn)
    return LlamaForCausalLM(config).eval()


class Prefixes(nn.Module):
    """The trainable side: one (key, value) pair per attention site."""
    def __init__(self, sites, std: float = 1.0):
        super().__init__()
        self.kv = nn.ParameterList(nn.Parameter(torch.randn(2, s.kv_heads, P, s.head_dim) * std) for s in sites)

    def forward(self):
        return [(kv[0], kv[1]) for kv in self.kv]


def prefixed(kind: str, attn: str = "sdpa", std: float = 1.0):
    model = tiny(kind, attn)
    sites = attention_modules(model)
    use_prefix_attention(model)
    prefixes = Prefixes(sites, std)
    set_prefixes(sites, prefixes())
    return model, sites, prefixes


def source_batch():
    input_ids = torch.tensor([[5, 6, 7, 8, 9], [10, 11, 12, 1, 1]])
    return input_ids, torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])


# --- discovery and switching -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, cross_name", [("bart", "encoder_attn"), ("t5", "EncDecAttention")])
def test_sites_cover_three_roles_in_layer_order(kind, cross_name):
    model = tiny(kind)
    sites = attention_modules(model)
    assert [s.role for s in sites] == ["encoder"] * 2 + ["decoder"] * 2 + ["cross"] * 2
    names = {id(m): n for n, m in model.named_modules()}
    decoder_names = [names[id(s.module)] for s in sites[2:]]
    assert all("decoder" in n for n in decoder_names) and all(cross_name in n for n in decoder_names[2:])
    assert all((s.kv_heads, s.head_dim) == (4, 8) for s in sites)


def test_grouped_query_heads_and_decoder_only_roles():
    sites = attention_modules(tiny("llama"))
    assert [(s.role, s.kv_heads, s.head_dim) for s in sites] == [("decoder", 2, 8)] * 2


def test_model_without_attention_interface_is_refused():
    model = BloomForCausalLM(BloomConfig(vocab_size=100, hidden_size=32, n_layer=2, n_head=4))
    with pytest.raises(AttentionPrefixError, match="AttentionInterface"):
        attention_modules(model)


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_switch_reaches_every_sub_config_and_is_idempotent(attn):
    model = tiny("t5", attn)
    use_prefix_attention(model)
    use_prefix_attention(model)
    assert {s.module.config._attn_implementation for s in attention_modules(model)} == {f"prefix_{attn}"}
    assert model.encoder.config._attn_implementation == model.decoder.config._attn_implementation == f"prefix_{attn}"


def test_attention_without_a_4d_mask_is_refused():
    with pytest.raises(AttentionPrefixError, match="sdpa or eager"):
        use_prefix_attention(tiny("bart", "flex_attention"))


def test_wrong_prefix_shape_is_refused():
    model = tiny("bart")
    sites = attention_modules(model)
    with pytest.raises(AttentionPrefixError, match="head_dim=8"):
        set_prefixes(sites, [(torch.zeros(4, P, 16), torch.zeros(4, P, 16))] * len(sites))
    with pytest.raises(AttentionPrefixError, match="prefixes for"):
        set_prefixes(sites, [(torch.zeros(4, P, 8), torch.zeros(4, P, 8))])


# --- numerics ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("attn", ["sdpa", "eager"])
@pytest.mark.parametrize("kind", ["bart", "t5"])
def test_without_prefix_outputs_are_identical(kind, attn):
    model = tiny(kind, attn)
    input_ids, mask = source_batch()
    decoder_ids = torch.tensor([[0, 4, 5], [0, 6, 7]])
    with torch.no_grad():
        before = model(input_ids=input_ids, attention_mask=mask, decoder_input_ids=decoder_ids).logits
        use_prefix_attention(model)
        set_prefixes(attention_modules(model), None)
        after = model(input_ids=input_ids, attention_mask=mask, decoder_input_ids=decoder_ids).logits
    assert torch.equal(before, after)


def attend(q, k, v, scores_extra):
    weights = torch.softmax(q @ k.transpose(-1, -2) + scores_extra, dim=-1)
    return (weights @ v).transpose(1, 2).flatten(2)  # (B, T, H * hd)


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
@pytest.mark.parametrize("role", ["encoder", "decoder"])
def test_bart_attention_equals_hand_concatenated_keys(attn, role):
    """Encoder self-attention with a padding mask; decoder self-attention with mask None (causal over its own keys)."""
    model, sites, prefixes = prefixed("bart", attn)
    module, (pk, pv) = next((s.module, kv) for s, kv in zip(sites, prefixes()) if s.role == role)
    h = torch.randn(2, 5, 32)
    split = lambda x: x.view(2, 5, 4, 8).transpose(1, 2)  # noqa: E731  (B, heads, T, hd)
    q, k, v = split(module.q_proj(h)) * module.scaling, split(module.k_proj(h)), split(module.v_proj(h))
    k, v = torch.cat([pk.expand(2, -1, -1, -1), k], 2), torch.cat([pv.expand(2, -1, -1, -1), v], 2)
    allowed = torch.ones(2, 1, 5, P + 5, dtype=torch.bool)
    if role == "encoder":
        allowed[1, :, :, P + 3:] = False  # the second row's two padding tokens
        mask = allowed[:, :, :, P:] if attn == "sdpa" else torch.zeros(2, 1, 5, 5).masked_fill(~allowed[..., P:], -1e9)
    else:
        allowed[..., P:] = torch.ones(5, 5, dtype=torch.bool).tril()
        mask = None
    expected = module.out_proj(attend(q, k, v, torch.zeros(allowed.shape).masked_fill(~allowed, float("-inf"))))
    with torch.no_grad():
        out, _ = module(h, attention_mask=mask)
        assert torch.allclose(out, expected, atol=1e-5)


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_t5_relative_bias_is_zero_on_prefix_columns(attn):
    model, sites, prefixes = prefixed("t5", attn)
    module, (pk, pv) = sites[0].module, prefixes()[0]  # encoder layer 0: computes the relative bias
    h = torch.randn(2, 5, 32)
    split = lambda x: x.view(2, 5, 4, 8).transpose(1, 2)  # noqa: E731
    q, k, v = split(module.q(h)), split(module.k(h)), split(module.v(h))  # T5 does not scale scores
    k, v = torch.cat([pk.expand(2, -1, -1, -1), k], 2), torch.cat([pv.expand(2, -1, -1, -1), v], 2)
    bias = torch.cat([torch.zeros(1, 4, 5, P), module.compute_bias(5, 5)], dim=-1)
    with torch.no_grad():
        out, position_bias, _ = module(h)
        assert torch.allclose(out, module.o(attend(q, k, v, bias)), atol=1e-5)
        assert position_bias.shape[-1] == 5  # the layers after it get the bias without prefix columns


@pytest.mark.parametrize("kind", ["bart", "t5"])
def test_gradients_reach_every_role_and_spare_the_frozen_backbone(kind):
    model, sites, prefixes = prefixed(kind, std=0.1)
    model.requires_grad_(False)
    backbone = {name: p.clone() for name, p in model.state_dict().items()}
    input_ids, mask = source_batch()
    set_prefixes(sites, prefixes())  # fresh graph for this step
    model(input_ids=input_ids, attention_mask=mask, labels=torch.tensor([[4, 5, 6], [7, 8, 9]])).loss.backward()
    for site, kv in zip(sites, prefixes.kv):
        assert kv.grad is not None and kv.grad[0].abs().sum() > 0 and kv.grad[1].abs().sum() > 0, site.role
    assert all(p.grad is None for p in model.parameters())
    torch.optim.SGD(prefixes.parameters(), lr=0.1).step()
    assert all(torch.equal(p, backbone[name]) for name, p in model.state_dict().items())


# --- generation --------------------------------------------------------------------------------------------

def greedy_without_cache(model, input_ids, mask, steps):
    """Argmax of a full forward pass per step, end-of-sequence barred as min_new_tokens does."""
    decoded, logits = torch.full((2, 1), model.config.decoder_start_token_id), []
    for _ in range(steps):
        step = model(input_ids=input_ids, attention_mask=mask, decoder_input_ids=decoded, use_cache=False).logits[:, -1]
        logits.append(step)
        allowed = step.index_fill(-1, torch.tensor([model.config.eos_token_id]), float("-inf"))
        decoded = torch.cat([decoded, allowed.argmax(-1, keepdim=True)], dim=1)
    return decoded, torch.stack(logits, 1)


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
@pytest.mark.parametrize("kind", ["bart", "t5"])
def test_cached_generate_equals_full_forward_greedy(kind, attn):
    model, _, _ = prefixed(kind, attn)
    input_ids, mask = source_batch()
    with torch.no_grad():
        out = model.generate(input_ids=input_ids, attention_mask=mask, max_new_tokens=8, min_new_tokens=8,
                             do_sample=False, num_beams=1, output_logits=True, return_dict_in_generate=True)
        expected, logits = greedy_without_cache(model, input_ids, mask, 8)
        assert torch.equal(out.sequences, expected)
        assert torch.allclose(torch.stack(out.logits, 1), logits, atol=1e-4)
        set_prefixes(attention_modules(model), None)
        plain = model(input_ids=input_ids, attention_mask=mask, decoder_input_ids=expected[:, :-1]).logits
    assert not torch.allclose(plain, logits, atol=1e-2)  # the prefixes did change the model


@pytest.mark.parametrize("kind", ["bart", "t5"])
def test_beam_search_scores_match_a_full_forward(kind):
    """num_beams=3 reorders the cache (self and cross): each beam's score must be its log-probability recomputed
    without any cache, so the prefix was applied to every beam at every step."""
    model, _, _ = prefixed(kind)
    input_ids, mask = source_batch()
    with torch.no_grad():
        out = model.generate(input_ids=input_ids, attention_mask=mask, max_new_tokens=8, min_new_tokens=8,
                             do_sample=False, num_beams=3, num_return_sequences=3, length_penalty=0.0,
                             output_scores=True, return_dict_in_generate=True)
        seqs = out.sequences  # (2 * 3, 9)
        assert seqs.shape == (6, 9) and seqs.min() >= 0 and seqs.max() < 100
        assert (seqs[:, 0] == model.config.decoder_start_token_id).all()
        rows = torch.arange(2).repeat_interleave(3)
        logits = model(input_ids=input_ids[rows], attention_mask=mask[rows], decoder_input_ids=seqs[:, :-1]).logits
        recomputed = logits.log_softmax(-1).gather(-1, seqs[:, 1:, None]).squeeze(-1).sum(-1)
    assert torch.allclose(out.sequences_scores, recomputed, atol=1e-4)


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_decoder_only_full_forward_equals_stepwise_decoding(attn):
    """Mask None (sdpa skips it for a plain causal prompt): the prefixed keys must keep causal alignment."""
    model, _, _ = prefixed("llama", attn)
    input_ids = torch.tensor([[5, 17, 3, 42, 8, 23]])
    with torch.no_grad():
        full = model(input_ids=input_ids, use_cache=False).logits
        cached = model(input_ids=input_ids[:, :2], use_cache=True)
        steps, cache = [cached.logits], cached.past_key_values
        for t in range(2, 6):
            out = model(input_ids=input_ids[:, t:t + 1], past_key_values=cache, use_cache=True)
            steps.append(out.logits)
            cache = out.past_key_values
        assert cache.get_seq_length() == 6  # the prefix never enters the cache
    assert torch.allclose(full, torch.cat(steps, 1), atol=1e-5)
