"""The node's multiprocess directory, prepared by ``vcshub serve``'s parent process.

Apart from :mod:`vcshub.metrics.exposition` because prometheus-client decides between
in-memory and file-backed figures when it is first imported, from ``PROMETHEUS_MULTIPROC_DIR``:
this module must not import it, so that the variable is set first.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV_NAME = "PROMETHEUS_MULTIPROC_DIR"


def prepare_directory(folder: Path) -> None:
    """In the parent process, before any worker exists: an empty directory (the last run's
    files would add old counts and dead processes), named in the environment the workers
    inherit."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, mode=0o700)
    os.environ[ENV_NAME] = str(folder)


def multiprocess_dir() -> str | None:
    return os.environ.get(ENV_NAME) or None
