"""Experiment trackers: TensorBoard and trackio mirror a run's metrics as metrics.jsonl is written.

A run names its trackers in `report_to` (transformers' TrainingArguments names; default none). They
are more recorders (core.runs.Recorder): RunRecorder writes each metrics row to metrics.jsonl first,
the truth, then hands it to `Trackers`, which mirrors it to every tracker still working. Only the two
trackers that run locally without an account are supported; wandb, mlflow and transformers' other
names are refused with the reason, not half-supported.

Where they write (decided by the server and the operator, never by a visitor):
  tensorboard  runs/<id>/tensorboard/           ($PROMPT_LAB_TRACKER_DIR/tensorboard/<id>/ when set)
  trackio      runs/trackio/<project>.db        ($PROMPT_LAB_TRACKER_DIR/trackio/ when set); the project
               is the run's study, else "prompt-lab"; the trackio run is named after the run id.
trackio reads its folder (TRACKIO_DIR) once, when imported, so one folder serves a whole lab, and a
process that already loaded trackio for another folder gets a recorded error, not misplaced data.
Nothing reaches the network: trackio's Space/server/bucket variables are hidden while it works.

A tracker never fails a run: one that cannot start (not installed, folder not writable) or fails
later is closed, and its error is kept in status.json and final.json as `tracker_errors` (the Runs
tab shows them); training goes on. Where each tracker wrote is kept in status.json as `trackers`,
from which `dashboard` builds the command that opens it.

Past runs (any run, whatever its report_to) replay their metrics.jsonl into a tracker, replacing
what it held for them:
    python -m core.trackers runs/<id> [runs/<id2> ...] --to tensorboard [trackio]
    python -m core.trackers --study <study id> --to trackio          # every run of a study
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import math
import numbers
import os
import shlex
import sys
from pathlib import Path

from core.config import ConfigError
from core.runs import ACTIVE, STATUSES, NoSuchRun, Recorder, Run, RunStore, default_root

LOCAL = ("tensorboard", "trackio")  # local files, no account, no server
# transformers' other report_to names (transformers.integrations.INTEGRATION_TO_CALLBACK), and why not
REFUSED = {"wandb": "it logs to Weights & Biases' servers, with an account",
           "mlflow": "it logs to an MLflow tracking server or store the lab does not manage",
           "comet_ml": "it logs to Comet's servers, with an account",
           "neptune": "it logs to Neptune's servers, with an account",
           "swanlab": "it logs to SwanLab's servers, with an account",
           "dagshub": "it logs to DagsHub's servers, with an account",
           "clearml": "it logs to a ClearML server",
           "azure_ml": "it logs to an Azure ML workspace",
           "kubeflow": "it reports to a Kubeflow cluster",
           "flyte": "it reports to a Flyte cluster",
           "dvclive": "it writes into a DVC repository the lab does not manage",
           "codecarbon": "it measures energy use, not training metrics"}
DIRECTORY_VARIABLE = "PROMPT_LAB_TRACKER_DIR"
DEFAULT_PROJECT = "prompt-lab"
FINAL_TEXT = ("metric_name", "best_metric", "best_step", "test_metric", "last_metric", "share", "steps", "wall_time",
              "evaluation")  # what TensorBoard's text tab shows of final.json
SYSTEM = ("elapsed", "peak_memory_mb")  # metrics rows' columns that describe the machine, not the model
# trackio variables that would send data to a Space, a server or a bucket (read at init and on reads)
TRACKIO_REMOTE = ("TRACKIO_SPACE_ID", "TRACKIO_SERVER_URL", "TRACKIO_BUCKET_ID", "TRACKIO_DATASET_ID",
                  "TRACKIO_WEBHOOK_URL")


class TrackerError(RuntimeError):
    """A tracker that cannot work; the message says why and what to do."""


# -- the report_to setting ----------------------------------------------------------------------
def check_report_to(value) -> list[str]:
    """report_to as a list of local tracker names, or ConfigError. Takes what transformers' report_to
    takes: a name, a list of names, "none" (or nothing) for no tracker, "all" for every tracker the lab
    has; and, for the command line, names separated by commas."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
        raise ConfigError(f"report_to must be a tracker name or a list of them ({', '.join(LOCAL)}), all or none, "
                          f"got {value!r}")
    names = [name.strip().lower() for item in items for name in item.split(",") if name.strip()]
    if names in ([], ["none"]):
        return []
    if names == ["all"]:
        return list(LOCAL)
    chosen: list[str] = []
    for name in names:
        if name in ("none", "all"):
            raise ConfigError(f"report_to: '{name}' stands alone; it cannot be listed with trackers ({value!r})")
        if name in REFUSED:
            raise ConfigError(f"report_to: {name} is not supported by Prompt Lab ({REFUSED[name]}; the lab works "
                              f"offline, without accounts): use {' or '.join(LOCAL)} (local files, no account), "
                              "or none")
        if name not in LOCAL:
            raise ConfigError(f"report_to: '{name[:40]}' is not a tracker; choose from {', '.join(LOCAL)}, all or none")
        if name not in chosen:
            chosen.append(name)
    return chosen


