"""Run store: one folder per run is the truth; a SQLite index is a cache that heals from the folders.

runs/<id>/
  config.yaml         the resolved RunConfig: `python -m core.train --config` repeats the run
  status.json         status (queued, running, finished, failed, aborted, interrupted), pid, error
  metrics.jsonl       one JSON row per logged step, appended while training
  final.json          best dev metrics, parameter counts, wall time, peak memory
  predictions.json    dev predictions in display form
  trained.safetensors only the trained parameters (prompt, head, ...), never the frozen backbone
  .owner              who started the run (a hash of a browser's secret), on a shared lab
  .study              the study the run belongs to, if any (core/studies.py)
  worker.log          the worker's output (never served)
runs/index.sqlite     one row per run (mirrors the folders; rebuilt from them when missing, corrupt or behind)

Run ids are names, never paths: `RunStore.get` accepts only an id of the shape the store makes, for
a real folder directly inside the runs folder that the index knows. A public Space passes visitors'
strings straight here.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

import yaml

STATUSES = ("queued", "running", "finished", "failed", "aborted", "interrupted")
ACTIVE = ("queued", "running")
COLUMNS = {"id": "TEXT PRIMARY KEY", "created": "REAL", "task": "TEXT", "backbone": "TEXT", "method": "TEXT",
           "status": "TEXT", "error": "TEXT", "trainable": "INTEGER", "total": "INTEGER", "share": "TEXT",
           "metric_name": "TEXT", "best_metric": "REAL", "wall_time": "REAL", "peak_memory_mb": "REAL",
           "step": "INTEGER", "total_steps": "INTEGER", "owner": "TEXT", "family": "TEXT",
           "test_metric": "REAL", "last_metric": "REAL", "study": "TEXT"}
FINAL_COLUMNS = ("trainable", "total", "share", "metric_name", "best_metric", "wall_time", "peak_memory_mb",
                 "test_metric", "last_metric")
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")  # what `create` makes: no dots, no slashes
EXPORTED = ("config.yaml", "trained.safetensors", "predictions.json", "final.json", "metrics.jsonl")
UPLOADS = "uploads"
WAIT_SECONDS = 60.0  # how long a write waits for a locked index before giving up (the folder stays the truth)
PROGRESS_WAIT = 0.5  # a progress write gives way at once: training goes on, the scheduler copies it from status.json


class NoSuchRun(KeyError):
    """A run id that is not a run of this store (bad shape, outside the folder, or unknown)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such run"


def default_root() -> Path:
    return Path(os.environ.get("PROMPT_LAB_RUNS", "runs"))


def _write_json(path: Path, data) -> None:
    """Write-then-rename, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def _read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):  # ValueError: bad JSON and non-UTF-8 bytes alike
        return default


def read_metrics(folder: Path) -> list[dict]:
    """A run folder's metrics.jsonl rows; a bad line (junk, or the one being written right now) is skipped
    alone. A plain function, for readers that hold a folder rather than a store's Run."""
    try:
        lines = (folder / "metrics.jsonl").read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    rows = []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and isinstance(row.get("step"), int):
            rows.append(row)
    return rows


def _problem_with_json(path: Path, what: str) -> str | None:
    """Why a JSON object file cannot be used, or None."""
    if not path.exists():
        return f"{what} is missing"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        return f"{what} is not UTF-8 text"
    except (OSError, ValueError) as error:
        return f"{what} is not valid JSON ({error})"
    return None if isinstance(data, dict) else f"{what} is not a JSON object"


