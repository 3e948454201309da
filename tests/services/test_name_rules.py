"""Names are matched whole, and paths have a length and a depth limit (issue 14, defect 11).

``$`` let a trailing newline through (``team\\n/inner`` sat next to a private ``team/inner``), and
a repository name 2,100 levels deep took minutes to create while every other write waited.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import unique
from vcshub.db.models import RepoGroup, Repository
from vcshub.permissions.caller import Caller
from vcshub.services import lookup, names, repo_groups, repos, user_groups, users
from vcshub.services.errors import Invalid


@pytest.fixture
def admin(uow) -> Caller:
    return Caller(uow.db, lookup.user(uow.db, "admin"))


@pytest.mark.parametrize("name", ["team\n", "team\n/inner", "team/inner\n", "te\nam/x", "a/\t/b"])
def test_paths_with_control_characters_are_refused(name):
    with pytest.raises(Invalid) as refused:
        names.validate_path("repo_name", names.clean_path("repo_name", name))
    assert "invalid name segment" in refused.value.reason
    assert "\n" not in refused.value.reason and "\t" not in refused.value.reason  # shown escaped


@pytest.mark.parametrize("name", ["user\n", "user\r", "us\ner", "user\x00"])
def test_usernames_with_control_characters_are_refused(name):
    with pytest.raises(Invalid):
        names.validate_username(name)


@pytest.mark.parametrize("name", ["team\n", "te\nam", "team\t", "team\x00", "team\u2028"])
def test_user_group_names_with_control_characters_are_refused(name):
    with pytest.raises(Invalid) as refused:
        names.validate_user_group_name(name)
    assert refused.value.field == "group_name"


def test_length_and_depth_limits():
    deepest = "/".join(f"l{i}" for i in range(names.DEPTH_LIMIT))
    assert names.validate_path("repo_name", deepest) == deepest
    with pytest.raises(Invalid, match=f"deeper than {names.DEPTH_LIMIT} levels"):
        names.validate_path("repo_name", deepest + "/one-more")
    longest = "/".join(["x" * 200] * 5)[: names.PATH_LIMIT].rstrip("/")
    assert names.validate_path("repo_name", longest) == longest
    with pytest.raises(Invalid, match=f"longer than {names.PATH_LIMIT} characters"):
        names.validate_path("repo_name", longest + "/y" * 20)
    with pytest.raises(Invalid, match="longer than"):
        names.validate_path("repo_name", "/".join(["a"] * 2100))


def test_services_refuse_a_trailing_newline(uow, admin):
    top = unique("team")
    repo_groups.create_repo_group(uow, admin, top)
    for create in (
        lambda: repos.create_repo(uow, admin, f"{top}\n/inner", "git", repos.RepoSpec()),
        lambda: repos.create_repo(uow, admin, f"{top}/inner\n", "hg", repos.RepoSpec()),
        lambda: repos.create_repo(uow, admin, f"{top}\n", "git", repos.RepoSpec()),
        lambda: repo_groups.create_repo_group(uow, admin, f"{top}\n"),
        lambda: repo_groups.create_repo_group(uow, admin, f"{top}/sub\n"),
        lambda: users.create_user(uow, admin, username=f"{top}\n", email=f"{top}@example.com"),
        lambda: user_groups.create_user_group(uow, admin, f"{top}\n"),
    ):
        with pytest.raises(Invalid):
            create()
    assert _count(uow, Repository, top) == 0
    assert _count(uow, RepoGroup, top) == 1  # the group made above, nothing else


def test_services_refuse_deep_and_long_paths_before_creating_anything(uow, admin):
    top = unique("deep")
    too_deep = "/".join([top] + [f"l{i}" for i in range(names.DEPTH_LIMIT)])
    too_long = "/".join([top] + ["y" * 250] * 5)
    huge = "/".join([top] + ["z"] * 2100)
    for path in (too_deep, too_long, huge):
        with pytest.raises(Invalid, match="deeper than|longer than"):
            repos.create_repo(uow, admin, path, "git", repos.RepoSpec())
    assert _count(uow, Repository, top) == 0
    assert _count(uow, RepoGroup, top) == 0
    assert not (uow.settings.repos_dir / top).exists()


def test_groups_stop_at_the_depth_limit(uow, admin):
    """Groups grow one level at a time (the parent must exist): the level past the limit is
    refused, and a repository cannot go below the deepest group either."""
    path = unique("nest")
    repo_groups.create_repo_group(uow, admin, path)
    for level in range(1, names.DEPTH_LIMIT):
        path = f"{path}/l{level}"
        repo_groups.create_repo_group(uow, admin, path)
    with pytest.raises(Invalid, match="deeper than"):
        repo_groups.create_repo_group(uow, admin, f"{path}/one-more")
    with pytest.raises(Invalid, match="deeper than"):
        repos.create_repo(uow, admin, f"{path}/repo", "hg", repos.RepoSpec())


def _count(uow, model, prefix: str) -> int:
    column = model.repo_name if model is Repository else model.group_name
    return uow.db.scalar(select(func.count()).select_from(model).where(column.startswith(prefix)))


def test_moving_a_group_keeps_every_name_below_the_limits(uow, admin):
    moved, target = unique("moved"), unique("target")
    _chain(uow, admin, moved, 20)
    deepest_target = _chain(uow, admin, target, 15)
    with pytest.raises(Invalid, match="deeper than"):
        repo_groups.update_repo_group(uow, admin, moved, {"parent": deepest_target})


def _chain(uow, admin, top: str, levels: int) -> str:
    path = top
    repo_groups.create_repo_group(uow, admin, path)
    for level in range(1, levels):
        path = f"{path}/l{level}"
        repo_groups.create_repo_group(uow, admin, path)
    return path
