"""One claimant per run: a claim has one winner, two schedulers ticking the same queue start a run
once (and leave each other's runs alone), a CLI run is never claimed or interrupted by a scheduler
on the same folder, SIGTERM ends a CLI run as aborted, and only one process holds the scheduler lock."""
import subprocess
import sys
import textwrap
import threading
import time

from core.jobs import JobManager
from core.runs import RunStore
from reltools import (ROOT, sigterm, finished_run, folder_bytes, index_rows, status_of, stray_entries, tiny_config,
                      wait_for)


def test_a_claim_has_one_winner(root):
    run = RunStore(root).create(tiny_config(root))
    stores = [RunStore(root) for _ in range(8)]  # one connection each, as separate processes would have
    barrier, won = threading.Barrier(len(stores)), []

    def claim(store):
        barrier.wait()
        won.append(store.claim(run.id))

    threads = [threading.Thread(target=claim, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 7 + [True]
    assert index_rows(root)[run.id]["status"] == "running"
    assert RunStore(root).claim(run.id) is False  # and nobody can claim it again


def test_a_claim_in_flight_is_not_undone_by_another_scheduler(root):
    """Between a scheduler's claim (the index says running) and its write of status.json (still queued),
    another scheduler must neither put the run back in the queue nor start it a second time."""
    store = RunStore(root)
    run = store.create(tiny_config(root))
    assert store.claim(run.id)  # the first scheduler's claim; its status.json write has not happened yet
    other = JobManager(RunStore(root), max_concurrent=1)
    other.tick()
    assert other._children == {} and not (run.path / "worker.log").exists()
    assert index_rows(root)[run.id]["status"] == "running" and status_of(root, run.id)["status"] == "queued"
    # had the claimer died right there, the next app start finds the run queued again
    RunStore(root, heal=True)
    assert index_rows(root)[run.id]["status"] == "queued"


def test_two_schedulers_start_a_queued_run_once_and_let_it_finish(root):
    bystander = finished_run(RunStore(root))
    before = folder_bytes(bystander.path), index_rows(root)[bystander.id]
    run = RunStore(root).create(tiny_config(root))
    managers = [JobManager(RunStore(root), max_concurrent=1) for _ in range(2)]
    started, errors = [], []
    for manager in managers:  # count the starts each scheduler makes
        def counted(run_id, start=manager._start):
            won = start(run_id)
            if won:
                started.append(run_id)
            return won
        manager._start = counted
    barrier, done = threading.Barrier(2), threading.Event()

    def schedule(manager):
        barrier.wait()  # both look at the queued run at the same moment
        while not done.is_set():
            try:
                manager.tick()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            time.sleep(0.05)

    threads = [threading.Thread(target=schedule, args=(m,)) for m in managers]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: status_of(root, run.id).get("status") not in ("queued", "running")
                 and not any(m._children for m in managers), timeout=120, what="the run to end")
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert errors == [] and started == [run.id]
    status = status_of(root, run.id)
    assert status["status"] == "finished", (status, (run.path / "worker.log").read_text()[-2000:])
    assert index_rows(root)[run.id]["status"] == "finished"
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id, run.id}) == []


def long_cli_run(root) -> subprocess.Popen:
    """`python -m core.train` on a tiny run that trains until it is stopped."""
    return subprocess.Popen([sys.executable, "-m", "core.train", "--task", "sentiment", "--backbone", "tiny-encoder",
                             "--method", "p-tuning-v2", "--max-steps", "1000000", "--eval-every", "1000000",
                             "--max-train-examples", "16", "--max-eval-examples", "8", "--batch-size", "8",
                             "--max-length", "64", "--prompt-length", "4", "--out", str(root), "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_cli_run_is_left_alone_by_a_scheduler_and_sigterm_aborts_it(root):
    bystander = finished_run(RunStore(root))
    before = folder_bytes(bystander.path), index_rows(root)[bystander.id]
    cli = long_cli_run(root)
    try:
        def cli_run():
            ids = [p.name for p in root.iterdir() if p.is_dir() and p.name != bystander.id]
            # status.json (with the pid) is written just before the index row: wait for both
            return ids[0] if ids and status_of(root, ids[0]).get("pid") == cli.pid and ids[0] in index_rows(root) \
                else None
        run_id = wait_for(cli_run, timeout=90, what="the CLI's run folder")
        status = status_of(root, run_id)
        assert (status["status"], status["runner"]) == ("running", "cli")
        assert index_rows(root)[run_id]["status"] == "running"

        # a scheduler (the app) ticks on the same folder while the CLI trains: it never claims,
        # restarts or interrupts the CLI's run
        jobs = JobManager(RunStore(root), max_concurrent=1)
        starts = []
        jobs._start = lambda run_id, start=jobs._start: starts.append(run_id) or start(run_id)
        wait_for(lambda: len((root / run_id / "metrics.jsonl").read_text().splitlines())
                 if (root / run_id / "metrics.jsonl").exists() else 0, timeout=60, what="training steps")
        steps = []
        for _ in range(15):
            jobs.tick()
            steps.append(status_of(root, run_id).get("step"))
            assert status_of(root, run_id)["status"] == "running" and index_rows(root)[run_id]["status"] == "running"
            time.sleep(0.1)
        assert starts == [] and jobs._children == {} and not (root / run_id / "worker.log").exists()
        assert cli.poll() is None
        trained = len((root / run_id / "metrics.jsonl").read_text().splitlines())
        assert trained >= 2  # it kept training all along

    except BaseException:
        cli.kill()
        raise
    err = sigterm(cli)
    assert cli.returncode == 130, err[-2000:]
    assert "aborted: stopped by SIGTERM" in err and "Traceback" not in err
    status = status_of(root, run_id)
    assert (status["status"], status["error"]) == ("aborted", "stopped by SIGTERM")
    row = index_rows(root)[run_id]
    assert (row["status"], row["error"]) == ("aborted", "stopped by SIGTERM")
    jobs.tick()  # and a scheduler afterwards leaves the aborted run as it is
    assert index_rows(root)[run_id] == row and status_of(root, run_id) == status
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id, run_id}) == []


