"""End-to-end: the CLI trains a tiny model on every shipped preset and writes a complete,
repeatable run folder; bad input gets a one-line error, not a stack trace."""
import json

import pytest
import yaml

from core import cli
from core import train as train_module
from core.config import ConfigError, RunConfig
from core.inference import predict_text
from core.runs import RunStore

FAST = ["--backbone", "tiny-encoder", "--max-train-examples", "32", "--max-eval-examples", "16",
        "--batch-size", "8", "--quiet"]


def run_cli(capsys, *args) -> dict:
    assert train_module.main(list(args)) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.parametrize("task,method", [("sentiment", "p-tuning-v2"), ("nli", "p-tuning"), ("ner", "prompt-tuning"),
                                         ("qa", "prefix-tuning"), ("qa-v2", "fine-tuning")])
def test_cli_trains_each_preset_and_writes_the_run_folder(task, method, tmp_path, capsys):
    final = run_cli(capsys, "--task", task, "--method", method, "--max-steps", "4", "--eval-every", "2",
                    "--prompt-length", "4", "--out", str(tmp_path), *FAST)
    run = RunStore(tmp_path).get(final["run"].split("/")[-1])
    assert run.status()["status"] == "finished"
    rows = run.metrics()
    assert [r["step"] for r in rows] == [1, 2, 3, 4]
    assert all(r["loss"] is not None and r["peak_memory_mb"] > 0 for r in rows)
    assert "dev_" + final["metric_name"] in rows[1]
    assert final["best_metric"] == max(r["dev_" + final["metric_name"]] for r in rows if "dev_" + final["metric_name"] in r)
    assert len(run.predictions()) == 16
    # only the trained parameters (fp32), never a copy of the frozen backbone
    assert final["trainable"] * 4 <= run.weights.stat().st_size < final["trainable"] * 4 + 50_000
    index = RunStore(tmp_path).list()
    assert index[0]["status"] == "finished" and index[0]["share"] == final["share"]
    # the saved config is resolved and repeats the run as is
    saved = RunConfig.from_yaml(run.path / "config.yaml")
    assert saved.lr is not None and saved.epochs is not None and saved.task == task


def test_config_file_and_flags_combine(tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump({"task": "sentiment", "method": "bitfit", "max_steps": 2}))
    final = run_cli(capsys, "--config", str(config), "--max-steps", "1", "--out", str(tmp_path), *FAST)
    assert final["steps"] == 1 and final["method"] == "bitfit"


def test_zero_shot_manual_prompt_evaluates_without_training(tmp_path, capsys):
    final = run_cli(capsys, "--task", "sentiment", "--method", "manual-prompt", "--epochs", "0",
                    "--out", str(tmp_path), *FAST)
    assert final["steps"] == 0 and final["trainable"] == 0 and 0 <= final["best_metric"] <= 1


def test_trained_run_answers_typed_input(tmp_path, capsys):
    final = run_cli(capsys, "--task", "ner", "--method", "p-tuning-v2", "--max-steps", "2",
                    "--out", str(tmp_path), *FAST)
    shown = predict_text(final["run"], "Angela Merkel visited Paris .")
    assert shown["tokens"] == ["Angela", "Merkel", "visited", "Paris", "."]
    assert len(shown["predicted"]) == 5


@pytest.mark.parametrize("args,message", [
    (["--prompt-length", "0"], "prompt_length must be a whole number from 1 to 512"),
    (["--prompt-length", "10000"], "prompt_length must be a whole number from 1 to 512"),
    (["--method", "manual-prompt", "--task", "ner"], "manual-prompt does not fit a tagging task"),
    (["--method", "magic"], "unknown method 'magic'"),
    # the method misfit is the real problem here, so it is reported before the QA window setting
    (["--method", "manual-prompt", "--task", "qa", "--doc-stride", "500"], "manual-prompt does not fit a qa task"),
    (["--backbone", "bert-base-cased"], "Cannot load backbone 'bert-base-cased'"),
    (["--task", "no/such-dataset"], "no/such-dataset"),
])
def test_bad_input_gets_a_clear_one_line_error(args, message, tmp_path, capsys):
    base = ["--task", "sentiment", "--out", str(tmp_path), "--quiet", "--max-steps", "1"]
    assert train_module.main(base + args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_config_rejects_bad_values_with_the_field_name():
    with pytest.raises(ConfigError, match="lr must be positive"):
        RunConfig(lr=-1)
    with pytest.raises(ConfigError, match="unknown config keys: colour"):
        RunConfig.from_dict({"colour": "red"})


def test_cli_command_round_trips():
    config = RunConfig(task="ner", method="prompt-tuning", prompt_length=8, lr=0.03)
    args = cli.parse_args(config.cli_command().split()[3:])
    assert cli.config_from_args(args) == config


def test_soft_prompt_transfer_starts_from_the_source_prompt(tmp_path, capsys):
    from safetensors.torch import load_file

    from core.setup import setup
    source = run_cli(capsys, "--task", "sentiment", "--method", "prompt-tuning", "--prompt-length", "4",
                     "--max-steps", "2", "--out", str(tmp_path), *FAST)
    trained = load_file(f"{source['run']}/trained.safetensors")["input_prompt.embedding"]
    config = RunConfig(task="nli", backbone="tiny-encoder", method="prompt-tuning", prompt_length=4,
                       init_from=[source["run"]])
    s = setup(config)
    assert s.task.labels != ["negative", "positive"]  # another task, another head
    assert (s.model.input_prompt.embedding.detach() == trained).all()
    with pytest.raises(ValueError, match="does not match this run"):
        setup(config.replace(prompt_length=8))


def test_each_epoch_draws_a_new_order_and_a_seed_repeats_the_run():
    from core.setup import setup
    from tests.conftest import tiny_task

    def orders(seed: int) -> list[list[int]]:
        s = setup(RunConfig(task="t", backbone="tiny-encoder", method="p-tuning-v2", seed=seed, batch_size=2),
                  tiny_task("classification"))
        features = [{"input_ids": [i + 1], "attention_mask": [1], "labels": i} for i in range(8)]
        return [[int(v) for batch in s.loader(features, shuffle=True) for v in batch["labels"]] for _ in range(3)]
    first = orders(1)
    assert sorted(first[0]) == list(range(8))
    assert first[0] != first[1] or first[1] != first[2]  # epochs differ (one repeat in three would be chance)
    assert orders(1) == first and orders(2) != first
