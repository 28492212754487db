"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_folder() -> Path:
    """Return the ``shared`` folder laid beside the clone (``../shared``)."""
    configured = os.environ.get("TRACKTWO_SHARED_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def polis_data_dir() -> Path:
    """Return the folder of real Pol.is conversations, or skip loudly when it is absent."""
    folder = shared_folder() / "data" / "polis"
    if not folder.is_dir():
        pytest.skip(
            f"SKIPPED LOUDLY: the real Pol.is conversations are not at {folder}; "
            "lay ../shared beside the clone or set TRACKTWO_SHARED_DIR"
        )
    return folder
