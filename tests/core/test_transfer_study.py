"""core/transfer_study.py on tiny random backbones: pair rules, zero-shot evaluation, convergence
speed-up, prompt similarity (cosine, activated-neuron overlap), Spearman, PPT pre-training data."""
import dataclasses
import math
import shutil

import pytest
import torch
import yaml
from safetensors.torch import load_file

from core import transfer_study as ts
from core.backbones import load_backbone
from core.config import RunConfig
from core.data import DataError, load_task
from core.methods import MethodError
from core.runs import RunRecorder, RunStore
from core.setup import prepare
from core.train import train
from tests.conftest import tiny_task

FAST = dict(backbone="tiny-encoder", method="prompt-tuning", prompt_length=4, max_train_examples=32,
            max_eval_examples=16, batch_size=8, max_steps=4, eval_every=2, seed=0)


def train_run(out, **fields):
    """A finished run folder, as the CLI writes it (resolved config, metrics, trained parameters)."""
    config = RunConfig(**{**FAST, "task": "sentiment", "out": str(out), **fields})
    prepared = prepare(config)
    run = RunStore(out).create(prepared.setup.config, status="running")
    final = train(config, RunRecorder(run), show_progress=False, prepared=prepared)
    return run.path, final


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    sentiment, final = train_run(out)
    other, _ = train_run(out, prompt_init="vocab")  # same backbone (seed), another prompt
    nli, _ = train_run(out, task="nli")
    return {"out": out, "sentiment": sentiment, "final": final, "other": other, "nli": nli}


# -- 1. pair rules ---------------------------------------------------------------------------------

def test_pairs_qualify_by_family_label_set_and_head():
    qualified, refused = ts.transfer_pairs(["sentiment", "nli", "ner", "qa"], ["sentiment", "nli", "srl", "qa-v2"],
                                           backbone="tiny-encoder", method="prompt-tuning")
    ok = {(s, t) for s, t, _ in qualified}
    assert ok == {("sentiment", "sentiment"), ("nli", "nli"), ("qa", "qa-v2")}
    why = {(s, t): reason for s, t, reason in refused}
    assert "label sets differ" in why[("sentiment", "nli")]
    assert "different families (tagging -> srl)" in why[("ner", "srl")]
    assert "span head has no label set" in dict(((s, t), r) for s, t, r in qualified)[("qa", "qa-v2")]


TINY = RunConfig(backbone="tiny-encoder", method="prompt-tuning")


def test_same_labels_in_another_order_or_tag_set_qualify():
    sentiment = load_task("sentiment")
    reviews = dataclasses.replace(sentiment, name="reviews", labels=["positive", "negative"])
    ok, why = ts.pair_rule(sentiment, reviews, TINY.replace(method="p-tuning-v2"))
    assert ok and "same label set" in why
    ner = tiny_task("tagging")
    assert ts.pair_rule(ner, dataclasses.replace(ner, name="news-2"), TINY)[0]
    fewer = dataclasses.replace(ner, name="people", labels=["O", "B-PER", "I-PER"])
    assert not ts.pair_rule(ner, fewer, TINY)[0]


def test_cloze_pairs_qualify_when_the_label_words_match():
    sentiment, toy = load_task("sentiment"), tiny_task("classification")  # both: terrible / great
    cloze = TINY.replace(method="p-tuning")
    ok, why = ts.pair_rule(sentiment, toy, cloze)
    assert ok and "great, terrible" in why
    # different words: refused even with the same label names
    other_words = dataclasses.replace(toy, templates=[{"name": "x", "template": "{text} It was {mask}.",
                                                       "verbalizer": {"negative": "bad", "positive": "good"}}])
    ok, why = ts.pair_rule(sentiment, other_words, cloze)
    assert not ok and "not all among the source's" in why
    # a subset of the source's words: Yes/No targets of a Yes/Maybe/No source
    nli = load_task("nli")
    yes_no = dataclasses.replace(nli, name="rte", labels=["entailment", "not_entailment"], templates=[
        {"name": "q", "template": "{text} Question: {text_b} {mask}",
         "verbalizer": {"entailment": "Yes", "not_entailment": "No"}}])
    assert ts.pair_rule(nli, yes_no, cloze)[0]
    assert not ts.pair_rule(yes_no, nli, cloze)[0]  # "Maybe" was never trained
    assert not ts.pair_rule(nli, yes_no, TINY)[0]  # a [CLS] head: label sets must match
    # a target the method cannot read at all: refused with the method's own reason
    unworded = dataclasses.replace(toy, name="no-words", templates=[])
    ok, why = ts.pair_rule(sentiment, unworded, cloze)
    assert not ok and "cannot be built for the target no-words" in why


