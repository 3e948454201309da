"""services.repo_group_access: a group's rows for its settings pages, and the preview of a
grant or revoke with apply_to_children, which must list exactly the rows the change then
writes (REFERENCE.md 2.6) — for each of none / repos / groups / all, for a user, a user group
and the default user — while writing nothing itself.
"""

from __future__ import annotations

import pytest

from tests.factories import people
from tests.factories import repos as make
from tests.services.state import unchanged
from vcshub.db.models import RepoGroup, Repository, User
from vcshub.services import grants, repo_group_access, repo_group_permissions, repo_groups
from vcshub.services.errors import NotFound

APPLIES = ("none", "repos", "groups", "all")


@pytest.fixture
def tree(uow, root):
    """G with G/r1, G/secret (private), G/S, G/S/r2, G/S/T, beside a group H that no change
    on G may touch; bob has rows here and there, the team has one on G/S."""
    g = make.repo_group(uow, root)
    s = make.repo_group(uow, root, f"{g.group_name}/S")
    objects = {
        "G": g, "S": s, "T": make.repo_group(uow, root, f"{s.group_name}/T"),
        "H": make.repo_group(uow, root),
        "r1": make.repo(uow, root, f"{g.group_name}/r1"),
        "secret": make.repo(uow, root, f"{g.group_name}/secret", private=True),
        "r2": make.repo(uow, root, f"{s.group_name}/r2"),
    }
    objects["outside"] = make.repo(uow, root, group=objects["H"])
    bob = people.user(uow)
    team = people.user_group(uow, root, bob)
    grants.set_user(uow, grants.REPO_GROUP, s.group_id, bob.user_id, "group.admin")
    grants.set_user(uow, grants.REPO, objects["r2"].repo_id, bob.user_id, "repository.read")
    grants.set_user(uow, grants.REPO_GROUP, objects["H"].group_id, bob.user_id, "group.read")
    grants.set_user_group(uow, grants.REPO_GROUP, s.group_id, team.users_group_id, "group.read")
    return objects, bob, team


def member_rows(uow, member) -> dict[str, str]:
    """full name → the member's row, on every group and repository of the site."""
    rows_on = grants.user_rows_on if isinstance(member, User) else grants.user_group_rows_on
    member_id = member.user_id if isinstance(member, User) else member.users_group_id
    groups = dict(uow.db.query(RepoGroup.group_id, RepoGroup.group_name).all())
    repos = dict(uow.db.query(Repository.repo_id, Repository.repo_name).all())
    found = {groups[i]: p for i, p in rows_on(uow, grants.REPO_GROUP, groups, member_id).items()}
    found.update({repos[i]: p for i, p in rows_on(uow, grants.REPO, repos, member_id).items()})
    return found


def apply_change(uow, caller, group, member, perm, apply) -> None:
    if isinstance(member, User):
        if perm is None:
            repo_group_permissions.revoke_user(uow, caller, group, member, apply)
        else:
            repo_group_permissions.grant_user(uow, caller, group, member, perm, apply)
    elif perm is None:
        repo_group_permissions.revoke_user_group(uow, caller, group, member, apply)
    else:
        repo_group_permissions.grant_user_group(uow, caller, group, member, perm, apply)


@pytest.mark.parametrize("apply", APPLIES)
@pytest.mark.parametrize("who", ["user", "user_group", "default"])
@pytest.mark.parametrize("perm", ["group.write", None], ids=["grant", "revoke"])
def test_the_preview_is_what_applying_writes(uow, root, tree, apply, who, perm):
    objects, bob, team = tree
    member = {"user": bob, "user_group": team, "default": people.default_user(uow)}[who]
    group = objects["G"]
    with unchanged(uow):
        preview = repo_group_access.preview(uow, root, group, member, perm, apply)
    before = member_rows(uow, member)
    apply_change(uow, root, group, member, perm, apply)
    after = member_rows(uow, member)
    # every object the preview lists has the row it announced, and nothing else moved
    assert {c.name: c.before for c in preview.changes} == {
        c.name: before.get(c.name) for c in preview.changes}
    assert {c.name: c.after for c in preview.changes} == {
        c.name: after.get(c.name) for c in preview.changes}
    moved = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert moved == {c.name for c in preview.changes if c.changes}
    # which objects apply_to_children reaches (2.6)
    g = group.group_name
    expected = [g]
    if apply in ("groups", "all"):
        expected += [f"{g}/S", f"{g}/S/T"]
    if apply in ("repos", "all"):
        private = [] if perm is not None and who == "default" else [f"{g}/secret"]
        expected += sorted([f"{g}/r1", f"{g}/S/r2", *private])
    assert [c.name for c in preview.changes] == expected
    repo_perm = perm and perm.replace("group.", "repository.")
    assert all(c.after == (perm if c.kind == "group" else repo_perm) for c in preview.changes)


