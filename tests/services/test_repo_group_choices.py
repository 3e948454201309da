"""services.repo_settings.group_choices: the groups the settings form offers for a move are
exactly those update_repo accepts from the caller."""

from __future__ import annotations

import pytest

from tests.factories import people
from tests.factories import repos as make
from vcshub.services import repo_group_permissions, repo_permissions, repo_settings
from vcshub.services.errors import Invalid, NotFound


def test_the_offered_groups_are_the_ones_a_move_accepts(uow, root):
    alice = people.user(uow)
    people.global_rights(uow, alice, "hg.create.none")  # no creating at the top level
    home, mine, theirs = (make.repo_group(uow, root) for _ in range(3))
    repo = make.repo(uow, root, group=home)
    as_alice = people.caller(uow, alice)
    with pytest.raises(NotFound):  # not yet an administrator of the repository
        repo_settings.group_choices(uow, as_alice, repo)
    repo_permissions.grant_user(uow, root, repo, alice, "repository.admin")
    repo_group_permissions.grant_user(uow, root, mine, alice, "group.admin")
    as_alice.forget_permissions()
    offered = repo_settings.group_choices(uow, as_alice, repo)
    assert offered == sorted([home.group_name, mine.group_name])
    assert theirs.group_name in repo_settings.group_choices(uow, root, repo)
    with pytest.raises(Invalid, match="no right to create"):
        repo_settings.update_repo(uow, as_alice, repo.repo_id, {"group": theirs.group_name})
    moved = repo_settings.update_repo(uow, as_alice, repo.repo_id, {"group": mine.group_name})
    assert moved.repo_name.startswith(mine.group_name + "/")