def test_sigterm_as_soon_as_the_cli_run_exists_aborts_it(root):
    """SIGTERM the moment status.json names the CLI's pid (while the run folder is still being written)."""
    cli = long_cli_run(root)
    try:
        run_id = wait_for(lambda: next((p.parent.name for p in root.glob("*/status.json")
                                        if status_of(root, p.parent.name).get("pid") == cli.pid), None),
                          timeout=90, every=0.0005, what="the CLI's run folder")
    except BaseException:
        cli.kill()
        raise
    err = sigterm(cli)
    assert cli.returncode == 130, err[-2000:]
    assert (status_of(root, run_id)["status"], status_of(root, run_id)["error"]) == ("aborted", "stopped by SIGTERM")
    assert (index_rows(root)[run_id]["status"], index_rows(root)[run_id]["error"]) == ("aborted", "stopped by SIGTERM")
    assert stray_entries(root, {run_id}) == []


SCHEDULER = textwrap.dedent("""
    import sys, time
    from core.jobs import JobManager
    from core.runs import RunStore
    jobs = JobManager(RunStore(sys.argv[1]), max_concurrent=1)
    jobs.start_background(every=0.1)
    print("started", flush=True)
    time.sleep(60)
""")
HOLDER = textwrap.dedent("""
    import sys, time
    from core.jobs import JobManager
    from core.runs import RunStore
    jobs = JobManager(RunStore(sys.argv[1]))  # kept: the lock lives as long as its manager
    print(jobs.holds_scheduler_lock(), flush=True)
    time.sleep(60)
""")


def test_only_one_process_holds_the_scheduler_lock(root):
    """A second app's scheduler does not tick while the first holds the lock, and takes over when it stops.
    (A queued run with a damaged folder shows whether anyone ticks: a tick marks it failed at once.)"""
    bystander = finished_run(RunStore(root))
    before = folder_bytes(bystander.path), index_rows(root)[bystander.id]
    run = RunStore(root).create(tiny_config(root))
    (run.path / "config.yaml").unlink()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    second = None
    try:
        assert holder.stdout.readline().strip() == "True"
        assert (root / ".scheduler.lock").read_text() == str(holder.pid)
        assert JobManager(RunStore(root)).holds_scheduler_lock() is False  # not this process either
        second = subprocess.Popen([sys.executable, "-c", SCHEDULER, str(root)], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        assert second.stdout.readline().strip() == "started"
        time.sleep(1.5)  # fifteen of its ticks, had it the lock
        assert index_rows(root)[run.id]["status"] == "queued" and status_of(root, run.id)["status"] == "queued"

        holder.kill()  # the first app stops: the second takes over within a tick
        holder.wait()
        wait_for(lambda: index_rows(root)[run.id]["status"] == "failed", timeout=20, what="the takeover")
        assert index_rows(root)[run.id]["error"] == "run folder damaged: config.yaml is missing"
        assert (root / ".scheduler.lock").read_text() == str(second.pid)
    finally:
        for process in (holder, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert "another process schedules runs in" in second.stderr.read()
    assert (folder_bytes(bystander.path), index_rows(root)[bystander.id]) == before
    assert stray_entries(root, {bystander.id, run.id}) == []


def test_a_run_submitted_in_a_second_app_waits_for_the_scheduler(root):
    """`submit` in a process that does not hold the scheduler lock queues the run and starts nothing:
    the scheduling app starts it (and watches its worker); two apps never both start workers."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        jobs = JobManager(RunStore(root), max_concurrent=1)
        run_id = jobs.submit(tiny_config(root))
        time.sleep(0.5)
        assert jobs._children == {} and not (root / run_id / "worker.log").exists()
        assert index_rows(root)[run_id]["status"] == "queued" and status_of(root, run_id)["status"] == "queued"
    finally:
        holder.kill()
        holder.wait()
    assert stray_entries(root, {run_id}) == []
