"""services.repo_access_report: a repository's permissions page — only for its administrators,
its own rows as written, and everyone else's access with the rule permission_origins names."""

from __future__ import annotations

import pytest

from tests.factories import people
from tests.factories import repos as make
from vcshub.services import grants, permission_origins, repo_access_report, repo_permissions, user_groups
from vcshub.services.errors import Invalid, NotFound


def test_only_its_administrators_may_read_the_report(uow, root):
    reader, admin = people.user(uow), people.user(uow)
    repo = make.repo(uow, root)
    repo_permissions.grant_user(uow, root, repo, reader, "repository.write")
    repo_permissions.grant_user(uow, root, repo, admin, "repository.admin")
    with pytest.raises(NotFound):
        repo_access_report.access_report(uow, people.caller(uow, reader), repo)
    with pytest.raises(NotFound):
        repo_access_report.why(uow, people.caller(uow, reader), repo, admin)
    report = repo_access_report.access_report(uow, people.caller(uow, admin), repo)
    assert report.default == "repository.read"
    assert {(row.name, row.permission) for row in report.users} == {
        (reader.username, "repository.write"), (admin.username, "repository.admin")}


def test_inherited_access_names_its_rule(uow, root):
    carol, dave, outsider = people.user(uow), people.user(uow), people.user(uow)
    owner = people.user(uow)
    repo = make.repo(uow, root, private=True, owner=owner)
    team = people.user_group(uow, root, carol, dave)
    asleep = people.user_group(uow, root, outsider, active=False)
    repo_permissions.grant_user_group(uow, root, repo, team, "repository.write")
    repo_permissions.grant_user_group(uow, root, repo, asleep, "repository.admin")
    repo_permissions.grant_user(uow, root, repo, dave, "repository.read")  # his row wins (2.5)
    report = repo_access_report.access_report(uow, root, repo)
    assert report.default == "repository.none"
    assert [(g.name, g.permission) for g in report.user_groups] == sorted(
        [(team.group_name, "repository.write"), (asleep.group_name, "repository.admin")])
    found = {row.username: (row.permission, row.source) for row in report.inherited}
    assert found[carol.username] == ("repository.write", f"user group {team.group_name}")
    assert found[dave.username] == ("repository.read", "own row")
    assert found[owner.username] == ("repository.admin", "owner")
    assert found[root.user.username] == ("repository.admin", "super-administrator")
    assert outsider.username not in found  # his group is inactive: it gives nothing
    assert repo_access_report.why(uow, root, repo, outsider) == repo_access_report.Inherited(
        outsider.username, "repository.none", "default permission")
    for person in (carol, dave, owner, outsider, root.user):  # scoped: the whole-site answer
        assert permission_origins.repo_origins(uow, person, [repo.repo_id]) == {
            name: origin for name, origin in permission_origins.permission_origins(
                uow, person)["repositories"].items() if name == repo.repo_name}
    user_groups.remove_member(uow, root, team, carol)
    assert repo_access_report.why(uow, root, repo, carol).permission == "repository.none"


def test_forms_name_users_and_groups_that_exist_and_may_be_used(uow, root):
    alice = people.user(uow)
    hidden = people.user_group(uow, root)
    grants.set_user(uow, grants.USER_GROUP, hidden.users_group_id,
                    people.default_user(uow).user_id, "usergroup.none")  # nobody reads it
    with pytest.raises(Invalid, match="no user named `nobody`"):
        repo_access_report.named_user(uow, "nobody")
    assert repo_access_report.named_user(uow, alice.username) == alice
    with pytest.raises(Invalid, match="that you may use"):
        repo_access_report.named_user_group(uow, people.caller(uow, alice), hidden.group_name)
    assert repo_access_report.named_user_group(uow, root, hidden.group_name) == hidden
