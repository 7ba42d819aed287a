"""Multi-task P-tuning v2 (MPT-2, core/multitask.py): one prompt shared by several tasks, a head per task,
batches drawn from the tasks by a seeded sampler, per-task metrics and their mean, and the per-task
continuation that starts from the shared prompt (and the task's own head).

The tasks are tiny JSON-lines folders written per test, so every path (files, CLI, continuation) loads
them as a user's data. Learning is checked on two token tasks (toy NER + toy SRL): a random frozen
tiny-encoder cannot fit sentence classification (see test_learning.py), but its token outputs can be read.
"""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from core import cli
from core.config import ConfigError, RunConfig
from core.multitask import MEAN, MultiPrepared, TaskHeads, TaskSampler, per_task_configs, queue_per_task
from core.runs import Recorder, RunRecorder, RunStore
from core.setup import prepare, setup
from core.train import train
from tests.conftest import tiny_task


def write_task(folder: Path, family: str, copies: int = 1) -> str:
    """A tiny task of `family` as a folder of train.jsonl / dev.jsonl (training rows repeated `copies` times)."""
    task = tiny_task(family)
    folder.mkdir(parents=True)
    for name, rows in (("train", task.train * copies), ("dev", task.dev)):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    return str(folder)


@pytest.fixture
def tasks(tmp_path) -> dict[str, str]:
    return {"ner": write_task(tmp_path / "toyner", "tagging"),  # 8 training sentences
            "srl": write_task(tmp_path / "toysrl", "srl", copies=3),  # 24 predicates
            "sentiment": write_task(tmp_path / "toysent", "classification")}


def config_for(paths, first="ner", others=("srl",), **changes) -> RunConfig:
    settings = dict(task=paths[first], tasks=[paths[o] for o in others], backbone="tiny-encoder",
                    method="p-tuning-v2", prompt_length=4, batch_size=4, max_length=32, lr=3e-2, dropout=0.0,
                    weight_decay=0.0, warmup_ratio=0.0, max_steps=4, eval_every=2, seed=0)
    return RunConfig(**{**settings, **changes})


def first_batch(part) -> dict:
    return next(iter(part.batches()))


def test_one_prompt_is_shared_and_each_head_learns_only_from_its_own_batches(tasks):
    p = prepare(config_for(tasks, others=("srl", "sentiment")))
    model = p.setup.model
    assert isinstance(p, MultiPrepared) and p.keys == ["toyner", "toysrl", "toysent"]
    assert all(part.setup.model is model for part in p.parts)  # one model, one prompt
    assert isinstance(model.head, TaskHeads) and list(model.head) == p.keys
    trainable = {name for name, param in model.named_parameters() if param.requires_grad}
    assert {name.split(".")[0] for name in trainable} == {"deep_prompt", "head"}
    assert {name.split(".")[1] for name in trainable if name.startswith("head.")} == set(p.keys)

    seen = []  # the prompt tensor each task's forward pass reads
    model.deep_prompt.register_forward_hook(lambda module, args, out: seen.append(module.embedding.weight))
    prompt = model.deep_prompt.embedding.weight
    for part in p.parts:
        model.zero_grad()
        batch = first_batch(part)
        assert (batch["task"] == part.setup.index).all()
        p.loss(model, batch).backward()
        assert seen[-1] is prompt and prompt.grad is not None and prompt.grad.abs().sum() > 0
        for key, head in model.head.items():
            grads = [param.grad for param in head.parameters()]
            if key == part.setup.key:  # its own head learns from its batch
                assert all(g is not None and g.abs().sum() > 0 for g in grads)
            else:  # no other head gets anything from it
                assert all(g is None or g.abs().sum() == 0 for g in grads)
    assert len(seen) == 3
    # a batch without a task (typed input on a finished run) is the first task's
    batch = first_batch(p.parts[0])
    del batch["task"]
    with torch.no_grad():
        assert model(batch)["logits"].shape[-1] == len(p.parts[0].setup.task.labels)


