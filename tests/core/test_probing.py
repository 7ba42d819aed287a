"""Knowledge probing (core/tasks/probing.py, core/data/lama.py): facts, templates on encoders and
decoders, the whole-vocabulary head, P@1/P@10/MRR per relation, kept/dropped facts, LAMA's layout,
P-tuning's per-relation prompts, and that methods learn facts."""
import json
from types import SimpleNamespace

import pytest
import torch

from core.config import RunConfig
from core.data import load_task
from core.data.build import make_task
from core.data.errors import DataError
from core.methods import MethodError, check_backbone_kind
from core.setup import prepare, setup
from core.tasks import get_family
from core.tasks.cloze import TemplateError
from core.tasks.probing import fact_example, per_relation, rank_metrics, to_cloze
from core.train import train

FACTS = [("France", "capital", "Paris"), ("Germany", "capital", "Berlin"), ("Spain", "capital", "Madrid"),
         ("Italy", "capital", "Rome"), ("Paris", "country", "France"), ("Berlin", "country", "Germany"),
         ("Madrid", "country", "Spain"), ("Rome", "country", "Italy")]
TEMPLATES = [{"name": "capital-1", "relation": "capital", "template": "The capital of [X] is [Y] ."},
             {"name": "capital-2", "relation": "capital", "template": "The seat of [X] is [Y] ."},
             {"name": "country-1", "relation": "country", "template": "[X] is a city in [Y] , a country ."},
             {"name": "country-2", "relation": "country", "template": "[X] is a town in [Y] ."}]


def facts_task(facts=FACTS, dev=None, templates=TEMPLATES):
    rows = [(f"line {i}", fact_example({"subject": s, "relation": r, "object": o}, f"line {i}", str(i)))
            for i, (s, r, o) in enumerate(facts)]
    dev_rows = rows if dev is None else [(f"dev {i}", fact_example(
        {"subject": s, "relation": r, "object": o}, f"dev {i}", str(i))) for i, (s, r, o) in enumerate(dev)]
    return make_task("toy-facts", "probing", rows, dev_rows, templates=templates)


def config(method="manual-prompt", backbone="tiny-decoder", **kw):
    kw = {"epochs": 0 if method == "manual-prompt" else 1, "batch_size": 4, **kw}
    return RunConfig(task="toy-facts", backbone=backbone, method=method, **kw)


# -- records -----------------------------------------------------------------------------------------
def test_reader_takes_the_labs_autoprompts_and_lamas_records():
    lab = fact_example({"subject": "France", "relation": "capital", "object": "Paris"}, "l1", "0")
    assert lab == {"id": "0", "subject": "France", "relation": "capital", "object": "Paris"}
    auto = fact_example({"sub_label": "Tissiri", "obj_label": "Benin", "predicate_id": "P17"}, "l2", "1")
    assert (auto["subject"], auto["relation"], auto["object"]) == ("Tissiri", "P17", "Benin")
    lama = fact_example({"sub_label": "Dante", "obj_label": "Florence", "predicate_id": "P19",
                         "masked_sentences": ["Dante was born in [MASK] in 1265 ."]}, "l3", "2")
    assert lama["template"] == "[X] was born in [Y] in 1265 ."
    assert "object" not in fact_example({"subject": "Peru", "relation": "capital"}, "l4", "3")  # typed / test


@pytest.mark.parametrize("row,message", [
    ({"sub_label": "Tissiri", "obj_label": "Benin"}, "no relation"),
    ({"subject": " ", "relation": "capital", "object": "Paris"}, "'subject' must be non-empty"),
    ({"subject": "France", "relation": "capital", "object": 3}, "'object' must be non-empty text"),
])
def test_reader_names_the_line_and_what_is_wrong(row, message):
    with pytest.raises(DataError, match=f"train.jsonl line 7: .*{message}"):
        fact_example(row, "train.jsonl line 7")


def test_a_file_of_facts_is_read_as_probing(tmp_path):
    path = tmp_path / "facts.jsonl"
    path.write_text("".join(json.dumps({"subject": s, "relation": r, "object": o}) + "\n" for s, r, o in FACTS * 2))
    task = load_task(str(path))
    assert task.family == "probing" and task.labels == ["capital", "country"]


# -- templates ---------------------------------------------------------------------------------------
def test_templates_are_cut_at_the_object_for_decoders_and_say_so():
    assert to_cloze("[X] is located in [Y] .", "encoder") == ("{text} is located in {mask} .", "")
    assert to_cloze("[X] is located in [Y] .", "decoder") == ("{text} is located in {mask}", "")
    text, note = to_cloze("[X] is a [Y] by profession .", "decoder")
    assert text == "{text} is a {mask}" and "cut after [Y]" in note
    with pytest.raises(TemplateError, match="object comes before the subject"):
        to_cloze("[Y] is the capital of [X] .", "decoder")
    assert to_cloze("[Y] is the capital of [X] .", "encoder")[0] == "{mask} is the capital of {text} ."