def installed() -> list[str]:
    """The local trackers whose package is installed (found, not imported: cheap at start-up)."""
    import importlib.util
    return [name for name in LOCAL if importlib.util.find_spec(name) is not None]


# -- where trackers write -------------------------------------------------------------------------
def configured_root() -> Path | None:
    """The operator's tracker folder ($PROMPT_LAB_TRACKER_DIR), or None: inside the runs folder."""
    text = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    return Path(text) if text else None


def tensorboard_dir(run: Run) -> Path:
    root = configured_root()
    return root / "tensorboard" / run.id if root else run.path / "tensorboard"


def trackio_dir(runs_root: Path) -> Path:
    return (configured_root() or runs_root) / "trackio"


def trackio_project(run: Run) -> str:
    return run.study() or DEFAULT_PROJECT


def scalars(row: dict) -> dict[str, float]:
    """A metrics row -> {tag: value}: train/loss, train/lr, dev/<metric> (dev/<task>/<metric> for a
    multi-task run), system/elapsed, system/peak_memory_mb. Missing and non-finite values are left out."""
    out = {}
    for key, value in row.items():
        if key == "step" or isinstance(value, bool) or not isinstance(value, numbers.Real):
            continue
        if not math.isfinite(value):
            continue
        tag = f"dev/{key[4:]}" if key.startswith("dev_") else f"system/{key}" if key in SYSTEM else f"train/{key}"
        out[tag] = float(value)
    return out


# -- the trackers ---------------------------------------------------------------------------------
class TensorBoard:
    """Event files that `tensorboard --logdir` reads (torch.utils.tensorboard, which needs the
    tensorboard package)."""
    name = "tensorboard"

    def __init__(self, run: Run, config: dict):
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as error:
            raise TrackerError(f"tensorboard is not installed ({error}): pip install tensorboard") from None
        self.folder = tensorboard_dir(run)
        self.where = {"logdir": str(self.folder)}
        self.writer = SummaryWriter(log_dir=str(self.folder), flush_secs=10)
        import yaml
        self.writer.add_text("config", "```\n" + yaml.safe_dump(config, sort_keys=False) + "```", 0)

    def log(self, row: dict) -> None:
        for tag, value in scalars(row).items():
            self.writer.add_scalar(tag, value, row["step"])
        if any(key.startswith("dev_") for key in row):  # checkpoints reach the dashboard at once
            self.writer.flush()

    def close(self, final: dict | None) -> None:
        if final:
            import json
            shown = {k: v for k, v in final.items() if k in FINAL_TEXT}
            self.writer.add_text("final", "```\n" + json.dumps(shown, indent=1) + "\n```", final.get("steps") or 0)
        self.writer.close()


