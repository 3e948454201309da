"""services.repo_groups called directly: the group tree in the database and its folders on
disk, created, renamed, moved and deleted (REFERENCE.md 2.3, 4.5)."""

from __future__ import annotations

import re

import pytest

from tests.factories import people
from tests.factories import repos as make
from tests.factories.naming import unique
from tests.services.state import unchanged, user_rows
from vcshub.db.models import RepoGroup, Repository
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import grants, repo_group_permissions, repo_groups, storage
from vcshub.services.errors import AccessDenied, AlreadyExists, Conflict, Invalid, NotFound, Required


@pytest.fixture
def creator(uow):
    """An ordinary user who holds ``hg.repogroup.create.true`` (may create anywhere)."""
    user = people.user(uow)
    people.global_rights(uow, user, "hg.repogroup.create.true")
    return people.caller(uow, user)


# -- create ---------------------------------------------------------------------------------------


def test_create_writes_the_row_the_folder_and_the_default_row(uow, root):
    name = unique("g")
    group = repo_groups.create_repo_group(uow, root, name)
    assert (group.group_name, group.parent_id, group.owner_id) == (name, None, root.user_id)
    assert (group.description, group.enable_locking) == (name, False)
    assert storage.path_of(uow, name).is_dir()
    # a super-admin owner needs no row of his own
    assert user_rows(uow, grants.REPO_GROUP, group.group_id) == {DEFAULT_USERNAME: "group.read"}


def test_an_ordinary_owner_gets_an_admin_row(uow, root):
    owner = people.user(uow)
    group = make.repo_group(uow, root, owner=owner, description="kept")
    assert group.owner_id == owner.user_id and group.description == "kept"
    assert user_rows(uow, grants.REPO_GROUP, group.group_id) == {
        DEFAULT_USERNAME: "group.read", owner.username: "group.admin"}


def test_a_sub_group_sits_in_its_parents_folder(uow, root):
    parent = make.repo_group(uow, root)
    child = repo_groups.create_repo_group(uow, root, f"//{parent.group_name}//kid//")
    assert (child.group_name, child.parent_id) == (f"{parent.group_name}/kid", parent.group_id)
    assert (storage.path_of(uow, parent.group_name) / "kid").is_dir()


def test_parents_are_never_made_here_even_for_a_super_admin(uow, root):
    missing = unique("nope")
    with unchanged(uow), pytest.raises(NotFound) as refused:
        repo_groups.create_repo_group(uow, root, f"{missing}/child")
    assert (refused.value.kind, refused.value.ident) == ("repository group", missing)


@pytest.mark.parametrize("empty", [None, "", " // "])
def test_a_name_is_required(uow, root, empty):
    with unchanged(uow), pytest.raises(Required) as refused:
        repo_groups.create_repo_group(uow, root, empty)
    assert refused.value.field == "group_name"


@pytest.mark.parametrize("bad", ["..", "_admin", "rm__old", ".dot", "sp ace", "co:lon"])
def test_name_rules(uow, root, bad):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_groups.create_repo_group(uow, root, bad)
    assert refused.value.field == "group_name"


def test_a_taken_name_is_refused(uow, root):
    group = make.repo_group(uow, root)
    with unchanged(uow), pytest.raises(AlreadyExists) as refused:
        repo_groups.create_repo_group(uow, root, group.group_name)
    assert (refused.value.kind, refused.value.name) == ("repository group", group.group_name)


def test_a_repository_name_is_taken_too(uow, root):
    repo = make.repo(uow, root)
    with unchanged(uow), pytest.raises(Conflict, match="already used by a repository"):
        repo_groups.create_repo_group(uow, root, repo.repo_name)


@pytest.mark.parametrize("owner, field", [("nobody-at-all", "owner"), (DEFAULT_USERNAME, "owner")])
def test_the_owner_must_be_a_real_user(uow, root, owner, field):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_groups.create_repo_group(uow, root, unique("g"), owner=owner)
    assert refused.value.field == field


def test_who_may_create_where(uow, root, creator):
    alice = people.caller(uow, people.user(uow))  # site defaults: hg.repogroup.create.false
    with unchanged(uow), pytest.raises(AccessDenied):
        repo_groups.create_repo_group(uow, alice, unique("top"))
    top = make.repo_group(uow, creator)
    assert top.owner_id == creator.user_id
    theirs = make.repo_group(uow, root)  # alice may read it, not administer it
    with unchanged(uow), pytest.raises(AccessDenied):
        repo_groups.create_repo_group(uow, alice, f"{theirs.group_name}/x")
    repo_group_permissions.grant_user(uow, root, theirs, alice.user, "group.admin")
    alice = people.caller(uow, alice.user)
    assert make.repo_group(uow, alice, parent=theirs).parent_id == theirs.group_id


