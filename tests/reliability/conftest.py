"""Fixtures for the reliability tests: a throwaway runs folder whose workers are killed afterwards.
(The `slow` marker is registered in pytest.ini.)"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))  # labtools, shared with the app tests
from reltools import root  # noqa: E402,F401  (the fixture, shared with tests/core/test_warm.py)