class Run:
    def __init__(self, store: "RunStore", run_id: str):
        self.store, self.id, self.path = store, run_id, store.root / run_id

    # -- writing (the worker) --------------------------------------------------------
    def set_status(self, status: str, **info) -> None:
        """status.json first (the truth), then the index (a cache: a locked index never stops a run)."""
        assert status in STATUSES, status
        data = {**self.status(), "status": status, "updated": time.time(), **info}
        _write_json(self.path / "status.json", data)
        self.store.update_index(self.id, wait=PROGRESS_WAIT if status == "running" else WAIT_SECONDS, status=status,
                                error=data.get("error"), step=data.get("step"), total_steps=data.get("total_steps"))

    def log_metrics(self, row: dict) -> None:
        with open(self.path / "metrics.jsonl", "a") as f:
            f.write(json.dumps(row) + "\n")

    def write_final(self, final: dict) -> None:
        _write_json(self.path / "final.json", final)
        self.store.update_index(self.id, **{k: final.get(k) for k in FINAL_COLUMNS})

    def write_predictions(self, records: list[dict], name: str = "predictions.json") -> None:
        _write_json(self.path / name, records)

    # -- reading (the UI) ----------------------------------------------------------------
    def status(self) -> dict:
        data = _read_json(self.path / "status.json", {})
        return data if isinstance(data, dict) else {}

    def config(self) -> dict:
        """The run's config.yaml as a mapping; KeyError naming the damage when it cannot be read."""
        try:
            data = yaml.safe_load((self.path / "config.yaml").read_bytes().decode("utf-8"))
        except (OSError, ValueError, yaml.YAMLError):
            data = None
        if not isinstance(data, dict):
            raise NoSuchRun(f"run '{self.id}' is damaged: {self.damage() or 'config.yaml cannot be read'}")
        return data

    def damage(self) -> str | None:
        """Why this run's folder cannot be used as a run (a missing or junk config.yaml/status.json), or None."""
        problems = [p for p in (_problem_with_json(self.path / "status.json", "status.json"),) if p]
        config = self.path / "config.yaml"
        if not config.exists():
            problems.insert(0, "config.yaml is missing")
        else:
            try:
                data = yaml.safe_load(config.read_bytes().decode("utf-8"))
                if not isinstance(data, dict):
                    problems.insert(0, "config.yaml is not a mapping of settings")
            except (OSError, ValueError, yaml.YAMLError) as error:
                problems.insert(0, f"config.yaml cannot be read ({type(error).__name__})")
        if not problems and self.status().get("status") not in STATUSES:
            problems.append(f"status.json has no valid status ({self.status().get('status')!r})")
        return "; ".join(problems) or None

    def metrics(self) -> list[dict]:
        """Every readable row; a bad line (junk, or the one being written right now) is skipped alone."""
        return read_metrics(self.path)

    def final(self) -> dict:
        data = _read_json(self.path / "final.json", {})
        return data if isinstance(data, dict) else {}

    def predictions(self) -> list[dict]:
        data = _read_json(self.path / "predictions.json", [])
        return data if isinstance(data, list) else []

    def owner(self) -> str | None:
        try:
            return (self.path / ".owner").read_text().strip() or None
        except (OSError, ValueError):
            return None

    def study(self) -> str | None:
        try:
            return (self.path / ".study").read_text().strip() or None
        except (OSError, ValueError):
            return None

    def exported_files(self) -> list[Path]:
        """What a visitor may download: the config, trained parameters, predictions and metrics."""
        return [self.path / name for name in EXPORTED if (self.path / name).is_file()]

    @property
    def weights(self) -> Path:
        return self.path / "trained.safetensors"


def _preset_family(config: dict) -> str | None:
    """The family of a run made before runs recorded theirs: its preset's, if it used one."""
    task = config.get("task")
    if not isinstance(task, str):
        return None
    from core.data.presets import is_preset, read_meta  # the store stays importable without the data layer
    try:
        return read_meta(task).get("family") if is_preset(task) else None
    except ValueError:
        return None


class Recorder:
    """Where a training loop reports. This one keeps nothing (a library call); RunRecorder writes a run
    folder; experiment trackers are more recorders."""

    def start(self, config, family: str, total_steps: int, share: str, warning: str | None) -> None:
        pass

    def log(self, row: dict, total_steps: int) -> None:
        """One metrics row: every step has step/loss/lr/elapsed/peak_memory_mb, checkpoints dev_* too."""

    def finish(self, final: dict, weights: dict | None, predictions: list | None) -> None:
        """The final metrics, the best checkpoint's trained parameters and its dev predictions (None
        when no checkpoint was kept); final["diverged"] is set when the loss stopped being finite."""


