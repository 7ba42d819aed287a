"""Fixtures for the web lab's tests (helpers shared with the process-level tests live in labtools.py)."""
from __future__ import annotations

import pytest

from app import lab as lab_state


@pytest.fixture
def lab(tmp_path, monkeypatch):
    """A lab whose job manager queues but never starts workers (unit tests of handlers)."""
    the_lab = lab_state.configure(root=tmp_path / "runs", shared=False, test_backbones=True, form_defaults={})
    monkeypatch.setattr(the_lab.jobs, "tick", lambda: None)
    yield the_lab
    lab_state._LAB = None

