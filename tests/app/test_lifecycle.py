"""`python app.py` as a real process, killed and restarted: runs outlive the app (workers lead their
own sessions), the restarted app lists every run again and keeps the queue order, and a run whose
worker died while the app was down is marked interrupted, not lost."""
from __future__ import annotations

import os
import signal

import pytest
from gradio_client import Client

from labtools import LONG_FORM, TINY_FORM, AppProcess, form_args, kill_workers, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*")]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie (exited, not yet reaped by its dead parent's successor) counts as gone
        return open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


def summary(client, run_id):
    return client.predict(run_id, api_name="/run_summary")


def train(client, form):
    return client.predict(*form_args(form), api_name="/train")[-1]


def test_kill_the_app_mid_run_and_restart(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    apps = []
    try:
        first = AppProcess(runs)
        apps.append(first)
        first.wait_ready()
        client = Client(first.url, verbose=False)
        survivor, waiting = train(client, LONG_FORM), train(client, TINY_FORM)
        pid = wait_for(lambda: summary(client, survivor).get("pid"), 60, what="the worker's pid")
        assert summary(client, waiting)["status"] == "queued"  # one run at a time on CPU
        first.kill()  # SIGKILL, like a crashed server or a restarted Space
        assert alive(pid), "the worker must outlive the app"

        second = AppProcess(runs)
        apps.append(second)
        second.wait_ready()
        client = Client(second.url, verbose=False)
        listed = {row["id"]: row["status"] for row in client.predict(api_name="/list_runs")}
        assert listed == {survivor: "running", waiting: "queued"}
        # the old worker still holds the slot: the queued run waits for it ...
        assert summary(client, waiting)["status"] == "queued"
        os.kill(pid, signal.SIGKILL)  # ... until it dies: marked interrupted, and the queue moves on
        wait_for(lambda: summary(client, survivor)["status"] == "interrupted", 20, what="interrupted")
        wait_for(lambda: summary(client, waiting)["status"] == "finished", 90, what="the queued run to finish")

        # a run whose worker dies while the app is down is found interrupted by the next app
        doomed = train(client, LONG_FORM)
        pid = wait_for(lambda: summary(client, doomed).get("pid"), 60, what="the worker's pid")
        second.kill()
        os.kill(pid, signal.SIGKILL)
        third = AppProcess(runs)
        apps.append(third)
        third.wait_ready()
        client = Client(third.url, verbose=False)
        wait_for(lambda: summary(client, doomed)["status"] == "interrupted", 20, what="interrupted after restart")
        assert "while no scheduler was watching it" in summary(client, doomed)["error"]
        assert {row["id"] for row in client.predict(api_name="/list_runs")} == {survivor, waiting, doomed}
        # and the restarted app still launches and finishes runs
        again = train(client, TINY_FORM)
        wait_for(lambda: summary(client, again)["status"] == "finished", 90, what="a new run to finish")
    finally:
        for app in apps:
            app.kill()
        kill_workers(runs)