def test_a_template_index_picks_each_relations_own_template():
    task = facts_task()
    for index, expected in ((0, ["The capital of", "is a city in"]), (1, ["The seat of", "is a town in"])):
        s = setup(config(template=index), task=task, weights=False)
        assert [w in s.model.cloze.template_of(r) for w, r in zip(expected, ["capital", "country"])] == [True, True]


def test_rewrites_and_drops_are_reported_per_relation_and_split():
    facts = FACTS + [("Burkina Faso", "capital", "Ouagadougou")]  # several tokens on every tokenizer
    p = prepare(config(), task=facts_task(facts))
    report = p.data_report
    assert report["capital"]["train"] == {"kept": 4, "dropped": {"object is not one token": 1}}
    assert report["country"]["train"]["kept"] == 4 and "cut after [Y]" in report["country"]["note"]
    assert len(p.train_features) == 8


def test_common_vocabulary_restricts_the_facts_scored():
    task = facts_task()
    task.object_vocabulary = frozenset({"Paris", "France", "Berlin"})
    p = prepare(config(), task=task)
    assert len(p.dev_features) == 3
    final = train(config(), task=task, prepared=p, show_progress=False)
    assert final["dev"]["kept/capital"] == 2 and final["dev"]["dropped/capital"] == 2
    assert final["dev"]["kept/country"] == 1 and final["dev"]["dropped/country"] == 3


def test_nothing_to_score_is_refused_with_why():
    with pytest.raises(Exception, match="object is not one token"):
        prepare(config(), task=facts_task([("Burkina Faso", "capital", "Ouagadougou")] * 2))


# -- the head and the metrics ------------------------------------------------------------------------
@pytest.mark.parametrize("backbone", ["tiny-encoder", "tiny-decoder"])
def test_the_head_ranks_the_whole_vocabulary_at_the_object_slot(backbone):
    p = prepare(config(backbone=backbone), task=facts_task())
    s = p.setup
    batch = {k: v for k, v in __import__("core.tasks", fromlist=["collate"]).collate(
        p.dev_features[:3], s.backbone.tokenizer.pad_token_id).items()}
    logits = s.model(batch)["logits"]
    assert logits.shape == (3, s.backbone.model.get_output_embeddings().weight.shape[0])
    if backbone == "tiny-encoder":
        assert all(f["input_ids"][f["mask_pos"]] == s.backbone.tokenizer.mask_token_id for f in p.dev_features)
    else:  # the next token after the template's last word
        assert all(f["mask_pos"] == len(f["input_ids"]) - 1 for f in p.dev_features)


def test_rank_metrics_are_precision_at_k_and_mean_reciprocal_rank():
    assert rank_metrics([1, 2, 11, 1]) == {"p@1": 0.5, "p@10": 0.75, "mrr": pytest.approx((1 + .5 + 1 / 11 + 1) / 4)}
    assert rank_metrics([]) == {"p@1": 0.0, "p@10": 0.0, "mrr": 0.0}


def test_metrics_are_macro_over_relations_with_kept_and_dropped():
    family = get_family("probing")
    examples = [{"relation": "a"}] * 3 + [{"relation": "b"}] * 2
    predictions = [{"rank": 1}, {"rank": 1}, {"rank": 5}, {"rank": 2}, {"rank": None, "dropped": True}]
    metrics = family.compute_metrics(None, predictions, examples)
    assert metrics["p@1/a"] == pytest.approx(2 / 3) and metrics["p@1/b"] == 0.0
    assert metrics["p@1"] == pytest.approx(1 / 3)  # macro: (2/3 + 0) / 2
    assert metrics["p@1_micro"] == pytest.approx(2 / 4)
    assert (metrics["kept/b"], metrics["dropped/b"]) == (1.0, 1.0)
    assert [row["relation"] for row in per_relation(metrics)] == ["a", "b"]


def test_minilm_without_an_lm_head_is_refused_for_probing():
    with pytest.raises(MethodError, match="no pretrained language-model head"):
        check_backbone_kind("probing", SimpleNamespace(name="minilm-l6", kind="encoder", lm_head_pretrained=False))


