"""Fixtures of the command-line client tests: an isolated home directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An isolated HOME, so ~/.rhoderc is the test's own."""
    directory = tmp_path / "home"
    directory.mkdir()
    return directory
