"""Several seeds: parsing, the spread, groups of runs that differ only in their seed, and the CLI's
--seeds, which runs a configuration once per seed and prints the mean and spread last."""
from __future__ import annotations

import json

import pytest

from core import cli
from core.config import ConfigError
from core.runs import RunStore
from core.seeds import parse_seeds, seed_groups, spread


def test_parse_and_spread():
    assert parse_seeds("1, 2 3") == [1, 2, 3] and parse_seeds([4]) == [4]
    for bad in ("", "1, x", "2, 2", " ".join(map(str, range(21)))):
        with pytest.raises(ConfigError, match="seeds must be"):
            parse_seeds(bad)
    assert spread([0.6, 0.8, 0.7]) == pytest.approx({"n": 3, "mean": 0.7, "std": 0.1, "min": 0.6, "max": 0.8})
    assert spread([0.5])["std"] == 0.0


def test_groups_need_the_same_config_but_the_seed():
    def run(i, seed, best, **config):
        return {"id": f"r{i}", "best_metric": best, "metric_name": "f1", "method": "m"}, {"lr": 0.1, "seed": seed,
                                                                                           "out": f"o{i}", **config}
    groups = seed_groups([run(1, 1, 0.5), run(2, 2, 0.7), run(3, 3, 0.9, lr=0.2), run(4, 4, None)])
    assert len(groups) == 1 and groups[0]["runs"] == ["r1", "r2"] and groups[0]["best"]["mean"] == pytest.approx(0.6)


def test_the_cli_runs_once_per_seed_and_prints_the_spread(tmp_path, capsys):
    out = tmp_path / "runs"
    code = cli.main(["--task", "sentiment", "--backbone", "tiny-encoder", "--method", "p-tuning-v2", "--max-steps", "2",
                     "--max-train-examples", "16", "--max-eval-examples", "8", "--batch-size", "8", "--max-length",
                     "32", "--prompt-length", "4", "--quiet", "--seeds", "3", "4", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert summary["seeds"] == [3, 4] and summary["best"]["n"] == 2 and "accuracy over seeds [3, 4]" in captured.err
    store = RunStore(out)
    assert sorted(store.get(row["id"]).config()["seed"] for row in store.list()) == [3, 4]