class RunRecorder(Recorder):
    """The run folder's one writer while a run trains (the scheduler and the worker write only
    how a run starts and how it dies)."""

    def __init__(self, run: Run):
        self.run = run
        self.trackers = None  # core.trackers.Trackers: the config's report_to, mirroring every row

    def start(self, config, family, total_steps, share, warning):
        self.run.set_status("running", step=0, total_steps=total_steps, started=time.time(), share=share,
                            warning=warning, family=family)
        self.run.store.update_index(self.run.id, family=family, share=share, wait=0.5)
        self._start_trackers(config, family, total_steps, share, warning)

    def _start_trackers(self, config, *info) -> None:
        """Trackers never fail a run: their errors are recorded (status.json `tracker_errors`), and where
        they write (`trackers`) tells the lab which dashboard command to show."""
        if not getattr(config, "report_to", None):
            return
        from core.trackers import Trackers
        self.trackers = Trackers(self.run, on_error=lambda errors: self.run.set_status(
            self.run.status().get("status", "running"), tracker_errors=errors))
        self.trackers.start(config, *info)
        self.run.set_status("running", trackers=self.trackers.where)

    def log(self, row, total_steps):
        self.run.log_metrics(row)  # the truth first; the trackers mirror it
        if self.trackers is not None:
            self.trackers.log(row, total_steps)
        if any(key.startswith("dev_") for key in row):  # progress at checkpoints, as the curves grow
            self.run.set_status("running", step=row["step"], total_steps=total_steps)

    def finish(self, final, weights, predictions):
        from safetensors.torch import save_file  # only the worker and the CLI write weights
        if weights is not None:
            save_file(weights, str(self.run.weights))
        if isinstance(predictions, dict):  # a multi-task run (core/multitask.py): each task's file, the first's as usual
            for key, records in predictions.items():
                self.run.write_predictions(records, f"predictions_{key}.json")
            predictions = next(iter(predictions.values()), None)
        if predictions is not None:
            self.run.write_predictions(predictions)
        if self.trackers is not None:
            self.trackers.finish(final, weights, predictions)
            if self.trackers.errors:  # also in the final metrics the caller gets back
                final["tracker_errors"] = list(self.trackers.errors)
        self.run.write_final(final)
        if "diverged" not in final:
            self.run.set_status("finished", step=final["steps"])