# -- 2. zero-shot evaluation ----------------------------------------------------------------------

def test_zero_shot_on_its_own_task_is_its_own_dev_metric(runs):
    metrics = ts.evaluate_on(runs["sentiment"], "sentiment", max_examples=16)
    assert metrics == runs["final"]["dev"]


def test_zero_shot_matches_head_rows_by_label_name(runs):
    sentiment = load_task("sentiment")
    reordered = dataclasses.replace(sentiment, name="sentiment-reordered", labels=["positive", "negative"])
    s = ts.load_run(runs["sentiment"], reordered)
    assert s.task.labels == ["negative", "positive"]  # put in the source's order
    assert ts.evaluate_on(runs["sentiment"], reordered, 16) == runs["final"]["dev"]


def test_zero_shot_loads_the_prompt_and_the_head(runs):
    state = load_file(str(runs["sentiment"] / "trained.safetensors"))
    assert {"input_prompt.embedding", "head.classifier.weight"} <= set(state)
    s = ts.load_run(runs["sentiment"], dataclasses.replace(load_task("sentiment"), name="reviews"))
    own = dict(s.model.named_parameters())
    assert all(torch.equal(own[name].detach(), value) for name, value in state.items())


def test_zero_shot_refuses_a_head_or_prompt_that_does_not_fit(runs, tmp_path):
    with pytest.raises(MethodError, match="label sets differ"):
        ts.evaluate_on(runs["sentiment"], "nli")
    # a damaged folder: its config says 8 prompt vectors, its weights hold 4
    bad = tmp_path / "bad"
    shutil.copytree(runs["sentiment"], bad)
    config = yaml.safe_load((bad / "config.yaml").read_text())
    (bad / "config.yaml").write_text(yaml.safe_dump({**config, "prompt_length": 8}))
    with pytest.raises(MethodError, match=r"prompt 'input_prompt.embedding' has shape \(4, 32\), this model needs "
                                          r"\(8, 32\)"):
        ts.evaluate_on(bad, "sentiment")
    # a head for three labels where two are needed
    s = ts.load_run(runs["sentiment"])
    state = s.model.trainable_state_dict()
    state["head.classifier.weight"] = torch.zeros(3, 32)
    with pytest.raises(MethodError, match="head 'head.classifier.weight' has shape \\(3, 32\\)"):
        ts.check_state_fits(s.model, state)
    with pytest.raises(MethodError, match="it lacks head.classifier.bias"):
        ts.check_state_fits(s.model, {k: v for k, v in state.items() if k != "head.classifier.bias"})
    with pytest.raises(MethodError, match="no trained.safetensors"):
        ts.evaluate_on(tmp_path, "sentiment")


def test_transfer_matrix_fills_the_diagonal_and_names_refusals(runs):
    matrix = ts.transfer_matrix({"sentiment": runs["sentiment"], "nli": runs["nli"]}, max_examples=16)
    assert matrix["relative"]["sentiment"] == {"sentiment": 1.0, "nli": None}
    assert matrix["absolute"]["sentiment"]["sentiment"] == runs["final"]["dev"]["accuracy"]
    assert "label sets differ" in matrix["refused"]["nli"]["sentiment"]


def test_relative_scores_divide_by_the_targets_own():
    scores = {("a", "b"): 0.6, ("b", "b"): 0.8, ("c", "b"): None, ("a", "z"): 0.5}  # 0.6 / 0.8 = 0.75
    assert ts.relative_matrix(scores, {"b": 0.8, "z": 0.0}) == {("a", "b"): pytest.approx(0.75), ("b", "b"): 1.0,
                                                                ("c", "b"): None, ("a", "z"): None}


# -- 3. transfer as initialisation ------------------------------------------------------------------

def rows(curve):
    """metrics.jsonl rows: a row without a dev metric (a step between evaluations), then the evaluations."""
    return [{"step": 1, "loss": 1.0}] + [{"step": s, "loss": 0.5, "dev_accuracy": v} for s, v in curve]


