"""Tests for bench/probing.py: both tables run end to end on the tiny random decoder (a LAMA-like folder
written here, and the shipped `facts` preset) for one step each, and print the rows they should."""
from __future__ import annotations

import json

import pytest

from bench import probing
from core.data import load_task

# one-token objects on smollm2's tokenizer (the tiny decoder's); "Ouagadougou" is several tokens
FACTS = {"P17": [("Tissiri", "Benin"), ("Toppidrettssenteret", "Norway"), ("Lyon", "France"), ("Nice", "France"),
                 ("Kyoto", "Japan"), ("Bordeaux", "France")],
         "P19": [("Dante", "Florence"), ("Schubert", "Vienna"), ("Kafka", "Prague"), ("Joyce", "Dublin"),
                 ("Sankara", "Ouagadougou"), ("Goethe", "Frankfurt")]}
TEMPLATES = {"P17": ("[X] is located in [Y] .", "country"), "P19": ("[X] was born in [Y] .", "place of birth")}


def lama_runs_words(results) -> dict[str, int]:
    words = next(r for r in results["lama"] if r["method"] == "p-tuning")["top_words"]
    return {relation: sum(counts.values()) for relation, counts in words.items()}


@pytest.fixture(autouse=True)
def fresh_runs():
    probing._DONE.clear()
    yield
    probing._DONE.clear()


@pytest.fixture
def lama(tmp_path):
    """A LAMA-shaped folder: relations.jsonl + trex/<relation>/{train,dev}.jsonl (AutoPrompt's records)."""
    root = tmp_path / "lama"
    (root / "relations.jsonl").parent.mkdir()
    (root / "relations.jsonl").write_text("".join(
        json.dumps({"relation": r, "template": t, "label": label}) + "\n" for r, (t, label) in TEMPLATES.items()))
    for relation, facts in FACTS.items():
        folder = root / "trex" / relation
        folder.mkdir(parents=True)
        rows = [json.dumps({"sub_label": s, "obj_label": o}) + "\n" for s, o in facts]
        (folder / "train.jsonl").write_text("".join(rows))
        (folder / "dev.jsonl").write_text("".join(rows[1:]))  # 5 dev facts a relation
    return root


def test_lama_task_takes_the_first_training_facts_and_the_whole_dev_or_a_heldout_slice(lama):
    task = probing.lama_task(str(lama), ["P19", "P17"], 2)
    assert [e["subject"] for e in task.train] == ["Dante", "Schubert", "Tissiri", "Toppidrettssenteret"]
    assert len(task.dev) == 10 and task.labels == ["P17", "P19"]
    assert {t["relation"] for t in task.templates} == {"P17", "P19"}
    heldout = probing.lama_task(str(lama), ["P17"], 5, heldout=2)  # never the held-out facts in training
    assert [e["subject"] for e in heldout.train] == ["Tissiri", "Toppidrettssenteret", "Lyon", "Nice"]
    assert [e["subject"] for e in heldout.dev] == ["Kyoto", "Bordeaux"]
    with pytest.raises(ValueError, match="no relation P36"):
        probing.lama_task(str(lama), ["P36"], 2)


def test_budget_manual_prompt_is_zero_shot_and_overrides_reach_the_trained_runs():
    args = probing.parse(["--epochs", "2", "--lr", "3e-2", "--batch-size", "8"])
    assert probing.config_for(args, "lama", "x", "manual-prompt") == \
        {"task": "lama", "backbone": "x", "method": "manual-prompt", "seed": 42, "epochs": 0}
    trained = probing.config_for(args, "lama", "x", "p-tuning")
    assert (trained["epochs"], trained["lr"], trained["batch_size"]) == (2, 3e-2, 8)
    default = probing.config_for(probing.parse([]), "lama", "x", "prompt-tuning")
    assert default["epochs"] == 3 and "lr" not in default  # the presets' rate
    preset = probing.config_for(probing.parse(["--preset-epochs"]), "facts", "x", "p-tuning")
    assert "epochs" not in preset and "lr" not in preset  # facts.yaml's own
    quick = probing.parse(["--quick"])
    assert quick.backbones == ["tiny-decoder"] and quick.max_steps == 1 and quick.relations == ["P17", "P19"]
    with pytest.raises(SystemExit):
        probing.parse(["lamma"])


def test_both_tables_on_the_tiny_decoder(lama, tmp_path, capsys):
    path = tmp_path / "figures.json"
    results = probing.main(["--quick", "--lama", str(lama), "--in-process", "--json", str(path)])
    printed = capsys.readouterr().out

    # lama: a row per relation with its template and kept / dropped, the macro row, a row per method
    assert "## LAMA T-REx, tiny-decoder: P@1 per relation; trained on the first 4 training facts" in printed
    assert "| relation | label | LAMA template | train kept | dev kept / dropped | manual-prompt | p-tuning | " \
           "prompt-tuning |" in printed
    assert "| P17 | country | [X] is located in [Y] . | 4 | 5 / 0 |" in printed
    assert "| P19 | place of birth | [X] was born in [Y] . | 4 | 4 / 1 |" in printed  # Ouagadougou dropped
    assert printed.count(" | 60.0 |\n") == 1  # P17's train-majority: France, 3 of its 5 dev facts
    assert "dev facts dropped: 1 object is not one token" in printed
    assert "| **macro** |" in printed
    for method in probing.METHODS:
        assert f"\n| {method} | " in printed
    assert "most frequent top-1 word per relation" in printed
    assert lama_runs_words(results) == {"P17": 5, "P19": 4}  # every scored dev fact has a top-1 word
    assert "BERT-base 31.1 -> 48.3" in printed and "PAPER" in printed
    lama_runs = {r["method"]: r for r in results["lama"]}
    assert lama_runs["manual-prompt"]["steps"] == 0 and lama_runs["p-tuning"]["steps"] == 1
    assert lama_runs["p-tuning"]["train_facts"] == 8 and lama_runs["p-tuning"]["dev_facts"] == 9
    assert lama_runs["prompt-tuning"]["prompt_length"] == probing.LAMA_PROMPT_LENGTH
    assert all(0 <= r["dev"]["p@1"] <= 1 for r in lama_runs.values())

    assert results["lama"][0]["majority"] == {"P17": 0.6, "P19": 0.0}  # P19: Florence, never in its dev

    # templates: every template of every relation of the facts preset, its spread, and p-tuning beside them
    facts = load_task("facts")
    assert "## Template sensitivity: preset 'facts', tiny-decoder" in printed
    for template in facts.templates:
        assert f"| {template['relation']} | " in printed and f" | {template['template']} | " in printed
    for relation in facts.labels:
        assert f"| {relation} | **spread** | max - min over its templates |" in printed
        assert f"| {relation} | **p-tuning** | " in printed and f"| {relation} | train-majority | " in printed
    counts = [sum(t["relation"] == r for t in facts.templates) for r in facts.labels]
    zero = [r for r in results["templates"] if r["method"] == "manual-prompt"]
    assert [r["template"] for r in zero] == list(range(max(counts)))
    assert printed.count("| **macro** | ") == 1 + max(counts)  # the lama table's, then one a template index
    assert "Mean spread over relations" in printed and "31.3" in printed
    assert json.loads(path.read_text())["settings"]["max_steps"] == 1
