"""Rows a repository group writes onto what it holds keep where they came from (the group and
when): its "apply to children", and the copy a repository or group made inside it gets. A grant
on the object itself makes the row its own again."""

from __future__ import annotations

from tests.factories import people
from tests.factories import repos as repo_factory
from vcshub.services import grants, repo_group_permissions, repo_permissions


def rows(uow, target, object_id):
    _default, users, groups = grants.named_rows(uow, target, object_id)
    return {row.name: row for row in (*users, *groups)}


def test_apply_to_children_marks_what_it_wrote_and_a_direct_grant_clears_it(uow, root):
    parent = repo_factory.repo_group(uow, root)
    child_group = repo_factory.repo_group(uow, root, parent=parent)
    inside = repo_factory.repo(uow, root, group=child_group)
    member = people.user(uow)
    team = people.user_group(uow, root, member)
    repo_group_permissions.grant_user(uow, root, parent, member, "group.write", "all")
    repo_group_permissions.grant_user_group(uow, root, parent, team, "group.read", "all")

    on_repo = rows(uow, grants.REPO, inside.repo_id)
    assert on_repo[member.username].copied_from == parent.group_name
    assert on_repo[team.group_name].copied_from == parent.group_name
    assert on_repo[member.username].copied_on is not None
    assert rows(uow, grants.REPO_GROUP, child_group.group_id)[member.username].copied_from \
        == parent.group_name
    # the group's own row is its own
    assert rows(uow, grants.REPO_GROUP, parent.group_id)[member.username].copied_from is None

    repo_permissions.grant_user(uow, root, inside, member, "repository.admin")
    again = rows(uow, grants.REPO, inside.repo_id)[member.username]
    assert (again.permission, again.copied_from, again.copied_on) == ("repository.admin", None, None)
    assert rows(uow, grants.REPO, inside.repo_id)[team.group_name].copied_from == parent.group_name


def test_a_repository_made_in_a_group_with_its_rows_has_them_marked_as_copied(uow, root):
    group = repo_factory.repo_group(uow, root)
    member = people.user(uow)
    repo_group_permissions.grant_user(uow, root, group, member, "group.read", "none")
    made = repo_factory.repo(uow, root, group=group, copy_permissions=True)
    row = rows(uow, grants.REPO, made.repo_id)[member.username]
    assert (row.permission, row.copied_from) == ("repository.read", group.group_name)
    plain = repo_factory.repo(uow, root, group=group)  # without the copy: the default row only
    assert member.username not in rows(uow, grants.REPO, plain.repo_id)