# -- methods -----------------------------------------------------------------------------------------
def test_p_tuning_trains_one_prompt_per_relation_and_nothing_else():
    task = facts_task()
    p = prepare(config("p-tuning", prompt_length=4), task=task)
    model = p.setup.model
    assert model.token_prompt.groups == 2
    assert {n for n, q in model.named_parameters() if q.requires_grad} == {
        n for n, _ in model.named_parameters() if n.startswith("token_prompt.")}
    prompts = model.token_prompt.prompts()
    assert prompts.shape[:2] == (2, 4) and not torch.allclose(prompts[0], prompts[1])
    # a batch of one relation's facts only reaches that relation's prompt inputs
    from core.tasks import collate
    batch = collate([f for f in p.train_features if f["prompt_group"] == 1], p.setup.backbone.tokenizer.pad_token_id)
    p.setup.family.loss(model(batch), batch).backward()
    grad = model.token_prompt.inputs.weight.grad.view(2, 4, -1)
    assert grad[0].abs().sum() == 0 and grad[1].abs().sum() > 0


def test_p_tuning_learns_what_each_relation_asks_from_its_prompt_alone():
    """The same template for both relations: only the per-relation prompt can tell them apart."""
    facts = [(s, "capital", "Paris") for s in ("France", "Peru", "Chad")] + \
            [(s, "country", "Spain") for s in ("Lyon", "Lima", "Nice")]
    task = facts_task(facts, templates=[])
    run = config("p-tuning", prompt_length=4, ptuning_template="{prompt} {text} {prompt} {mask}", lr=5e-2,
                 max_steps=40, batch_size=6, dropout=0.0, warmup_ratio=0.0, eval_every=40, weight_decay=0.0)
    final = train(run, task=task, show_progress=False)
    assert final["dev"]["p@1/capital"] == 1.0 and final["dev"]["p@1/country"] == 1.0


def test_fine_tuning_overfits_a_few_facts():
    run = config("fine-tuning", lr=1e-2, max_steps=60, batch_size=8, dropout=0.0, warmup_ratio=0.0,
                 eval_every=40, weight_decay=0.0)
    before = train(config(), task=facts_task(), show_progress=False)["dev"]["p@1"]
    final = train(run, task=facts_task(), show_progress=False)
    assert before < 0.5 and final["dev"]["p@1"] == 1.0


def test_zero_shot_manual_prompt_changes_nothing_and_names_the_top_words():
    s = setup(config(), task=facts_task())
    before = {n: q.clone() for n, q in s.model.state_dict().items()}
    final = train(config(), task=facts_task(), show_progress=False)
    assert final["steps"] == 0 and 0 < final["dev"]["mrr"] < 1
    assert all(torch.equal(before[n], q) for n, q in s.model.state_dict().items())


# -- LAMA's layout -----------------------------------------------------------------------------------
def lama_folder(root, vocab=None):
    root.mkdir()
    (root / "relations.jsonl").write_text(
        json.dumps({"relation": "P36", "template": "The capital of [X] is [Y] .", "label": "capital"}) + "\n"
        + json.dumps({"relation": "P17", "template": "[X] is located in [Y] .", "label": "country"}) + "\n")
    for relation, facts in (("P36", FACTS[:4]), ("P17", FACTS[4:])):
        folder = root / "trex" / relation
        folder.mkdir(parents=True)
        for split in ("train", "dev"):
            (folder / f"{split}.jsonl").write_text("".join(
                json.dumps({"sub_label": s, "obj_label": o, "sub_uri": "Q1", "obj_uri": "Q2"}) + "\n"
                for s, _, o in facts))
    if vocab:
        (root / "common_vocab_cased.txt").write_text("\n".join(vocab) + "\n")
    return root


def test_lama_folder_reads_every_relation_with_its_template(tmp_path):
    task = load_task(str(lama_folder(tmp_path / "lama", vocab=["Paris", "France"])))
    assert task.family == "probing" and task.labels == ["P17", "P36"] and len(task.train) == 8
    assert {t["relation"]: t["template"] for t in task.templates}["P17"] == "[X] is located in [Y] ."
    assert task.object_vocabulary == {"Paris", "France"} and "common vocabulary" in task.description
    one = load_task(str(tmp_path / "lama" / "trex" / "P17"))
    assert one.labels == ["P17"] and len(one.dev) == 4 and one.templates[0]["label"] == "country"


def test_lama_folder_errors_name_the_file_and_line(tmp_path):
    root = lama_folder(tmp_path / "lama")
    with (root / "trex" / "P17" / "dev.jsonl").open("a") as f:
        f.write("not json\n")
    with pytest.raises(DataError, match=r"P17/dev.jsonl line 5: not JSON"):
        load_task(str(root))
