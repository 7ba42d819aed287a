"""Every RunConfig setting that cannot work is refused up front, with the field named and what is
allowed, whichever way it arrives: a YAML file, keyword arguments, or `python -m core.train --config`.
Also the checks that need the backbone or the step count (check_for_backbone, check_step_budget)."""
import dataclasses

import pytest
import yaml

from core import train as train_module
from core.config import (MAX_STEPS_VARIABLE, ConfigError, RunConfig, check_for_backbone, check_step_budget,
                         resolve)
from core.data import list_presets, load_task
from core.methods import METHODS
from core.tasks import FAMILIES

WHOLE = "a whole number, at least 1"
LR = "lr must be positive (a number above 0), got"
TEMPLATE = "template must be a template index (a whole number, 0 or more) or a template string, got"

# (the YAML line a user writes, the exact message)
BAD = [
    ("lr: abc", f"{LR} 'abc'"),
    ("lr: 1e-3", f"{LR} '1e-3' (YAML reads 1e-3 as text: write 1.0e-03)"),
    ("lr: -1", f"{LR} -1"),
    ("lr: 0", f"{LR} 0"),
    ("lr: .nan", f"{LR} nan"),
    ("lr: true", f"{LR} True"),
    ("batch_size: '8'", f"batch_size must be {WHOLE}, got '8' (text, not a number: remove the quotes)"),
    ("batch_size: true", f"batch_size must be {WHOLE}, got True"),
    ("batch_size: 8.5", f"batch_size must be {WHOLE}, got 8.5"),
    ("batch_size: 0", f"batch_size must be {WHOLE}, got 0"),
    ("batch_size: [8]", f"batch_size must be {WHOLE}, got [8]"),
    ("epochs: .inf", "epochs must be a finite number, 0 or more, got inf"),
    ("epochs: inf", "epochs must be a finite number, 0 or more, got 'inf'"),
    ("epochs: .nan", "epochs must be a finite number, 0 or more, got nan"),
    ("epochs: -1", "epochs must be a finite number, 0 or more, got -1"),
    ("max_steps: -1", "max_steps must be a whole number, 0 or more, got -1"),
    ("max_steps: ten", "max_steps must be a whole number, 0 or more, got 'ten'"),
    ("dropout: .nan", "dropout must be a number in [0, 1), got nan"),
    ("dropout: 1.0", "dropout must be a number in [0, 1), got 1.0"),
    ("warmup_ratio: 1.5", "warmup_ratio must be a number in [0, 1], got 1.5"),
    ("warmup_ratio: -0.1", "warmup_ratio must be a number in [0, 1], got -0.1"),
    ("warmup_ratio: .nan", "warmup_ratio must be a number in [0, 1], got nan"),
    ("weight_decay: -0.01", "weight_decay must be a number, 0 or more, got -0.01"),
    ("weight_decay: .nan", "weight_decay must be a number, 0 or more, got nan"),
    ("weight_decay: null", "weight_decay must be a number, 0 or more, got None"),
    ("max_train_examples: 0", f"max_train_examples must be {WHOLE} (unset to use all), got 0"),
    ("max_train_examples: -5", f"max_train_examples must be {WHOLE} (unset to use all), got -5"),
    ("max_eval_examples: 0", f"max_eval_examples must be {WHOLE} (unset to use all), got 0"),
    ("max_eval_examples: 2.5", f"max_eval_examples must be {WHOLE} (unset to use all), got 2.5"),
    ("grad_accum: 0", f"grad_accum must be {WHOLE}, got 0"),
    ("doc_stride: 0", f"doc_stride must be {WHOLE}, got 0"),
    ("lora_rank: 0", f"lora_rank must be {WHOLE}, got 0"),
    ("eval_every: 0", f"eval_every must be {WHOLE}, got 0"),
    ("max_length: 8", "max_length must be a whole number from 16 to 4096, got 8"),
    ("max_length: 5000", "max_length must be a whole number from 16 to 4096, got 5000"),
    ("prompt_length: 0", "prompt_length must be a whole number from 1 to 512, got 0"),
    ("prompt_length: 16.5", "prompt_length must be a whole number from 1 to 512, got 16.5"),
    ("seed: -1", "seed must be a whole number from 0 to 4294967295, got -1"),
    ("seed: 4294967296", "seed must be a whole number from 0 to 4294967295, got 4294967296"),
    ("seed: 1.5", "seed must be a whole number from 0 to 4294967295, got 1.5"),
    ("tune_backbone: 'yes'", "tune_backbone must be true or false, got 'yes'"),
    ("tune_backbone: 1", "tune_backbone must be true or false, got 1"),
    ("reparameterize: 'no'", "reparameterize must be true or false (unset: the method's default), got 'no'"),
    ("task: 5", "task must be a non-empty name, got 5"),
    ("backbone: ''", "backbone must be a non-empty name, got ''"),
    ("method: [p-tuning]", "method must be a non-empty name, got ['p-tuning']"),
    ("prompt_encoder: gru", "prompt_encoder must be one of ('mlp', 'lstm'), got 'gru'"),
    ("prompt_init: 3", "prompt_init must be one of ('random', 'vocab', 'text'), got 3"),
    ("prompt_init: text", "prompt_init 'text' needs init_text: the words whose embeddings start the prompt"),
    ("init_text: 42", "init_text must be text, got 42"),
    ("ptuning_template: 7", "ptuning_template must be text with {prompt} slots (unset: the preset's), got 7"),
    ("precision: fp8", "precision must be one of ('auto', 'fp32', 'bf16', 'fp16'), got 'fp8'"),
    ("family: images", f"family must be one of {', '.join(FAMILIES)}, got 'images'"),
    ("out: ''", "out must be the name of a folder for run folders, got ''"),
    ("out: 3", "out must be the name of a folder for run folders, got 3"),
    ("template: -1", f"{TEMPLATE} -1"),
    ("template: 1.5", f"{TEMPLATE} 1.5"),
    ("template: true", f"{TEMPLATE} True"),
    ("template: ''", f"{TEMPLATE} ''"),
    ("init_from: [3]", "init_from must be a run folder or a list of run folders, got [3]"),
    ("init_from: {run: a}", "init_from must be a run folder or a list of run folders, got {'run': 'a'}"),
]
IDS = [line for line, _ in BAD]