def test_a_parent_one_cannot_read_does_not_exist(uow, root):
    hidden = make.repo_group(uow, root)
    repo_group_permissions.grant_user(uow, root, hidden, people.default_user(uow), "group.none")
    alice = people.caller(uow, people.user(uow))
    with unchanged(uow), pytest.raises(NotFound) as refused:
        repo_groups.create_repo_group(uow, alice, f"{hidden.group_name}/peek")
    assert refused.value.ident == hidden.group_name


def test_copy_permissions_takes_the_parents_rows(uow, root):
    parent = make.repo_group(uow, root)
    writer = people.user(uow)
    repo_group_permissions.grant_user(uow, root, parent, writer, "group.write")
    copied = make.repo_group(uow, root, parent=parent, copy_permissions=True)
    plain = make.repo_group(uow, root, parent=parent)
    assert user_rows(uow, grants.REPO_GROUP, copied.group_id) == {
        DEFAULT_USERNAME: "group.read", writer.username: "group.write"}
    assert user_rows(uow, grants.REPO_GROUP, plain.group_id) == {DEFAULT_USERNAME: "group.read"}


# -- update: rename, move, locking ------------------------------------------------------------


def _tree(uow, root):
    """top, top/sub (group), top/sub/r (repository with a commit)."""
    top = make.repo_group(uow, root)
    sub = make.repo_group(uow, root, f"{top.group_name}/sub")
    repo = make.repo(uow, root, f"{sub.group_name}/r", commits=({"a": "1\n"},))
    return top, sub, repo


def test_a_rename_rewrites_every_name_below_and_moves_the_folder(uow, root):
    top, sub, repo = _tree(uow, root)
    old = storage.path_of(uow, top.group_name)
    new = unique("renamed")
    repo_groups.update_repo_group(uow, root, top.group_id, {"group_name": new})
    assert (top.group_name, sub.group_name, repo.repo_name) == (new, f"{new}/sub", f"{new}/sub/r")
    assert not old.exists()
    assert (make.folder(uow, repo) / "HEAD").is_file()


def test_a_move_under_another_group_and_back_to_the_top(uow, root):
    top, sub, repo = _tree(uow, root)
    other = make.repo_group(uow, root)
    repo_groups.update_repo_group(uow, root, sub.group_name, {"parent": other.group_name})
    assert (sub.group_name, sub.parent_id) == (f"{other.group_name}/sub", other.group_id)
    assert repo.repo_name == f"{other.group_name}/sub/r"
    assert (make.folder(uow, repo) / "HEAD").is_file()
    assert not (storage.path_of(uow, top.group_name) / "sub").exists()
    repo_groups.update_repo_group(uow, root, sub.group_id, {"group_name": unique("sub")})
    short = sub.short_name
    repo_groups.update_repo_group(uow, root, sub.group_id, {"parent": None})
    assert (sub.group_name, sub.parent_id, repo.repo_name) == (short, None, f"{short}/r")


@pytest.mark.parametrize("where", ["itself", "below"])
def test_a_group_cannot_move_inside_itself(uow, root, where):
    top, sub, _ = _tree(uow, root)
    target = top if where == "itself" else sub
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_groups.update_repo_group(uow, root, top.group_id, {"parent": target.group_id})
    assert (refused.value.field, refused.value.reason) == (
        "parent", "a group cannot be moved inside itself")


def test_an_unknown_parent_does_not_exist(uow, root):
    group = make.repo_group(uow, root)
    with unchanged(uow), pytest.raises(NotFound) as refused:
        repo_groups.update_repo_group(uow, root, group.group_id, {"parent": "no-such-parent"})
    assert (refused.value.kind, refused.value.ident) == ("repository group", "no-such-parent")


def test_a_group_admin_cannot_move_his_group_to_the_top_without_the_create_right(uow, root):
    parent = make.repo_group(uow, root)
    alice = people.user(uow)
    mine = make.repo_group(uow, root, parent=parent, owner=alice)
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_groups.update_repo_group(uow, people.caller(uow, alice), mine.group_id, {"parent": None})
    assert refused.value.field == "parent"