def test_a_grant_leaves_a_private_repositorys_default_row(uow, root, tree):
    objects, _bob, _team = tree
    default = people.default_user(uow)
    preview = repo_group_access.preview(uow, root, objects["G"], default, "group.read", "all")
    assert objects["secret"].repo_name not in {c.name for c in preview.changes}
    apply_change(uow, root, objects["G"], default, "group.read", "all")
    rows, _ = grants.rows_of(uow, grants.REPO, objects["secret"].repo_id)
    assert dict(rows)[default.user_id] == "repository.none"


def test_the_digest_changes_when_the_tree_does(uow, root, tree):
    objects, bob, _team = tree
    first = repo_group_access.preview(uow, root, objects["G"], bob, "group.read", "repos")
    assert first == repo_group_access.preview(uow, root, objects["G"], bob, "group.read", "repos")
    make.repo(uow, root, group=objects["S"])
    again = repo_group_access.preview(uow, root, objects["G"], bob, "group.read", "repos")
    assert again.digest != first.digest and len(again.changes) == len(first.changes) + 1


def test_only_administrators_may_preview(uow, root, tree):
    objects, bob, team = tree
    outsider = people.caller(uow, people.user(uow))
    with pytest.raises(NotFound):
        repo_group_access.preview(uow, outsider, objects["G"], bob, "group.read", "all")
    with pytest.raises(NotFound):
        repo_group_access.access_report(uow, outsider, objects["G"])
    # bob administers S, but may not use a user group he cannot read
    grants.set_user(uow, grants.USER_GROUP, team.users_group_id,
                    people.default_user(uow).user_id, "usergroup.none")
    bob_caller = people.caller(uow, bob)
    assert repo_group_access.preview(uow, bob_caller, objects["S"], bob, None, "all").changes
    with pytest.raises(NotFound) as refused:
        repo_group_access.preview(uow, bob_caller, objects["S"], team, "group.read", "none")
    assert refused.value.kind == "user group"


def test_administered_by_answers_none_for_missing_and_for_outsiders(uow, root, tree):
    objects, bob, _team = tree
    s = objects["S"].group_name
    assert repo_group_access.administered_by(uow, bob, s) == objects["S"]
    assert repo_group_access.administered_by(uow, bob, objects["G"].group_name) is None
    assert repo_group_access.administered_by(uow, None, s) is None
    assert repo_group_access.administered_by(uow, bob, s + "-missing") is None
    assert repo_group_access.administered_by(uow, bob, "a\0b") is None


def test_the_report_lists_the_rows_on_the_group(uow, root, tree):
    objects, bob, team = tree
    report = repo_group_access.access_report(uow, root, objects["S"])
    assert report.default == "group.read"
    assert [(r.name, r.permission) for r in report.users] == [(bob.username, "group.admin")]
    assert [(r.name, r.permission) for r in report.user_groups] == [
        (team.group_name, "group.read")]
    assert (report.groups_below, report.repos_below) == (1, 1)


def test_parent_choices_follow_the_move_rules(uow, root, tree):
    objects, bob, _team = tree
    g, s = objects["G"], objects["S"]
    everything = repo_groups.parent_choices(uow, root, s)
    assert None in everything and g.group_name in everything
    assert s.group_name not in everything and objects["T"].group_name not in everything
    people.global_rights(uow, bob, "hg.repogroup.create.false")
    grants.set_user(uow, grants.REPO_GROUP, objects["H"].group_id, bob.user_id, "group.admin")
    bob_caller = people.caller(uow, bob)
    # his own parent stays; H he administers; no top level without the create right
    assert repo_groups.parent_choices(uow, bob_caller, s) == sorted(
        [g.group_name, objects["H"].group_name])
    with pytest.raises(NotFound):
        repo_groups.parent_choices(uow, bob_caller, g)