@contextlib.contextmanager
def _local_only():
    """trackio offline and quiet: its remote variables hidden, its prints dropped (the command line's stdout
    ends with the final metrics as JSON, and trackio's dashboard hint lacks the TRACKIO_DIR it needs:
    `Trackers` prints the full command)."""
    hidden = {name: os.environ.pop(name) for name in TRACKIO_REMOTE if name in os.environ}
    try:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            yield
    finally:
        os.environ.update(hidden)


def load_trackio(folder: Path):
    """The trackio module, writing to `folder`. trackio reads TRACKIO_DIR when first imported, so it is
    set before that; a process that already loaded trackio for another folder cannot write here."""
    if "trackio" not in sys.modules:
        os.environ["TRACKIO_DIR"] = str(folder)
    try:
        import trackio
        from trackio import utils
    except ImportError as error:
        raise TrackerError(f"trackio is not installed ({error}): pip install trackio") from None
    if Path(utils.TRACKIO_DIR).resolve() != folder.resolve():
        raise TrackerError(f"trackio already writes to {utils.TRACKIO_DIR} in this process, not {folder} (trackio "
                           "reads TRACKIO_DIR once, when imported); run one lab per process")
    return trackio


class Trackio:
    """A trackio run in a local SQLite database (trackio.init / log / finish), named after the run,
    in the run's study's project. `trackio show` opens the dashboard."""
    name = "trackio"

    def __init__(self, run: Run, config: dict):
        folder = trackio_dir(run.store.root)
        folder.mkdir(parents=True, exist_ok=True)
        self.module = load_trackio(folder)
        self.project, self.rows = trackio_project(run), 0
        self.where = {"dir": str(folder), "project": self.project}
        with _local_only():
            self.run = self.module.init(project=self.project, name=run.id, group=config.get("method"), config=config,
                                        embed=False, auto_log_cpu=False, auto_log_gpu=False)

    def log(self, row: dict) -> None:
        values = scalars(row)
        if values:
            self.run.log(values, step=row["step"])
            self.rows += 1

    def close(self, final: dict | None) -> None:
        from trackio import context_vars
        from trackio.sqlite_storage import SQLiteStorage
        from trackio.utils import get_storage_mode
        with _local_only():
            self.run.finish()
            if context_vars.current_run.get() is self.run:
                context_vars.current_run.set(None)  # else trackio finishes it again at exit
            stored = SQLiteStorage.get_log_count(self.project, run_id=self.run.id) \
                if get_storage_mode() == "sqlite" else self.rows  # jsonl fragments reach the database later
        if stored < self.rows:  # trackio reports write failures as warnings from its thread: check
            raise TrackerError(f"trackio stored {stored} of {self.rows} metrics rows in {self.where['dir']}")


TRACKERS = {"tensorboard": TensorBoard, "trackio": Trackio}


def describe(error: Exception) -> str:
    return str(error) if isinstance(error, TrackerError) else f"{type(error).__name__}: {error}"


