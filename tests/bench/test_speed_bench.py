"""Tests for bench/speed.py: every table runs end to end on the tiny random models for a step or two (so the
benchmark cannot rot), the GPU table's code path runs on the CPU, and its small formulas are right."""
from __future__ import annotations

import pytest

from bench import speed
from bench.shared_data import SHARED_DATA

TINY = ["--in-process", "--methods", "fine-tuning", "p-tuning-v2", "--backbones", "tiny-encoder",
        "--precision-steps", "2", "--eval-examples", "4", "--padding-backbones", "tiny-encoder",
        "--padding-methods", "fine-tuning", "--real-train", "24", "--real-dev", "8", "--real-steps", "3",
        "--memory-backbones", "tiny-decoder", "--memory-steps", "1", "--memory-batch", "2",
        "--gpu-backbone", "tiny-decoder", "--gpu-length", "16", "--gpu-steps", "1"]


def test_every_cpu_table_runs_and_reports_ratios(capsys):
    results = speed.main(TINY + ["--only", "precision", "memory", "gpu"])
    out = capsys.readouterr().out
    assert "n/a:" not in out, out
    assert [(r["method"], "error" in r["fp32"]) for r in results["precision"]] == [("fine-tuning", False),
                                                                                  ("p-tuning-v2", False)]
    assert all(r["bf16"]["mixed_precision"] == "bf16" and r["fp32"]["mixed_precision"] == "no"
               for r in results["precision"])
    memory = {r["method"]: r for r in results["memory"]}
    assert memory["fine-tuning"]["trainable"] > memory["p-tuning-v2"]["trainable"]
    assert all(r["peak_mb"] >= r["loaded_mb"] > 0 for r in memory.values())
    assert "## 4. GPU: skipped: no GPU" in out or "| fine-tuning |" in out.split("## 4.")[1]


@pytest.mark.skipif(not (SHARED_DATA / "sst2" / "train.tsv").is_file(), reason="no shared SST-2")
def test_padding_table_counts_real_tokens_before_and_after(capsys):
    rows = speed.main(TINY + ["--only", "padding"])["padding"]
    assert {(r["data"], r["method"]) for r in rows} == {("sst2", "fine-tuning"), ("conll2003", "fine-tuning")}
    for row in rows:
        assert 0 <= row["after"]["eval_pad_share"] <= row["before"]["eval_pad_share"] < 1
        assert row["before"]["train_tokens_per_s"] > 0 and row["after"]["train_tokens_per_s"] > 0


def test_gpu_measurement_code_path_on_the_cpu():
    result = speed.gpu_steps("tiny-decoder", "p-tuning-v2", None, 16, 1, device="cpu", peak_tflops=1.0)
    assert result["batch_size"] >= 1 and result["tokens_per_s"] > 0 and not result["trains_backbone"]
    assert result["peak_memory_mb"] is None and result["mfu"] > 0
    tuned = speed.gpu_steps("tiny-decoder", "fine-tuning", 2, 16, 1, device="cpu")
    assert tuned["trains_backbone"] and tuned["mfu"] is None and tuned["n_matmul"] == result["n_matmul"]


def test_flops_padding_and_peak_lookups():
    assert speed.flops_per_token(100, 2, 8, 10, True) == 600 + 12 * 2 * 8 * 10
    assert speed.flops_per_token(100, 2, 8, 10, False) == 400 + 12 * 2 * 8 * 10
    assert speed.padded_size([5, 1, 3, 3], 2) == 10 + 6
    assert speed.gpu_peak_tflops("NVIDIA H100 80GB HBM3", None) == 989.0
    assert speed.gpu_peak_tflops("NVIDIA H100 PCIe", None) == 756.0
    assert speed.gpu_peak_tflops("NVIDIA H200", None) == 989.0
    assert speed.gpu_peak_tflops("Some GPU", None) is None and speed.gpu_peak_tflops("Some GPU", 5.0) == 5.0