@pytest.mark.parametrize("line,message", BAD, ids=IDS)
def test_keyword_arguments_are_refused_with_the_field_named(line, message):
    with pytest.raises(ConfigError) as error:
        RunConfig(**yaml.safe_load(line))
    assert str(error.value) == message


@pytest.mark.parametrize("line,message", BAD, ids=IDS)
def test_yaml_values_are_refused_with_the_field_named(line, message, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(f"task: sentiment\n{line}\n")
    with pytest.raises(ConfigError) as error:
        RunConfig.from_yaml(path)
    assert str(error.value) == message


@pytest.mark.parametrize("line,message", BAD, ids=IDS)
def test_cli_prints_one_line_and_exits_2(line, message, tmp_path, capsys):
    path = tmp_path / "config.yaml"
    out = "" if line.startswith("out:") else f"out: {tmp_path / 'runs'}\n"  # never train into ./runs
    path.write_text(f"{out}{line}\n")
    assert train_module.main(["--config", str(path), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: {message}\n" and captured.out == ""
    assert not (tmp_path / "runs").exists()


def test_numbers_that_yaml_and_gradio_send_are_accepted():
    config = RunConfig(batch_size=8.0, seed=7.0, max_steps=0.0, template=1.0, prompt_length=16.0,
                       lr=1, epochs=3, dropout=0, warmup_ratio=1, max_train_examples=100.0)
    assert (config.batch_size, config.seed, config.max_steps, config.template, config.prompt_length,
            config.max_train_examples) == (8, 7, 0, 1, 16, 100)
    assert all(type(v) is int for v in (config.batch_size, config.seed, config.template, config.max_train_examples))
    assert (config.lr, config.epochs, config.dropout, config.warmup_ratio) == (1, 3, 0, 1)  # kept as given
    form = RunConfig(lr=0.01, epochs=3.0, warmup_ratio=0.0, weight_decay=0.0, seed=0, max_steps=None,
                     max_train_examples=None, max_eval_examples=None, eval_every=None, reparameterize=False)
    assert form.epochs == 3.0 and form.max_train_examples is None


def test_yaml_booleans_and_single_folders_are_taken_as_meant(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("tune_backbone: yes\nreparameterize: off\ninit_from: runs/abc\ntemplate: It was {mask}. {text}\n")
    config = RunConfig.from_yaml(path)
    assert config.tune_backbone is True and config.reparameterize is False
    assert config.init_from == ["runs/abc"] and config.template == "It was {mask}. {text}"
    assert RunConfig(init_from=None).init_from == [] and RunConfig(init_from=("a", "b")).init_from == ["a", "b"]


GOOD = [
    RunConfig(),
    RunConfig(task="ner", method="prompt-tuning", prompt_length=8, prompt_init="text", init_text="names and places",
              lr=3e-2, epochs=0.5, batch_size=4, grad_accum=2, max_length=256, dropout=0.0, warmup_ratio=0.06,
              weight_decay=0.01, eval_every=50, seed=2**32 - 1, precision="bf16", max_train_examples=1,
              max_eval_examples=10, init_from=["runs/a", "runs/b"], out="elsewhere"),
    RunConfig(task="data/reviews.csv", family="classification", method="p-tuning", prompt_encoder="mlp",
              tune_backbone=True, ptuning_template="{prompt} {text} ? {prompt} {mask}", lr=5.0e-5, max_steps=0),
    RunConfig(task="nli", method="manual-prompt", template="{text} ? {mask}, {text_b}", epochs=0),
    RunConfig(task="qa", method="prefix-tuning", reparameterize=False, doc_stride=32, lora_rank=1, seed=0),
]


@pytest.mark.parametrize("config", GOOD, ids=range(len(GOOD)))
def test_good_configs_round_trip_through_yaml_unchanged(config, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(config.to_yaml())
    again = RunConfig.from_yaml(path)
    assert again == config and again.to_yaml() == config.to_yaml()


@pytest.mark.parametrize("name", list(list_presets()))
def test_every_preset_resolves_to_a_config_that_round_trips(name):
    task = load_task(name)
    for method, spec in METHODS.items():
        if task.family in spec.families:
            config = resolve(RunConfig(task=name, method=method), task.defaults)
            assert RunConfig.from_dict(yaml.safe_load(config.to_yaml())) == config
            assert all(getattr(config, f.name) is not None for f in dataclasses.fields(config)
                       if f.name in ("lr", "epochs", "batch_size", "max_length", "prompt_length", "dropout"))


# -- check_for_backbone: what the sequence really occupies -------------------------------------

@pytest.mark.parametrize("method,max_length,prompt_length", [
    ("prompt-tuning", 496, 16),  # 496 + 16 = 512: just fits
    ("p-tuning", 512, 16),  # pseudo tokens sit inside max_length
    ("p-tuning-v2", 512, 128),  # deep prompts: past key/values with explicit position_ids
    ("prefix-tuning", 512, 128),
    ("fine-tuning", 512, 16),
    ("lora", 512, 16),
])
def test_backbone_check_passes_what_fits(method, max_length, prompt_length):
    config = RunConfig(method=method, max_length=max_length, prompt_length=prompt_length)
    assert check_for_backbone(config, 512, "encoder") is None


@pytest.mark.parametrize("method,max_length,prompt_length,kind,message", [
    ("prompt-tuning", 512, 16, "encoder",
     "max_length 512 + prompt_length 16 (prompt-tuning's prompt sits in the input) is above the 512 positions "
     "this encoder allows; lower max_length to 496 or shorten the prompt"),
    ("prompt-tuning", 2048, 8, "decoder",
     "max_length 2048 + prompt_length 8 (prompt-tuning's prompt sits in the input) is above the 2048 positions "
     "this decoder allows; lower max_length to 2040 or shorten the prompt"),
    ("p-tuning-v2", 1024, 16, "encoder",
     "max_length 1024 is above the 512 positions this encoder allows; lower max_length to 512"),
    ("fine-tuning", 600, None, "encoder",
     "max_length 600 is above the 512 positions this encoder allows; lower max_length to 512"),
])
def test_backbone_check_refuses_what_does_not_fit(method, max_length, prompt_length, kind, message):
    limit = 2048 if kind == "decoder" else 512
    with pytest.raises(ConfigError) as error:
        check_for_backbone(RunConfig(method=method, max_length=max_length, prompt_length=prompt_length), limit, kind)
    assert str(error.value) == message


@pytest.mark.parametrize("method, max_new_tokens, fits", [
    ("p-tuning-v2", None, True), ("prefix-tuning", 64, False), ("p-tuning-v2", 64, False), ("lora", 64, True)])
def test_deep_prefixes_must_stay_inside_a_sliding_window(method, max_new_tokens, fits):
    """Gemma 3's sliding layers (512): a token further than the window from the prefix cannot see it."""
    config = RunConfig(method=method, max_length=480, prompt_length=32, max_new_tokens=max_new_tokens)
    if fits:
        assert check_for_backbone(config, 32768, "decoder", sliding_window=512) is None
        return
    with pytest.raises(ConfigError, match=r"prompt_length 32 \+ max_length 480 \+ max_new_tokens 64 = 576 is above "
                                          r"this decoder's sliding attention window \(512\)"):
        check_for_backbone(config, 32768, "decoder", sliding_window=512)


# -- check_step_budget -------------------------------------------------------------------------

def test_step_budget_warns_then_refuses(monkeypatch):
    monkeypatch.delenv(MAX_STEPS_VARIABLE, raising=False)
    assert check_step_budget(0) is None and check_step_budget(100_000) is None
    assert check_step_budget(100_001) == ("this run needs 100,001 optimizer steps, which will take a long time; "
                                          "max_steps stops it sooner")
    assert check_step_budget(1_000_000) is not None
    with pytest.raises(ConfigError) as error:
        check_step_budget(1_000_001)
    assert str(error.value) == ("this run needs 1,000,001 optimizer steps, above the limit of 1,000,000: lower epochs "
                                "or set max_steps (the operator can raise PROMPT_LAB_MAX_TOTAL_STEPS)")


def test_step_budget_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(MAX_STEPS_VARIABLE, "500")
    assert check_step_budget(500) is None
    with pytest.raises(ConfigError, match="this run needs 501 optimizer steps, above the limit of 500"):
        check_step_budget(501)
    monkeypatch.setenv(MAX_STEPS_VARIABLE, "5000000")
    assert "2,000,000 optimizer steps" in check_step_budget(2_000_000)
    for bad in ("lots", "0", "-1", "1e6"):
        monkeypatch.setenv(MAX_STEPS_VARIABLE, bad)
        with pytest.raises(ConfigError) as error:
            check_step_budget(10)
        assert str(error.value) == f"{MAX_STEPS_VARIABLE} must be a whole number of steps, at least 1, got {bad!r}"
