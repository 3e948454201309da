"""The branch / tag / bookmark switcher of the files and changelog pages: which refs it lists
and where each one leads. The page says where a ref goes (``url_for``), so one switcher serves
every page that is "this view, at another revision"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vcshub.db.models import Repository
from vcshub.services import repo_contents
from vcshub.services.unit_of_work import UnitOfWork

LABELS = {"branch": "Branches", "tag": "Tags", "bookmark": "Bookmarks"}


@dataclass(frozen=True)
class Choice:
    name: str
    url: str
    current: bool


@dataclass(frozen=True)
class Switcher:
    """``current``: what the page shows (a ref name, or a commit id as given);
    ``groups``: (label, choices) for each kind that has refs."""

    current: str
    groups: list[tuple[str, list[Choice]]]


def choices(uow: UnitOfWork, repo: Repository, current: str,
            url_for: Callable[[str], str]) -> Switcher:
    names = repo_contents.ref_names(uow, repo)
    groups = [
        (LABELS[kind], [Choice(name, url_for(name), name == current) for name in found])
        for kind, found in names.items()
        if found
    ]
    return Switcher(current, groups)