def test_a_rename_onto_a_taken_name_changes_nothing(uow, root):
    group, other = make.repo_group(uow, root), make.repo_group(uow, root)
    with unchanged(uow), pytest.raises(Conflict, match="already exists"):
        repo_groups.update_repo_group(uow, root, group.group_id, {"group_name": other.group_name})


@pytest.mark.parametrize("name", ["a/b", "", "_admin"])
def test_the_new_name_is_one_valid_segment(uow, root, name):
    group = make.repo_group(uow, root)
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_groups.update_repo_group(uow, root, group.group_id, {"group_name": name})
    assert refused.value.field == "group_name"


def test_locking_is_copied_to_everything_below_on_every_update(uow, root):
    top, sub, repo = _tree(uow, root)
    repo_groups.update_repo_group(uow, root, top.group_id, {"enable_locking": True})
    uow.db.refresh(sub), uow.db.refresh(repo)
    assert (top.enable_locking, sub.enable_locking, repo.enable_locking) == (True, True, True)
    repo.enable_locking = False
    uow.db.flush()
    repo_groups.update_repo_group(uow, root, top.group_id, {"description": "only this"})
    uow.db.refresh(repo)
    assert repo.enable_locking is True and top.description == "only this"


def test_the_owner_changes_to_a_real_user_only(uow, root):
    group = make.repo_group(uow, root)
    bob = people.user(uow)
    repo_groups.update_repo_group(uow, root, group.group_id, {"owner": bob.username})
    assert group.owner_id == bob.user_id
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_groups.update_repo_group(uow, root, group.group_id, {"owner": DEFAULT_USERNAME})
    assert refused.value.field == "owner"


# -- delete -----------------------------------------------------------------------------------


def test_delete_moves_an_empty_group_aside_to_the_storage_root(uow, root):
    parent = make.repo_group(uow, root)
    group = make.repo_group(uow, root, parent=parent)
    folder, group_id = storage.path_of(uow, group.group_name), group.group_id
    repo_groups.delete_repo_group(uow, root, group)
    assert uow.db.get(RepoGroup, group_id) is None and not folder.exists()
    aside = [p.name for p in storage.root(uow).iterdir() if p.name.endswith(f"_GROUP_{folder.name}")]
    assert len(aside) == 1 and re.fullmatch(rf"rm__\d{{8}}_\d{{6}}_\d{{6}}_GROUP_{folder.name}", aside[0])


@pytest.mark.parametrize("child", ["group", "repository"])
def test_delete_refuses_a_group_that_is_not_empty(uow, root, child):
    group = make.repo_group(uow, root)
    if child == "group":
        make.repo_group(uow, root, parent=group)
    else:
        make.repo(uow, root, group=group)
    with unchanged(uow), pytest.raises(Conflict) as refused:
        repo_groups.delete_repo_group(uow, root, group)
    assert str(refused.value) == f"repository group `{group.group_name}` is not empty"


def test_a_group_owner_may_delete_his_group(uow, root):
    alice = people.user(uow)
    group = make.repo_group(uow, root, owner=alice)
    repo_groups.delete_repo_group(uow, people.caller(uow, alice), group)
    assert repo_groups.find(uow, group.group_name) is None


# -- reading ----------------------------------------------------------------------------------


def test_listing_shows_readable_groups_in_code_point_order(uow, root):
    prefix = unique("L")
    names = [f"{prefix}b", f"{prefix}B", f"{prefix}a"]
    made = [make.repo_group(uow, root, n) for n in names]
    repo_group_permissions.grant_user(uow, root, made[0], people.default_user(uow), "group.none")
    alice = people.caller(uow, people.user(uow))
    listed = [g.group_name for g in repo_groups.list_repo_groups(uow, alice)
              if g.group_name.startswith(prefix)]
    assert listed == [f"{prefix}B", f"{prefix}a"]
    with pytest.raises(NotFound):
        repo_groups.get_repo_group(uow, alice, made[0].group_name)
    everything = [g.group_name for g in repo_groups.list_repo_groups(uow, root)
                  if g.group_name.startswith(prefix)]
    assert everything == [f"{prefix}B", f"{prefix}a", f"{prefix}b"]
    assert uow.db.query(Repository).filter(Repository.repo_name.startswith(prefix)).count() == 0
