"""Fixtures for the reliability tests: a throwaway runs folder whose workers are killed afterwards.
(The `slow` marker is registered in pytest.ini.)"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))  # labtools, shared with the app tests
from reltools import kill_workers  # noqa: E402


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    yield folder
    kill_workers(folder)