def test_verbalizer_heads_write_each_task_into_its_own_template():
    """head 'verbalizer': each task keeps its own template and label words; the prompt is still one."""
    config = RunConfig(task="sentiment", tasks=["nli"], backbone="tiny-encoder", method="p-tuning-v2",
                       head="verbalizer", prompt_length=4, batch_size=4, max_steps=1, max_train_examples=4,
                       max_eval_examples=4)
    p = prepare(config)
    alone = setup(config.replace(task="nli", tasks=[]))
    nli = p.parts[1]
    assert nli.setup.cloze is not p.parts[0].setup.cloze
    assert nli.train_features == alone.encode(nli.train_examples)  # nli's template, not sentiment's
    assert torch.equal(p.setup.model.head["nli"].label_word_ids, alone.model.head.label_word_ids)
    assert not torch.equal(p.setup.model.head["sentiment"].label_word_ids[:2], alone.model.head.label_word_ids[:2])
    assert {name.split(".")[0] for name, param in p.setup.model.named_parameters() if param.requires_grad} == \
        {"deep_prompt"}  # the verbalizers read the frozen LM head


@pytest.mark.parametrize("strategy,temperature,expected", [
    ("proportional", 2.0, [0.1, 0.3, 0.6]),
    ("temperature", 2.0, np.sqrt([1, 3, 6]) / np.sqrt([1, 3, 6]).sum()),  # p_i ∝ n_i^(1/T)
    ("temperature", 1.0, [0.1, 0.3, 0.6]),  # T = 1 is proportional
    ("temperature", 1000.0, [1 / 3] * 3),  # a large T evens the tasks out
])
def test_sampler_draws_in_the_stated_proportions(strategy, temperature, expected):
    sampler = TaskSampler([100, 300, 600], strategy, temperature, seed=7)
    np.testing.assert_allclose(sampler.probabilities, expected, atol=1e-3)
    draws = [sampler.draw() for _ in range(20000)]
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / len(draws), expected, atol=0.015)
    assert sampler.drawn == list(np.bincount(draws, minlength=3))
    again = TaskSampler([100, 300, 600], strategy, temperature, seed=7)
    assert [again.draw() for _ in range(200)] == draws[:200]  # seeded


def test_training_batches_come_from_the_tasks_in_proportion(tasks):
    p = prepare(config_for(tasks, batch_size=2))  # 8 and 24 training features: p = 0.25, 0.75
    np.testing.assert_allclose(p.sampler.probabilities, [0.25, 0.75])
    drawn = []
    for _ in range(40):  # 40 rounds of 16 batches
        for batch in p.batches():
            index = int(batch["task"][0])
            assert (batch["task"] == index).all()
            assert batch["labels"].dim() == 2  # both are token tasks: labels (B, T)
            assert "verb_index" not in batch
            drawn.append(index)
    assert len(drawn) == 40 * (4 + 12)
    assert abs(np.mean(drawn) - 0.75) < 0.04
    assert p.sampling()["batches"] == {"toyner": drawn.count(0), "toysrl": drawn.count(1)}


def test_multitask_run_logs_each_task_and_the_mean_is_its_metric(tasks, tmp_path):
    config = config_for(tasks, others=("sentiment",), max_steps=4, eval_every=2, out=str(tmp_path / "runs"))
    store = RunStore(config.out)
    p = prepare(config)
    run = store.create(p.setup.config, status="running")
    final = train(config, RunRecorder(run), show_progress=False, prepared=p)

    rows = [row for row in run.metrics() if f"dev_{MEAN}" in row]
    assert [row["step"] for row in rows] == [2, 4]
    for row in rows:
        assert {"dev_toyner/f1", "dev_toyner/precision", "dev_toysent/accuracy"} <= set(row)
        assert row[f"dev_{MEAN}"] == pytest.approx((row["dev_toyner/f1"] + row["dev_toysent/accuracy"]) / 2)
    saved = json.loads((run.path / "final.json").read_text())
    assert saved["metric_name"] == MEAN == final["metric_name"]
    assert saved["best_metric"] == pytest.approx(max(row[f"dev_{MEAN}"] for row in rows))
    assert set(saved["per_task"]) == {"toyner", "toysent"}
    assert saved["per_task"]["toyner"]["metric_name"] == "f1"
    assert saved["per_task"]["toysent"]["metric_name"] == "accuracy"
    assert saved["best_metric"] == pytest.approx(
        (saved["per_task"]["toyner"]["best_metric"] + saved["per_task"]["toysent"]["best_metric"]) / 2)
    assert saved["per_task"]["toyner"]["task"] == tasks["ner"] and saved["tasks"] == ["toyner", "toysent"]
    assert saved["sampling"]["strategy"] == "proportional" and sum(saved["sampling"]["batches"].values()) == 4
    assert saved["dev"]["toysent/accuracy"] == saved["per_task"]["toysent"]["dev"]["accuracy"]
    # predictions: the first task's where the Inspect view reads them, each task's beside them
    assert run.predictions() == json.loads((run.path / "predictions_toyner.json").read_text())
    assert len(run.predictions()) == 2 and "tokens" in run.predictions()[0]
    assert len(json.loads((run.path / "predictions_toysent.json").read_text())) == 4
    row = store.list()[0]
    assert row["metric_name"] == MEAN and row["best_metric"] == pytest.approx(saved["best_metric"])
    assert row["family"] == "tagging" and row["task"] == tasks["ner"]
    # the saved config repeats the run; the trained heads are one a task
    repeat = RunConfig.from_yaml(run.path / "config.yaml")
    assert repeat.tasks == [tasks["sentiment"]] and repeat.task_sampling == "proportional"
    assert {name.split(".")[1] for name in load_file(run.weights) if name.startswith("head.")} == {"toyner", "toysent"}
    # typed input on the finished run reads it as the first task (the Inspect box)
    from core.inference import predict_text
    assert len(predict_text(str(run.path), "Angela Merkel visited Paris .")["predicted"]) == 5


