"""The gist store on disk: one Mercurial repository per gist, named by its access id.

Its own module because two services remove gists' folders: ``gists`` (delete, expiry) and
``users`` (deleting an account deletes its gists' rows by cascade), and ``gists`` already
depends on ``users``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from vcshub.db.models import Gist
from vcshub.services.unit_of_work import UnitOfWork


def folder(uow: UnitOfWork, gist: Gist) -> Path:
    return uow.settings.gists_dir / gist.access_id


def remove_after_commit(uow: UnitOfWork, gists: list[Gist]) -> None:
    """Remove the gists' folders once their rows are gone for good: a rolled-back deletion
    keeps them, and a folder left behind would block a later gist that reuses the id."""
    paths = [folder(uow, gist) for gist in gists]

    def remove() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    uow.after_commit(remove)