class Trackers(Recorder):
    """The trackers one run reports to, as one recorder. Each mirrors every metrics row; one that fails
    is closed and its error kept (`errors`, passed to `on_error` as it happens): the run goes on."""

    def __init__(self, run: Run, on_error=None):
        self.run, self.on_error = run, on_error
        self.open: list = []
        self.errors: list[str] = []
        self.where: dict[str, dict] = {}

    def start(self, config, family, total_steps, share, warning):
        settings = config.to_dict()
        for name in config.report_to:
            try:
                tracker = TRACKERS[name](self.run, settings)
            except Exception as error:  # noqa: BLE001 - a tracker never fails a run
                self._fail(f"{name} could not start: {describe(error)}")
                continue
            self.open.append(tracker)
            self.where[name] = tracker.where
            print(f"{name} dashboard: {' '.join(dashboard({'trackers': {name: tracker.where}})['commands'])}",
                  file=sys.stderr)
        atexit.register(self.close)  # a run that dies of an exception still flushes what it logged

    def log(self, row, total_steps):
        for tracker in list(self.open):
            try:
                tracker.log(row)
            except Exception as error:  # noqa: BLE001
                self._fail(f"{tracker.name} stopped at step {row.get('step')}: {describe(error)}", tracker)

    def finish(self, final, weights, predictions):
        self.close(final)

    def close(self, final: dict | None = None) -> None:
        """Close every tracker still open (idempotent)."""
        atexit.unregister(self.close)
        while self.open:
            tracker = self.open.pop(0)
            try:
                tracker.close(final)
            except Exception as error:  # noqa: BLE001
                self._fail(f"{tracker.name} could not finish: {describe(error)}")

    def _fail(self, message: str, tracker=None) -> None:
        if tracker in self.open:
            self.open.remove(tracker)
            with contextlib.suppress(Exception):
                tracker.close(None)
        self.errors.append(message)
        print(f"tracker error (the run goes on): {message}", file=sys.stderr)
        if self.on_error is not None:
            with contextlib.suppress(Exception):
                self.on_error(list(self.errors))


# -- what the lab shows ---------------------------------------------------------------------------
def _quote(path) -> str:
    return shlex.quote(str(path))


def _trackio_command(folder: str, project: str) -> str:
    return f"TRACKIO_DIR={_quote(folder)} trackio show --project {_quote(project)}"


def dashboard(status: dict) -> dict:
    """From a run's status.json: {"commands": the commands that open its trackers' dashboards,
    "errors": its tracker errors}. Pure: the Runs tab calls it with the status it already read."""
    where = status.get("trackers") if isinstance(status.get("trackers"), dict) else {}
    commands = []
    if isinstance(where.get("tensorboard"), dict) and where["tensorboard"].get("logdir"):
        commands.append(f"tensorboard --logdir {_quote(where['tensorboard']['logdir'])}")
    if isinstance(where.get("trackio"), dict) and where["trackio"].get("dir"):
        commands.append(_trackio_command(where["trackio"]["dir"], where["trackio"].get("project") or DEFAULT_PROJECT))
    errors = status.get("tracker_errors")
    return {"commands": commands, "errors": [str(e) for e in errors] if isinstance(errors, list) else []}


def combined_dashboard(statuses: list[tuple[str, dict]]) -> list[str]:
    """The commands that open the dashboards of several runs ((run id, status.json) pairs), e.g. a
    study's: one TensorBoard over every run's event folder (named by run id), and each trackio project."""
    logdirs, projects = [], []
    for run_id, status in statuses:
        where = status.get("trackers") if isinstance(status.get("trackers"), dict) else {}
        if isinstance(where.get("tensorboard"), dict) and where["tensorboard"].get("logdir"):
            logdirs.append((run_id, where["tensorboard"]["logdir"]))
        if isinstance(where.get("trackio"), dict) and where["trackio"].get("dir"):
            place = (where["trackio"]["dir"], where["trackio"].get("project") or DEFAULT_PROJECT)
            projects += [place] if place not in projects else []
    commands = []
    if len(logdirs) == 1:
        commands.append(f"tensorboard --logdir {_quote(logdirs[0][1])}")
    elif logdirs:
        commands.append("tensorboard --logdir_spec " + _quote(",".join(f"{run_id}:{path}" for run_id, path in logdirs)))
    return commands + [_trackio_command(folder, project) for folder, project in projects]


def study_dashboard(store: RunStore, run_ids) -> list[str]:
    """`combined_dashboard` of the runs `run_ids` of this store (a study's points; unknown ids skipped)."""
    statuses = []
    for run_id in run_ids:
        try:
            statuses.append((run_id, store.get(run_id).status()))
        except NoSuchRun:
            continue
    return combined_dashboard(statuses)


