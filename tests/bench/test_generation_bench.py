"""Tests for bench/generation.py: its three tables run end to end on the tiny random decoder for one
step each (so the benchmark cannot rot), and its budget rules give every method the same budget."""
from __future__ import annotations

import json

import pytest

from bench import generation

TINY = ["--backbone", "tiny-decoder", "--second-backbone", "", "--presets", "table-to-text", "summarization",
        "--methods", "fine-tuning", "prefix-tuning", "bitfit", "--steps", "1", "--lowdata-steps", "1",
        "--sizes", "2", "--eval", "2", "--batch-size", "2", "--train", "3", "--max-new-tokens", "4", "--in-process"]


@pytest.fixture(autouse=True)
def fresh_runs():
    generation._DONE.clear()  # runs are remembered per config within one benchmark
    yield
    generation._DONE.clear()


def test_budget_is_the_same_for_every_method():
    args = generation.parse(["--steps", "7", "--batch-size", "4", "--eval", "10"])
    configs = [generation.config_for(args, "table-to-text", m, "smollm2-135m", 1) for m in generation.METHODS]
    assert {(c["max_steps"], c["batch_size"], c["max_eval_examples"]) for c in configs} == {(7, 4, 10)}
    assert all("lr" not in c and "epochs" not in c for c in configs)  # each method's preset lr and prompt
    lowdata = generation.config_for(args, "table-to-text", "fine-tuning", "smollm2-135m", 1, n_train=50, lowdata=True)
    assert (lowdata["max_steps"], lowdata["max_train_examples"]) == (args.lowdata_steps, 50)


def test_epoch_budgets_for_the_paper_like_setting():
    args = generation.parse(["--epochs", "3", "--lowdata-epochs", "10", "--eval", "0"])
    config = generation.config_for(args, "summarization", "prefix-tuning", "gemma3-270m", 2)
    assert config["epochs"] == 3 and "max_steps" not in config and config["max_eval_examples"] is None
    assert generation.config_for(args, "table-to-text", "lora", "x", 1, n_train=100, lowdata=True)["epochs"] == 10
    preset = generation.config_for(generation.parse(["--preset-epochs"]), "table-to-text", "lora", "x", 1)
    assert "epochs" not in preset and "max_steps" not in preset  # the method's own preset epochs
    assert "each method's preset epochs" in generation.budget_text(generation.parse(["--preset-epochs"]))


def test_unknown_mode_is_refused():
    with pytest.raises(SystemExit):
        generation.parse(["method"])


def test_every_table_on_the_tiny_decoder(tmp_path, capsys):
    path = tmp_path / "figures.json"
    results = generation.main([*TINY, "--json", str(path)])
    printed = capsys.readouterr().out
    for title in ("## Methods: 1 optimizer steps for every method, batch 2", "## Low data: table-to-text",
                  "## Extrapolation: table-to-text", "E2E BLEU 68.2", "XSum R-L 37.25", "fixed steps: 1 of batch 2"):
        assert title in printed
    assert printed.count("| tiny-decoder | bitfit | - | not run: MethodError") == 2  # a Llama has no biases
    assert "no bias terms" in printed

    assert json.loads(path.read_text())["settings"]["steps"] == 1
    trained = [r for r in results["methods"] if "error" not in r]
    assert {(r["preset"], r["method"]) for r in trained} == \
        {(p, m) for p in ("table-to-text", "summarization") for m in ("fine-tuning", "prefix-tuning")}
    for r in trained:
        assert r["steps"] == 1 and r["dev_inputs"] == 2 and r["seconds_per_step"] > 0
        assert all(0 <= r[k] <= 1 for k in ("bleu", "rouge1", "rouge2", "rougeL"))
        assert (r["unseen_bleu"] is None) == (r["preset"] == "summarization")  # only table-to-text has it
        assert r["samples"] and {"input", "generated"} <= set(r["samples"][0])
    ft = next(r for r in trained if (r["preset"], r["method"]) == ("table-to-text", "fine-tuning"))
    prefix = next(r for r in trained if (r["preset"], r["method"]) == ("table-to-text", "prefix-tuning"))
    assert ft["share"].startswith("100.0%") and not prefix["share"].startswith("100.0%")

    low = results["lowdata"]
    assert [(r["train_inputs"], r["method"]) for r in low] == [(2, "fine-tuning"), (2, "prefix-tuning")]
    assert low[0]["train_features"] > 2  # each reference is one feature
    assert low[0]["epochs_seen"] == pytest.approx(2 / low[0]["train_features"])
    # extrapolation trains nothing new: the methods table's runs of the same config are reused
    assert [{k: v for k, v in r.items() if k not in ("method", "seed")} for r in results["extrapolation"]] == \
        [{k: v for k, v in r.items() if k not in ("preset", "backbone", "method", "seed")} for r in (ft, prefix)]