def test_the_run_list_and_inspect_views_read_a_multitask_run(tasks, tmp_path, monkeypatch):
    from app import lab as lab_state
    from app.tabs import compare, inspect, runs
    lab = lab_state.configure(root=tmp_path / "runs", shared=False, test_backbones=True, form_defaults={})
    monkeypatch.setattr(lab.jobs, "tick", lambda: None)
    try:
        config = config_for(tasks, others=("sentiment",), max_steps=2, out=str(lab.root))
        run = lab.store.create(prepare(config).setup.config)
        train(RunConfig.from_yaml(run.path / "config.yaml"), RunRecorder(run), show_progress=False)
        shown = inspect.load_run(run.id)
        assert shown["error"] == "" and shown["view"] == "tags" and MEAN in shown["summary"]
        view = runs.run_view(run.id)
        assert not any("Traceback" in str(v) for v in view.values())
        table = compare.compare_view([run.id])[0]  # the run's mean, then a row per task
        assert len(table) == 3 and any(MEAN in str(cell) for cell in table[0])
        assert [row[0] for row in table[1:]] == [f"{run.id} · {key}" for key in run.final()["per_task"]]
    finally:
        lab_state._LAB = None


@torch.no_grad()
def training_losses(p) -> list[float]:
    """Each task's mean loss over its whole training set (dropout off)."""
    model = p.setup.model
    model.eval()
    out = [float(np.mean([p.loss(model, batch).item() for batch in part.batches()])) for part in p.parts]
    model.train()
    return out


def test_overfits_two_small_tasks_together_with_the_backbone_frozen(tasks):
    p = prepare(config_for(tasks, max_steps=40, eval_every=40, batch_size=8))
    model = p.setup.model
    frozen = {name: param.detach().clone() for name, param in model.named_parameters() if name.startswith("backbone.")}
    before = training_losses(p)
    final = train(p.setup.config, Recorder(), show_progress=False, prepared=p)
    after = training_losses(p)
    assert all(a < 0.5 * b for a, b in zip(after, before)), (before, after)  # both tasks' losses fall
    assert final["per_task"]["toyner"]["best_metric"] > 0.5 and final["per_task"]["toysrl"]["best_metric"] > 0.3
    assert all(torch.equal(param, frozen[name]) for name, param in model.named_parameters()
               if name.startswith("backbone."))
    assert all(not param.requires_grad for name, param in model.named_parameters() if name.startswith("backbone."))


@pytest.mark.parametrize("changes,message", [
    (dict(method="lora"), "lora trains no prompt that can be shared; use p-tuning-v2, prefix-tuning, prompt-tuning"),
    (dict(method="fine-tuning"), "fine-tuning trains no prompt that can be shared"),
    (dict(tasks=["SAME"]), "is named twice (as '"),
    (dict(tasks=[""]), "tasks must be a task or a list of tasks"),
    (dict(task_sampling="uniform"), "task_sampling must be one of ('proportional', 'temperature')"),
    (dict(task_sampling="temperature", sampling_temperature=0), "sampling_temperature must be a positive number"),
])
def test_bad_multitask_settings_are_refused_by_the_config(tasks, changes, message):
    if changes.get("tasks") == ["SAME"]:
        changes = {"tasks": [tasks["ner"] + "/"]}  # the same folder, written differently
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config_for(tasks, **changes)