def test_convergence_speedup_arithmetic():
    scratch = rows([(10, 0.5), (20, 0.7), (30, 0.85), (40, 0.9), (50, 1.0)])
    fast = rows([(10, 0.8), (20, 0.95), (30, 0.97)])
    # 90% of scratch's best (1.0) = 0.9: scratch at step 40, initialised at step 20 -> 2x
    assert ts.steps_to_reach(scratch, "accuracy", 0.9) == 40
    assert ts.convergence_speedup(scratch, fast, "accuracy") == 2.0
    assert ts.convergence_speedup(scratch, fast, "dev_accuracy", share=0.5) == 1.0
    assert ts.convergence_speedup(scratch, rows([(10, 0.3), (20, 0.6)]), "accuracy") is None  # never reached
    assert ts.convergence_speedup(scratch, rows([(0, 0.95)]), "accuracy") == math.inf
    with pytest.raises(ValueError, match="no dev_accuracy"):
        ts.convergence_speedup([{"step": 1, "loss": 1.0}], fast, "accuracy")
    summary = ts.init_comparison(scratch, fast, "accuracy")
    assert summary["scratch"] == {"best": 1.0, "best_step": 50, "final": 1.0, "final_step": 50}
    assert summary["initialised"]["best"] == 0.97 and summary["gain"] == pytest.approx(-0.03)


def test_metrics_rows_are_read_from_the_run_folder(runs):
    read = ts.read_metrics(runs["sentiment"])
    assert [r["step"] for r in read] == [1, 2, 3, 4]
    assert ts.best_and_final(read, "accuracy")["best"] == runs["final"]["best_metric"]


# -- 4. similarity -----------------------------------------------------------------------------------

def test_prompt_cosine_is_one_for_the_same_prompt_and_lower_for_another(runs):
    assert ts.prompt_cosine(runs["sentiment"], runs["sentiment"]) == pytest.approx(1.0, abs=1e-6)
    assert ts.prompt_cosine(runs["sentiment"], runs["other"]) < 0.999


def test_prompt_vector_averages_what_the_backbone_sees():
    from core.methods.deep_prompt import DeepPrompt
    from core.methods.p_tuning import PromptEncoder
    torch.manual_seed(0)
    deep = DeepPrompt(5, layers=2, kv_heads=2, head_dim=4, hidden=8, reparameterize=True, dropout=0.0, init_std=1)
    state = {f"deep_prompt.{k}": v for k, v in deep.state_dict().items()}
    with torch.no_grad():
        expected = deep.key_values().mean(2).flatten()  # (L*2, kv, n, hd) -> per layer over tokens -> flat
    assert torch.allclose(ts.prompt_vector(state), expected, atol=1e-6)
    encoder = PromptEncoder(3, 8, "lstm")
    state = {f"token_prompt.{k}": v for k, v in encoder.state_dict().items()}
    with torch.no_grad():
        expected = encoder.prompts().mean(1).flatten()
    assert torch.allclose(ts.prompt_vector(state, RunConfig(prompt_length=3)), expected, atol=1e-6)
    with pytest.raises(MethodError, match="no soft prompt"):
        ts.prompt_vector({"head.classifier.weight": torch.zeros(2, 8)})


def test_ffn_activation_modules_are_found_on_bert_and_llama():
    for name, suffix in (("tiny-encoder", "intermediate.intermediate_act_fn"), ("tiny-decoder", "mlp.act_fn")):
        backbone = load_backbone(name, weights=False)
        found = ts.ffn_activations(backbone.model)
        assert len(found) == backbone.num_layers and all(n.endswith(suffix) for n, _ in found)


def test_neuron_overlap_same_prompt_one_other_prompt_lower_hooks_removed(runs):
    same = ts.on_similarity(runs["sentiment"], runs["sentiment"], top=0.2)
    assert same["overlap"] == pytest.approx(1.0) and same["jaccard"] == pytest.approx(1.0)
    other = ts.on_similarity(runs["sentiment"], runs["other"], top=0.2)
    assert other["overlap"] < 1.0 and other["jaccard"] < other["overlap"] + 1e-9
    assert len(other["per_layer"]) == 2
    s = ts.load_run(runs["sentiment"])
    frequencies = ts.neuron_frequencies(s, s.task.dev[:8])
    assert frequencies.shape == (2, 64) and ((frequencies >= 0) & (frequencies <= 1)).all()
    assert all(not module._forward_hooks for _, module in ts.ffn_activations(s.model.backbone))
    chosen = ts.top_neurons(frequencies, 0.2)
    assert chosen.sum(1).tolist() == [13, 13]  # round(0.2 * 64) per layer
    for layer in range(2):  # the most frequently active neurons of each layer
        assert frequencies[layer][chosen[layer]].min() >= frequencies[layer][~chosen[layer]].max()


