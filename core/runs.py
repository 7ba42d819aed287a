"""Run store: one folder per run plus a SQLite index, so any process (a worker, the UI,
the CLI) can list, read and compare runs.

runs/<id>/
  config.yaml         the resolved RunConfig: `python -m core.train --config` repeats the run
  status.json         status (queued, running, finished, failed, aborted, interrupted), pid, error
  metrics.jsonl       one JSON row per logged step, appended while training
  final.json          best dev metrics, parameter counts, wall time, peak memory
  predictions.json    dev predictions in display form
  trained.safetensors only the trained parameters (prompt, head, ...), never the frozen backbone
runs/index.sqlite     one row per run (mirrors status.json and final.json)
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import yaml

STATUSES = ("queued", "running", "finished", "failed", "aborted", "interrupted")
ACTIVE = ("queued", "running")
COLUMNS = {"id": "TEXT PRIMARY KEY", "created": "REAL", "task": "TEXT", "backbone": "TEXT", "method": "TEXT",
           "status": "TEXT", "error": "TEXT", "trainable": "INTEGER", "total": "INTEGER", "share": "TEXT",
           "metric_name": "TEXT", "best_metric": "REAL", "wall_time": "REAL", "peak_memory_mb": "REAL",
           "step": "INTEGER", "total_steps": "INTEGER"}


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
    except (OSError, json.JSONDecodeError):
        return default


class Run:
    def __init__(self, store: "RunStore", run_id: str):
        self.store, self.id, self.path = store, run_id, store.root / run_id

    # -- writing (the worker) --------------------------------------------------------
    def set_status(self, status: str, **info) -> None:
        assert status in STATUSES, status
        data = {**self.status(), "status": status, "updated": time.time(), **info}
        _write_json(self.path / "status.json", data)
        self.store.update_index(self.id, status=status, error=data.get("error"),
                                step=data.get("step"), total_steps=data.get("total_steps"))

    def log_metrics(self, row: dict) -> None:
        with open(self.path / "metrics.jsonl", "a") as f:
            f.write(json.dumps(row) + "\n")

    def write_final(self, final: dict) -> None:
        _write_json(self.path / "final.json", final)
        self.store.update_index(self.id, **{k: final.get(k) for k in
                                            ("trainable", "total", "share", "metric_name", "best_metric",
                                             "wall_time", "peak_memory_mb")})

    def write_predictions(self, records: list[dict]) -> None:
        _write_json(self.path / "predictions.json", records)

    # -- reading (the UI) ----------------------------------------------------------------
    def status(self) -> dict:
        return _read_json(self.path / "status.json", {})

    def config(self) -> dict:
        return yaml.safe_load((self.path / "config.yaml").read_text())

    def metrics(self) -> list[dict]:
        try:
            lines = (self.path / "metrics.jsonl").read_text().splitlines()
        except OSError:
            return []
        rows = []
        for line in lines:
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:  # a line being written right now
                break
        return rows

    def final(self) -> dict:
        return _read_json(self.path / "final.json", {})

    def predictions(self) -> list[dict]:
        return _read_json(self.path / "predictions.json", [])

    @property
    def weights(self) -> Path:
        return self.path / "trained.safetensors"


class RunStore:
    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else default_root()
        self.root.mkdir(parents=True, exist_ok=True)
        self.index = self.root / "index.sqlite"
        with closing(self._connect()) as db, db:
            columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
            db.execute(f"CREATE TABLE IF NOT EXISTS runs ({columns})")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.index, timeout=30)
        db.row_factory = sqlite3.Row
        return db

    def create(self, config) -> Run:
        """A new queued run folder holding the config, indexed at once."""
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{config.method}-{secrets.token_hex(2)}"
        run = Run(self, run_id)
        run.path.mkdir(parents=True)
        (run.path / "config.yaml").write_text(config.to_yaml())
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO runs (id, created, task, backbone, method, status) VALUES (?,?,?,?,?,?)",
                       (run_id, time.time(), config.task, config.backbone, config.method, "queued"))
        _write_json(run.path / "status.json", {"status": "queued", "updated": time.time()})
        return run

    def get(self, run_id: str) -> Run:
        run = Run(self, run_id)
        if not (run.path / "config.yaml").exists():
            raise KeyError(f"no run '{run_id}' in {self.root}")
        return run

    def update_index(self, run_id: str, **values) -> None:
        values = {k: v for k, v in values.items() if k in COLUMNS and v is not None}
        if not values:
            return
        assignments = ", ".join(f"{k} = ?" for k in values)
        with closing(self._connect()) as db, db:
            db.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*values.values(), run_id))

    def list(self, **where) -> list[dict]:
        """Index rows, newest first; `where` filters on equal columns (e.g. task='ner')."""
        clauses = " AND ".join(f"{k} = ?" for k in where)
        sql = "SELECT * FROM runs" + (f" WHERE {clauses}" if where else "") + " ORDER BY created DESC"
        with closing(self._connect()) as db:
            return [dict(row) for row in db.execute(sql, tuple(where.values()))]

    def delete(self, run_id: str) -> None:
        shutil.rmtree(self.root / run_id, ignore_errors=True)
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
