"""bench/srl.py end to end on the tiny random encoder, one step per method (so the benchmark cannot rot),
on a small srl folder; its budget flags reach the runs' configs."""
from __future__ import annotations

import json

from bench import srl
from tests.conftest import tiny_task
from tests.core.test_data import jsonl, write


def test_budget_flags_reach_every_config():
    assert "epochs" not in srl.config_for(srl.parse([]), "lora")  # the preset's own epochs
    assert srl.config_for(srl.parse(["--epochs", "2"]), "lora")["epochs"] == 2
    steps = srl.config_for(srl.parse(["--max-steps", "7", "--batch-size", "4"]), "bitfit")
    assert (steps["max_steps"], steps["batch_size"], steps["task"], steps["backbone"]) == (7, 4, "srl", "minilm-l6")


def test_table_on_the_tiny_encoder(tmp_path, capsys):
    task = tiny_task("srl")
    write(tmp_path, "train.jsonl", jsonl(task.train))
    write(tmp_path, "dev.jsonl", jsonl(task.dev))
    out = srl.main(["--backbone", "tiny-encoder", "--task", str(tmp_path), "--methods", "fine-tuning",
                    "p-tuning-v2", "--max-steps", "1", "--in-process", "--json", str(tmp_path / "srl.json")])
    printed = capsys.readouterr().out
    assert "## SRL (" in printed and "8 train / 4 dev predicates), tiny-encoder, 1 steps" in printed
    assert printed.count("| fine-tuning | 5e-05 | 1 steps | 97.0% of 1.0M |") == 1  # a folder: the lab's defaults
    assert "| p-tuning-v2 |" in printed
    results = json.loads((tmp_path / "srl.json").read_text())["results"]
    assert [r["method"] for r in results] == ["fine-tuning", "p-tuning-v2"] == [r["method"] for r in out["results"]]
    for r in results:
        assert r["steps"] == 1 and 0 <= r["f1"] <= 1 and r["train_seconds"] > 0 and "V" not in r["per_type"]
