"""Fixtures for the reliability tests: a throwaway runs folder whose workers are killed afterwards,
and the `slow` marker (slow tests still run by default; `-m "not slow"` skips them)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))  # labtools, shared with the app tests
from reltools import kill_workers  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes tens of seconds (still part of the default run)")


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    yield folder
    kill_workers(folder)
