"""The launched app through gradio_client: launch a tiny run, see it finish, read its metrics; bad
input gets a message; abort, a killed worker and a crashing worker are reported in the run list
while the app keeps serving; queued runs start in order."""
from __future__ import annotations

import os
import signal

import pytest
from gradio_client import Client, handle_file

from labtools import LONG_FORM, TINY_FORM, form_args, served_in_process, wait_for

pytestmark = pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app in this process on a temp runs folder, one run at a time."""
    with served_in_process(tmp_path_factory.mktemp("client") / "runs", shared=False) as (lab, url):
        yield lab, Client(url, verbose=False)


def status_of(client, run_id):
    return client.predict(run_id, api_name="/run_summary").get("status")


def finished(client, run_id, timeout=90):
    return wait_for(lambda: status_of(client, run_id) not in ("queued", "running") and
                    client.predict(run_id, api_name="/run_summary"), timeout, what=f"{run_id} to end")


def train(client, form):
    message, _, run_id = client.predict(*form_args(form), api_name="/train")
    return message, run_id


def test_tiny_run_finishes_and_its_metrics_are_readable(served):
    lab, client = served
    message, run_id = train(client, TINY_FORM)
    assert run_id and run_id in message
    summary = finished(client, run_id)
    assert summary["status"] == "finished", summary
    assert [row["step"] for row in summary["metrics"]] == [1, 2, 3, 4]
    assert all("dev_accuracy" in row and row["loss"] is not None for row in summary["metrics"])
    assert summary["final"]["metric_name"] == "accuracy" and 0 <= summary["final"]["best_metric"] <= 1
    index = client.predict(api_name="/list_runs")
    assert index[0]["id"] == run_id and index[0]["best_metric"] == summary["final"]["best_metric"]
    # the Runs tab's own poll sees it too
    table, *_ = client.predict(run_id, api_name="/refresh_runs")
    assert any(row[0] == run_id and row[1] == "finished" for row in table["data"])
    # Inspect: confusion matrix and per-example probabilities; typed input through the trained model
    inspected = client.predict(run_id, False, api_name="/inspect")
    assert "accuracy" in inspected[0] and inspected[3]["data"]  # [summary, error, confusion, examples, ...]
    error, label, *_ = client.predict(run_id, "a warm and moving film", "", api_name="/predict")
    assert error == "" and {c["label"] for c in label["value"]["confidences"]} == {"negative", "positive"}


def test_bad_input_is_a_message_and_launches_nothing(served):
    lab, client = served
    before = len(client.predict(api_name="/list_runs"))
    for change, expected in [({"prompt_length": 0}, "prompt_length"), ({"prompt_length": 10_000}, "prompt_length"),
                             ({"preset": "ner", "method": "manual-prompt"}, "does not fit"),
                             ({"source": "hub", "hub_id": "someone/not-here"}, "someone/not-here")]:
        message, run_id = train(client, {**TINY_FORM, **change})
        assert expected in message and "lab-error" in message and not run_id
    assert len(client.predict(api_name="/list_runs")) == before


@pytest.mark.slow  # real workers are started, killed and crashed: about 15 s
def test_queue_abort_crash_and_killed_worker(served, tmp_path):
    lab, client = served
    _, long_run = train(client, LONG_FORM)
    wait_for(lambda: client.predict(long_run, api_name="/run_summary").get("pid"), 60, what="the worker's pid")
    # a second run waits in the queue; its data vanishes before it starts: it must fail with the reason
    data = tmp_path / "reviews.csv"
    data.write_text("text,label\n" + "".join(f"review {i} was {w},{label}\n" for i in range(20)
                                            for w, label in (("great", "pos"), ("awful", "neg"))))
    _, doomed = train(client, {**TINY_FORM, "source": "upload", "upload": handle_file(str(data))})
    _, third = train(client, TINY_FORM)
    assert status_of(client, doomed) == "queued" and status_of(client, third) == "queued"
    os.remove(lab.store.get(doomed).config()["task"])
    assert "aborted" in client.predict(long_run, api_name="/abort")
    assert status_of(client, long_run) == "aborted"
    failed = finished(client, doomed)
    assert failed["status"] == "failed" and "does not exist" in failed["error"]
    assert finished(client, third)["status"] == "finished"  # started after the failed one, in order
    # SIGKILL a worker: marked interrupted on the next tick; the app keeps serving
    _, killed = train(client, LONG_FORM)
    pid = wait_for(lambda: client.predict(killed, api_name="/run_summary").get("pid"), 60, what="the worker's pid")
    os.kill(pid, signal.SIGKILL)
    summary = finished(client, killed, timeout=20)
    assert summary["status"] == "interrupted" and "killed by SIGKILL" in summary["error"]
    assert client.predict(api_name="/list_runs")[0]["id"] == killed


def test_compare_with_fine_tuning_starts_the_baseline_once(served):
    lab, client = served
    _, run_id = train(client, TINY_FORM)
    finished(client, run_id)
    message, picker = client.predict([run_id], api_name="/baseline")
    baseline = picker["value"][-1]
    assert "Started the fine-tuning baseline" in message and baseline != run_id
    assert finished(client, baseline)["status"] == "finished"
    message, picker = client.predict([run_id], api_name="/baseline")
    assert "already covers" in message and picker["value"] == [run_id, baseline]
    table, *_ = client.predict([run_id, baseline], api_name="/compare")
    assert [row[3] for row in table["data"]] == ["p-tuning-v2", "fine-tuning"]