# -- replaying past runs --------------------------------------------------------------------------
def _forget(run: Run, name: str) -> None:
    """Remove what tracker `name` holds for this run, so a replay replaces it rather than doubling it."""
    if name == "tensorboard":
        folder = tensorboard_dir(run)
        for path in folder.glob("events.out.tfevents.*") if folder.is_dir() else ():
            path.unlink()
    else:
        load_trackio(trackio_dir(run.store.root))  # first: it sets the folder trackio reads on import
        from trackio.sqlite_storage import SQLiteStorage
        project = trackio_project(run)
        with _local_only():
            while run.id in SQLiteStorage.get_runs(project):
                SQLiteStorage.delete_run(project, run.id)


def replay(run: Run, name: str) -> int:
    """Mirror a past run's metrics.jsonl (and final.json) into tracker `name`, replacing what it held for
    the run; records where in status.json. -> rows replayed. Raises TrackerError or ConfigError."""
    if name not in TRACKERS:
        check_report_to(name)  # says why (wandb, a typo)
    status = run.status().get("status")
    if status in ACTIVE:
        raise TrackerError(f"run {run.id} is {status}: its trackers mirror it live (report_to); replay it once it ends")
    rows = run.metrics()
    _forget(run, name)
    tracker = TRACKERS[name](run, run.config())
    for row in rows:
        tracker.log(row)
    tracker.close(run.final())
    where = run.status().get("trackers")
    if status in STATUSES:  # the Runs tab shows the dashboard's command from here
        run.set_status(status, trackers={**(where if isinstance(where, dict) else {}), name: tracker.where})
    return len(rows)


def _runs_named(args: argparse.Namespace) -> list[Run]:
    """The runs the command line names: run folders (or ids in --runs-dir) and a study's runs (those it
    has queued; a run deleted since is skipped, and said so)."""
    runs = []
    for text in args.runs:
        folder = Path(text)
        root = folder.parent if folder.parent != Path(".") or folder.is_dir() else Path(args.runs_dir)
        if not (root / folder.name / "config.yaml").is_file():
            raise TrackerError(f"{text} is not a run folder (it holds no config.yaml)")
        runs.append(RunStore(root).get(folder.name))
    if args.study:
        from core.studies import StudyStore
        if not Path(args.runs_dir).is_dir():
            raise TrackerError(f"no runs folder {args.runs_dir} (set --runs-dir)")
        store = RunStore(args.runs_dir)
        for point in StudyStore(store).get(args.study).points():
            try:
                runs += [store.get(point["run"])] if point.get("run") else []
            except NoSuchRun as error:
                print(f"skipped: {error}", file=sys.stderr)
    if not runs:
        raise TrackerError("name at least one run folder (runs/<id>) or a --study that has runs")
    return runs


def main(argv: list[str] | None = None) -> int:
    """Replay the runs named into the trackers named, then print the dashboards' commands. Exit 2: nothing
    could be done (a bad name or folder); 1: some run could not be replayed (each says why)."""
    parser = argparse.ArgumentParser(prog="python -m core.trackers",
                                     description="Replay past runs' metrics.jsonl into experiment trackers.")
    parser.add_argument("runs", nargs="*", help="run folders, e.g. runs/<id> (or run ids inside --runs-dir)")
    parser.add_argument("--study", help="also every run of this study (an id in --runs-dir's studies)")
    parser.add_argument("--to", nargs="+", required=True, help=f"trackers: {', '.join(LOCAL)}")
    parser.add_argument("--runs-dir", default=str(default_root()), help="the runs folder for ids and --study")
    args = parser.parse_args(argv)
    try:
        names = check_report_to(args.to)
        runs = _runs_named(args)
    except (TrackerError, ConfigError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failed = 0
    for run in runs:
        for name in names:
            try:
                count = replay(run, name)
            except (TrackerError, KeyError) as error:
                print(f"error: {run.id}: {error}", file=sys.stderr)
                failed += 1
                continue
            print(f"{run.id}: {count} metrics rows -> {name}", file=sys.stderr)
    for command in combined_dashboard([(run.id, run.status()) for run in runs]):
        print(command)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
