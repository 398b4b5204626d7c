"""Shared fixtures (the helpers they use are in tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import TINY, write_tables


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "tiny", TINY)