@pytest.mark.parametrize("extra,message", [
    ("facts", "'facts' is a probing task, read through the language model's own head"),
    ("no-such-file.jsonl", "no-such-file.jsonl: file does not exist"),
])
def test_a_task_that_cannot_join_is_refused_before_the_run_folder(tasks, tmp_path, capsys, extra, message):
    out = tmp_path / "cli-runs"
    code = cli.main(["--task", tasks["ner"], "--tasks", extra, "--backbone", "tiny-encoder", "--method",
                     "p-tuning-v2", "--max-steps", "1", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists() or not any(path.is_dir() for path in out.iterdir())


def test_visitors_cannot_name_server_files_among_the_tasks(tasks, tmp_path):
    from core.guard import check_visitor_config
    config = RunConfig(task="ner", tasks=[tasks["srl"]], out=str(tmp_path / "runs"))
    with pytest.raises(ConfigError, match="not a Hugging Face dataset id|names a file or folder on the server"):
        check_visitor_config(config, tmp_path / "runs", ())


def test_continuation_starts_each_task_from_the_shared_prompt_and_its_own_head(tasks, tmp_path, capsys):
    out = tmp_path / "runs"
    assert cli.main(["--task", tasks["ner"], "--tasks", tasks["srl"], "--backbone", "tiny-encoder",
                     "--method", "p-tuning-v2", "--prompt-length", "4", "--batch-size", "4", "--max-steps", "3",
                     "--out", str(out), "--quiet"]) == 0
    source = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["run"]
    trained = load_file(f"{source}/trained.safetensors")

    configs = per_task_configs(source, max_steps=2)
    assert [c.task for c in configs] == [tasks["ner"], tasks["srl"]]
    assert all(c.tasks == [] and c.init_from == [source] and c.max_steps == 2 for c in configs)
    for config, key in zip(configs, ("toyner", "toysrl")):
        s = setup(config)  # the model as it starts training (step 0)
        assert torch.equal(s.model.deep_prompt.embedding.weight.detach(), trained["deep_prompt.embedding.weight"])
        head = {name: param for name, param in s.model.named_parameters() if name.startswith("head.")}
        assert head and all(torch.equal(param.detach(), trained[f"head.{key}.{name[5:]}"])
                            for name, param in head.items())  # MPT-2: the task's own head
    # another task (or another label set) gets the prompt and a fresh head
    other = setup(configs[0].replace(task=tasks["sentiment"]))
    assert torch.equal(other.model.deep_prompt.embedding.weight.detach(), trained["deep_prompt.embedding.weight"])
    assert other.model.head.classifier.weight.shape[0] == 2

    # the CLI trains one run per task, each a single-task run
    assert cli.main(["--continue-per-task", source, "--max-steps", "1", "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["continued_from"] == source and set(summary["per_task"]) == {tasks["ner"], tasks["srl"]}
    for path in summary["runs"]:
        assert RunConfig.from_yaml(Path(path) / "config.yaml").tasks == []
        assert json.loads((Path(path) / "final.json").read_text())["metric_name"] == "f1"


def test_continuation_needs_a_finished_multitask_run(tasks, tmp_path, capsys):
    out = tmp_path / "runs"
    assert cli.main(["--task", tasks["ner"], "--backbone", "tiny-encoder", "--max-steps", "1", "--out", str(out),
                     "--quiet"]) == 0
    single = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["run"]
    with pytest.raises(ConfigError, match="is a single-task run"):
        per_task_configs(single)
    with pytest.raises(ConfigError, match="not a run folder"):
        per_task_configs(tmp_path)
    with pytest.raises(ConfigError, match="sets task itself"):
        per_task_configs(single, task="ner")
    assert cli.main(["--continue-per-task", single, "--quiet"]) == 2
    assert "is a single-task run" in capsys.readouterr().err


def test_queue_per_task_submits_one_run_per_task(tasks, tmp_path):
    config = config_for(tasks, max_steps=1, out=str(tmp_path / "runs"))
    store = RunStore(config.out)
    p = prepare(config)
    run = store.create(p.setup.config, status="running")
    train(config, RunRecorder(run), show_progress=False, prepared=p)

    class Jobs:  # what JobManager.submit receives
        submitted = []

        def submit(self, config, owner=None):
            self.submitted.append((config, owner))
            return f"run-{len(self.submitted)}"

    jobs = Jobs()
    assert queue_per_task(jobs, run.path, owner="me", max_steps=5) == ["run-1", "run-2"]
    assert [(c.task, c.init_from, c.max_steps, o) for c, o in jobs.submitted] == [
        (tasks["ner"], [str(run.path)], 5, "me"), (tasks["srl"], [str(run.path)], 5, "me")]