class RunStore:
    def __init__(self, root: str | Path | None = None, heal: bool = False):
        """heal=True (the app at start-up): rebuild the index from the folders if it is missing, corrupt
        or behind. Any process may open a store; a corrupt index is always set aside and rebuilt."""
        self.root = Path(root) if root is not None else default_root()
        self.root.mkdir(parents=True, exist_ok=True)
        self.index = self.root / "index.sqlite"
        rebuilt = self._open_index()
        if heal and not rebuilt:
            self.heal()

    # -- the index ---------------------------------------------------------------------------
    def _connect(self, timeout: float = WAIT_SECONDS) -> sqlite3.Connection:
        db = sqlite3.connect(self.index, timeout=timeout)
        db.row_factory = sqlite3.Row
        return db

    def _open_index(self) -> bool:
        """Create or check the index; a file that is not a usable index is set aside and rebuilt.
        -> True when it was rebuilt."""
        try:
            with closing(self._connect()) as db:
                found = [row[1] for row in db.execute("PRAGMA table_info(runs)")]
                if found == list(COLUMNS):
                    return False
                if found:  # an older schema: the folders hold everything, rebuild
                    raise sqlite3.DatabaseError(f"columns {found} are not {list(COLUMNS)}")
                with db:
                    db.execute("PRAGMA journal_mode=WAL")  # readers never wait for the worker's writes
                    db.execute(f"CREATE TABLE IF NOT EXISTS runs ({', '.join(f'{k} {v}' for k, v in COLUMNS.items())})")
            if any(self._folders()):
                self.heal()  # a fresh index beside existing runs: it was deleted
                return True
            return False
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return False  # someone else holds it: it exists, and it is not our job to wait here
            return self._rebuild(error)
        except sqlite3.DatabaseError as error:
            return self._rebuild(error)

    def _rebuild(self, error: Exception) -> bool:
        aside = self.index.with_name(f"index.sqlite.broken-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}")
        for suffix in ("", "-wal", "-shm"):
            try:
                os.replace(f"{self.index}{suffix}", f"{aside}{suffix}")
            except OSError:
                pass
        print(f"run index {self.index} was unusable ({error}); set aside as {aside.name}, rebuilt from the "
              "run folders", file=sys.stderr)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"CREATE TABLE IF NOT EXISTS runs ({', '.join(f'{k} {v}' for k, v in COLUMNS.items())})")
        self.heal()
        return True

    def _write(self, sql: str, params: tuple = (), wait: float = WAIT_SECONDS) -> int | None:
        """One write, retried with backoff while the index is locked. -> rows changed, or None when
        the index stayed locked for `wait` seconds (the caller's folder is the truth; heal catches up)."""
        deadline, pause = time.monotonic() + wait, 0.05
        while True:
            try:
                with closing(self._connect(timeout=min(5.0, wait))) as db, db:
                    return db.execute(sql, params).rowcount
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if time.monotonic() + pause > deadline:
                    print(f"run index locked for {wait:g} s; will catch up later: {sql.split()[0]}", file=sys.stderr)
                    return None
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def _folders(self):
        """Direct sub-folders that look like runs (not the uploads folder, hidden files or symlinks)."""
        for path in self.root.iterdir():
            if (RUN_ID.fullmatch(path.name) and path.name != UPLOADS and path.is_dir() and not path.is_symlink()
                    and ((path / "config.yaml").exists() or (path / "status.json").exists())):
                yield path

    def row_from_folder(self, run_id: str) -> dict:
        """The index row a run folder implies; a damaged folder is a failed run that says why."""
        run = Run(self, run_id)
        status, final = run.status(), run.final()
        try:
            config = run.config()
        except KeyError:
            config = {}
        damage = run.damage()
        try:
            created = status.get("created") or run.path.stat().st_mtime
        except OSError:
            created = time.time()
        family = final.get("family") or status.get("family") or config.get("family") or _preset_family(config)
        row = {"id": run_id, "created": created, "task": config.get("task"), "backbone": config.get("backbone"),
               "method": config.get("method"), "family": family, "status": status.get("status"), "error": status.get("error"),
               "step": status.get("step"), "total_steps": status.get("total_steps"), "share": status.get("share"),
               "owner": run.owner(), "study": run.study(), **{k: final.get(k) for k in FINAL_COLUMNS if final.get(k) is not None}}
        if damage:
            row.update(status="failed", error=f"run folder damaged: {damage}")
        return {k: (v if isinstance(v, (int, float, str)) or v is None else str(v)) for k, v in row.items()
                if k in COLUMNS}

    def heal(self) -> dict:
        """Make the index agree with the folders: add runs it lacks, refresh rows that differ from
        status.json/final.json, and mark rows whose folder vanished as failed. -> counts of each."""
        counts = {"added": 0, "refreshed": 0, "missing": 0}
        rows = {row["id"]: row for row in self.list()}
        for path in self._folders():
            truth = self.row_from_folder(path.name)
            known = rows.pop(path.name, None)
            if known is None:
                self._insert(truth)
                counts["added"] += 1
            elif any(truth.get(k) is not None and truth[k] != known.get(k) for k in COLUMNS if k != "created"):
                self.update_index(path.name, **{k: v for k, v in truth.items() if k != "id"})
                counts["refreshed"] += 1
        for run_id, row in rows.items():
            if row["status"] != "failed" or not (row.get("error") or "").startswith("run folder"):
                self.update_index(run_id, status="failed", error="run folder is missing (deleted outside the lab?)")
                counts["missing"] += 1
        return counts

    def _insert(self, row: dict) -> None:
        names = [k for k in COLUMNS if k in row]
        self._write(f"INSERT OR REPLACE INTO runs ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                    tuple(row[k] for k in names))

    # -- runs ----------------------------------------------------------------------------------
    def create(self, config, status: str = "queued", owner: str | None = None, study: str | None = None,
               **info) -> Run:
        """A new run folder holding the config and status (`queued` for the scheduler; the CLI records its
        own runs as `running`, so no scheduler ever claims them), indexed at once."""
        while True:  # a study creates many runs in one second: an id already taken is drawn again
            run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{config.method}-{secrets.token_hex(2)}"
            run = Run(self, run_id)
            try:
                run.path.mkdir(parents=True)
                break
            except FileExistsError:
                continue
        (run.path / "config.yaml").write_text(config.to_yaml())
        if owner:
            (run.path / ".owner").write_text(owner)
        if study:
            (run.path / ".study").write_text(study)
        created = time.time()
        _write_json(run.path / "status.json", {"status": status, "created": created, "updated": created, **info})
        self._insert({"id": run_id, "created": created, "task": config.task, "backbone": config.backbone,
                      "method": config.method, "family": config.family or _preset_family(config.to_dict()),
                      "status": status, "owner": owner, "study": study})
        return run

    def row(self, run_id) -> dict:
        """The index row of `run_id`, a name made by `create` (never a path); NoSuchRun otherwise."""
        if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id) or run_id == UPLOADS:
            raise NoSuchRun(f"'{str(run_id)[:80]}' is not a run id: run ids are names such as "
                            "20260101-120000-p-tuning-v2-1a2b, never paths")
        rows = self.list(id=run_id)
        if not rows:
            raise NoSuchRun(f"no run '{run_id}' in this lab (deleted, or never existed)")
        return rows[0]

    def get(self, run_id) -> Run:
        """The run called `run_id`: a name the index knows, for a real folder directly inside the runs
        folder. Anything else (a path, `..`, a symlink, an unknown id, a vanished folder) is refused."""
        self.row(run_id)
        run = Run(self, run_id)
        if run.path.is_symlink() or not run.path.is_dir() or run.path.resolve().parent != self.root.resolve():
            raise NoSuchRun(f"run '{run_id}' has no folder in this lab any more (deleted outside the lab?)")
        return run

    def claim(self, run_id: str) -> bool:
        """queued -> running in one statement that only one process can win (two schedulers, or an
        app and the CLI on one folder, never train a run twice)."""
        return self._write("UPDATE runs SET status = 'running', step = 0 WHERE id = ? AND status = 'queued'",
                           (run_id,), wait=5.0) == 1

    def update_index(self, run_id: str, wait: float = WAIT_SECONDS, **values) -> None:
        values = {k: v for k, v in values.items() if k in COLUMNS and v is not None}
        if values:
            self._write(f"UPDATE runs SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                        (*values.values(), run_id), wait=wait)

    def list(self, **where) -> list[dict]:
        """Index rows, newest first; `where` filters on equal columns (e.g. task='ner')."""
        unknown = sorted(set(where) - set(COLUMNS))
        if unknown:
            raise ValueError(f"runs have no column {', '.join(unknown)}")
        clauses = " AND ".join(f"{k} = ?" for k in where)
        sql = "SELECT * FROM runs" + (f" WHERE {clauses}" if where else "") + " ORDER BY created DESC"
        with closing(self._connect()) as db:
            return [dict(row) for row in db.execute(sql, tuple(where.values()))]

    def delete(self, run_id: str) -> None:
        """Remove a run's folder and row (a row whose folder vanished too), and its uploaded data file
        when no other run uses it."""
        row = self.row(run_id)
        run = Run(self, run_id)
        if run.path.is_dir() and not run.path.is_symlink() and run.path.resolve().parent == self.root.resolve():
            shutil.rmtree(run.path, ignore_errors=True)
        self._write("DELETE FROM runs WHERE id = ?", (run_id,))
        upload = self.upload_folder(row.get("task"))
        if upload is not None and not self.list(task=row.get("task")):
            shutil.rmtree(upload, ignore_errors=True)

    @property
    def uploads(self) -> Path:
        return self.root / UPLOADS

    def upload_folder(self, task) -> Path | None:
        """The uploads/<digest> folder holding a run's data file, if its task is an upload of this lab."""
        if not isinstance(task, str):
            return None
        folder = Path(task).parent
        try:
            inside = folder.resolve().parent == self.uploads.resolve()
        except OSError:
            return None
        return folder if inside and folder.is_dir() and not folder.is_symlink() else None