def test_overlap_rate_and_jaccard_by_hand():
    a = torch.tensor([[True, True, False, False]])
    b = torch.tensor([[True, False, True, False]])
    result = ts.neuron_overlap(a, b)
    assert result["overlap"] == pytest.approx(0.5) and result["jaccard"] == pytest.approx(1 / 3)


def test_spearman_over_pairs():
    similarity = {("a", "b"): 0.1, ("a", "c"): 0.5, ("b", "c"): 0.9, ("c", "a"): 0.3}
    assert ts.rank_correlation(similarity, {("a", "b"): 1, ("a", "c"): 4, ("b", "c"): 9, ("c", "a"): 2})["rho"] == 1.0
    result = ts.rank_correlation(similarity, {("a", "b"): 9, ("a", "c"): 3, ("b", "c"): 1, ("c", "a"): 5})
    assert result["rho"] == pytest.approx(-1.0) and result["pairs"] == 4
    assert ts.rank_correlation(similarity, {k: 1.0 for k in similarity})["rho"] is None
    with pytest.raises(ValueError, match="at least 3 pairs"):
        ts.rank_correlation(similarity, {("a", "b"): 1, ("zz", "q"): 2})


# -- 5. PPT-style pre-training ----------------------------------------------------------------------

def test_next_sentence_pairs_are_balanced_and_adjacent():
    texts = ts.task_texts(load_task("qa"))
    task = ts.pretraining_task(texts, n=200, seed=1)
    examples = task.train + task.dev
    labels = [e["label"] for e in examples]
    assert labels.count("next") == labels.count("random") == 100 and task.labels == ["next", "random"]
    assert {e["label"] for e in task.dev} == {"next", "random"}
    docs = [ts.sentences(t) for t in texts]
    follows = {(d[i], d[i + 1]) for d in docs for i in range(len(d) - 1)}
    assert all((e["text"], e["text_b"]) in follows for e in examples if e["label"] == "next")
    home = {s: i for i, d in enumerate(docs) for s in d}
    assert all(home[e["text"]] != home[e["text_b"]] for e in examples if e["label"] == "random")
    assert ts.pretraining_task(texts, n=200, seed=1).train == task.train  # seeded


def test_shuffled_variant_and_refusals():
    text = ("The cat sat on the warm mat today. A dog ran across the big field fast. "
            "Birds sang in the tall old tree. We walked home along the quiet river.")
    task = ts.pretraining_task([text], kind="shuffled", n=4)
    examples = task.train + task.dev
    assert sorted(e["label"] for e in examples) == ["original", "original", "shuffled", "shuffled"]
    written = ts.sentences(text)
    for e in examples:  # an original is a sentence as written; a shuffled one has its words, not its order
        if e["label"] == "original":
            assert e["text"] in written
        else:
            assert e["text"] not in written and any(sorted(e["text"].split()) == sorted(w.split()) for w in written)
    with pytest.raises(DataError, match="two or more sentences"):
        ts.pretraining_task(["One sentence only here.", "Another single one."], n=10)
    with pytest.raises(ValueError, match="kind must be one of"):
        ts.pretraining_task(["a. b."], kind="cloze")


def test_ppt_prompt_pretrains_then_initialises_a_32_example_target(tmp_path):
    task = ts.pretraining_task(ts.task_texts(load_task("qa")), n=64, seed=0)
    folder = ts.save_task(task, tmp_path / "pretrain-nsp")
    assert load_task(folder).labels == ["next", "random"]  # repeatable from the run's config
    source, final = train_run(tmp_path / "runs", task=folder, max_steps=6, eval_every=3)
    assert final["steps"] == 6 and "accuracy" in final["dev"]
    trained = load_file(str(source / "trained.safetensors"))["input_prompt.embedding"]
    target = RunConfig(**{**FAST, "task": "sentiment", "max_train_examples": 32, "max_steps": 2,
                          "init_from": [str(source)], "out": str(tmp_path / "runs")})
    prepared = prepare(target)
    assert len(prepared.train_examples) == 32
    assert torch.equal(prepared.setup.model.input_prompt.embedding.detach(), trained)  # step 0: the PPT prompt
    train(target, show_progress=False, prepared=prepared)
    assert not torch.equal(prepared.setup.model.input_prompt.embedding.detach(), trained)  # then it trains
