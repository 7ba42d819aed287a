"""A CLI input error leaves nothing behind (no run folder, no index row, exit 2), and a run's own
files degrade gracefully: a junk line in metrics.jsonl skips that line only; a missing or junk
config.yaml/status.json is reported as the damage it is."""
import re
import subprocess
import sys

import pytest

import core.train
from core.data import list_presets
from core.runs import NoSuchRun, RunStore
from reltools import ROOT, finished_run, folder_bytes, index_rows, stray_entries, tiny_config

BASE = ["--task", "sentiment", "--backbone", "tiny-encoder", "--max-steps", "1", "--quiet"]


@pytest.mark.parametrize("args,message", [
    (["--lr", "-1"], "lr must be positive (a number above 0), got -1.0"),
    (["--prompt-length", "0"], "prompt_length must be a whole number from 1 to 512, got 0"),
    (["--task", "no-such-task"], f"unknown task 'no-such-task': not a preset ({', '.join(list_presets())}), "
                                 "not an existing file or folder, and not a hub dataset id"),
    (["--method", "manual-prompt", "--task", "ner"], "manual-prompt does not fit a tagging task"),
    (["--method", "magic"], "unknown method 'magic'; choose one of: fine-tuning, manual-prompt"),
    (["--max-length", "600"], "max_length 600 is above the 512 positions this encoder allows"),
    (["--method", "manual-prompt", "--template", "99"], "template index 99 is out of range"),
], ids=["bad setting", "bad prompt length", "unknown task", "method does not fit", "unknown method",
        "too long for the backbone", "no such template"])
def test_a_cli_input_error_leaves_no_run_behind(root, tmp_path, capsys, args, message):
    bystander = finished_run(RunStore(root))
    before = folder_bytes(bystander.path), index_rows(root)
    assert core.train.main(BASE + ["--out", str(root)] + args) == 2
    fresh = tmp_path / "fresh"
    assert core.train.main(BASE + ["--out", str(fresh)] + args) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"error: {message}") for line in lines), err
    assert out == "" and "Traceback" not in err
    assert (folder_bytes(bystander.path), index_rows(root)) == before  # no row, no folder
    assert stray_entries(root, {bystander.id}) == []
    assert not fresh.exists()  # not even the runs folder


def test_the_cli_process_exits_2_on_an_input_error(root):
    cli = subprocess.run([sys.executable, "-m", "core.train", *BASE, "--task", "no-such-task", "--out", str(root)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 2 and cli.stderr.startswith("error: unknown task 'no-such-task'")
    assert list(root.iterdir()) == []


def test_a_junk_line_in_metrics_skips_that_line_only(root):
    run = RunStore(root).create(tiny_config(root))
    lines = [b'{"step": 1, "loss": 0.9}', b'{not json', b'{"step": 2, "loss": 0.8, "dev_accuracy": 0.5}',
             b'\xff\xfe\x00 binary junk', b'[1, 2, 3]', b'{"loss": 0.7}', b'{"step": "3"}', b'', b'null',
             b'{"step": 3, "loss": 0.7}', b'{"step": 4, "lo']  # the last one is being written right now
    (run.path / "metrics.jsonl").write_bytes(b"\n".join(lines))
    assert run.metrics() == [{"step": 1, "loss": 0.9}, {"step": 2, "loss": 0.8, "dev_accuracy": 0.5},
                             {"step": 3, "loss": 0.7}]
    # the writer finishes its line, and the rows after it read as usual
    (run.path / "metrics.jsonl").write_bytes(b"\n".join(lines[:-1]) + b'\n{"step": 4, "loss": 0.65}\n')
    run.log_metrics({"step": 5, "loss": 0.6})
    assert [row["step"] for row in run.metrics()] == [1, 2, 3, 4, 5]
    assert run.damage() is None  # metrics are not what makes a run damaged


@pytest.mark.parametrize("name,data,damage", [
    ("config.yaml", None, "config.yaml is missing"),
    ("config.yaml", b"task: [unclosed\n", "config.yaml cannot be read (ParserError)"),
    ("status.json", None, "status.json is missing"),
    ("status.json", b"\xff\xfe", "status.json is not UTF-8 text"),
])
def test_a_damaged_run_says_why(root, name, data, damage):
    store = RunStore(root)
    run = store.create(tiny_config(root))
    (run.path / name).unlink() if data is None else (run.path / name).write_bytes(data)
    assert run.damage() == damage
    if name == "config.yaml":
        with pytest.raises(NoSuchRun, match="^" + re.escape(f"run '{run.id}' is damaged: {damage}")):
            store.get(run.id).config()
    assert store.row_from_folder(run.id)["status"] == "failed"
    assert store.row_from_folder(run.id)["error"] == f"run folder damaged: {damage}"


def test_runs_created_in_the_same_second_get_their_own_folders(root, monkeypatch):
    """A study queues many runs at once: an id that is taken already is never reused (nor a crash)."""
    import core.runs
    tokens = iter(["abcd", "abcd", "abcd", "ef01"])
    monkeypatch.setattr(core.runs.secrets, "token_hex", lambda n: next(tokens))
    monkeypatch.setattr(core.runs.time, "strftime", lambda fmt: "20260101-120000")
    store = RunStore(root)
    first = store.create(tiny_config(root))
    before = folder_bytes(first.path), index_rows(root)[first.id]
    second = store.create(tiny_config(root, method="bitfit", task="ner"))
    third = store.create(tiny_config(root, method="bitfit", task="ner"))
    assert (first.id, second.id, third.id) == ("20260101-120000-p-tuning-v2-abcd", "20260101-120000-bitfit-abcd",
                                               "20260101-120000-bitfit-ef01")
    assert (folder_bytes(first.path), index_rows(root)[first.id]) == before
    assert index_rows(root)[third.id]["task"] == "ner" and store.get(third.id).config()["task"] == "ner"
    assert stray_entries(root, {first.id, second.id, third.id}) == []
