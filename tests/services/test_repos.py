"""services.repos and repo_settings called directly: creating, reading, changing, forking and
deleting repositories, with the rows and folders each leaves behind (REFERENCE.md 2.3, 4.4)."""

from __future__ import annotations

import re

import pytest

from tests.factories import people
from tests.factories import repos as make
from tests.factories.commits import log_ids
from tests.factories.naming import unique
from tests.services.state import unchanged, user_rows
from vcshub.db.models import Repository, UserFollowing
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import (
    grants,
    lookup,
    repo_disk,
    repo_group_permissions,
    repo_groups,
    repo_listing,
    repo_permissions,
    repo_settings,
    repos,
    storage,
)
from vcshub.services.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    Invalid,
    NotFound,
    OwnerNotAllowed,
    Required,
)

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


def is_repository(folder, kind: str) -> bool:
    if kind == "git":  # created bare
        return (folder / "HEAD").is_file() and (folder / "objects").is_dir()
    return (folder / ".hg").is_dir()


@pytest.fixture
def alice(uow):
    """An ordinary user with the site defaults (may create repositories at the top level)."""
    return people.caller(uow, people.user(uow))


# -- create ---------------------------------------------------------------------------------------


@both_kinds
def test_create_writes_the_row_the_folder_the_default_row_and_the_following(uow, alice, kind):
    name = unique(f"new-{kind}-")
    repo = repos.create_repo(uow, alice, name, kind, repos.RepoSpec())
    assert (repo.repo_name, repo.repo_type, repo.owner_id) == (name, kind, alice.user_id)
    assert (repo.description, repo.private, repo.landing_rev, repo.group_id) == (
        name, False, "rev:tip", None)
    assert (repo.fork_id, repo.clone_uri) == (None, None)
    assert is_repository(storage.path_of(uow, name), kind)
    assert user_rows(uow, grants.REPO, repo.repo_id) == {DEFAULT_USERNAME: "repository.read"}
    followers = uow.db.query(UserFollowing).filter_by(follows_repo_id=repo.repo_id).all()
    assert [f.user_id for f in followers] == [alice.user_id]


def test_create_inside_missing_groups_makes_them_for_the_first_super_admin(uow, root):
    top = unique("auto")
    repo = repos.create_repo(uow, root, f"{top}/mid/r", "git", repos.RepoSpec())
    first_admin = repo_groups.first_super_admin(uow)
    made = [repo_groups.find(uow, p) for p in (top, f"{top}/mid")]
    assert [(g.owner_id, g.description) for g in made] == [
        (first_admin.user_id, f"{top} group"), (first_admin.user_id, f"{top}/mid group")]
    assert made[1].parent_id == made[0].group_id and repo.group_id == made[1].group_id
    assert user_rows(uow, grants.REPO_GROUP, made[1].group_id) == {DEFAULT_USERNAME: "group.read"}
    assert is_repository(storage.path_of(uow, f"{top}/mid/r"), "git")


def test_empty_path_segments_are_dropped(uow, alice):
    name = unique("clean")
    repo = repos.create_repo(uow, alice, f"  //{name}//  ", "git", repos.RepoSpec())
    assert repo.repo_name == name


@pytest.mark.parametrize("bad", [
    "..", "a/../b", "_admin", "api", "rm__x", ".hidden", "x/.git/y", "with space", "x/y.git/z",
])
def test_name_rules_refuse_before_anything_is_made(uow, root, bad):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repos.create_repo(uow, root, bad, "git", repos.RepoSpec())
    assert refused.value.field == "repo_name"


@pytest.mark.parametrize("empty", ["", " / ", "//"])
def test_an_empty_name_is_required(uow, root, empty):
    with unchanged(uow), pytest.raises(Required) as refused:
        repos.create_repo(uow, root, empty, "git", repos.RepoSpec())
    assert (refused.value.field, refused.value.reason) == ("repo_name", "Required")


def test_a_taken_name_is_refused(uow, root):
    taken = make.repo(uow, root)
    with unchanged(uow), pytest.raises(AlreadyExists) as refused:
        repos.create_repo(uow, root, taken.repo_name, "hg", repos.RepoSpec())
    assert (refused.value.kind, refused.value.name) == ("repository", taken.repo_name)


def test_a_group_name_is_not_a_free_repository_name(uow, root):
    group = make.repo_group(uow, root)
    with unchanged(uow), pytest.raises(Conflict, match="is already a repository group"):
        repos.create_repo(uow, root, group.group_name, "git", repos.RepoSpec())


def test_an_unsupported_type_is_refused(uow, root):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repos.create_repo(uow, root, unique("svn"), "svn", repos.RepoSpec())
    assert refused.value.field == "repo_type"


def test_a_bad_landing_rev_is_refused(uow, root):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repos.create_repo(uow, root, unique("lr"), "git", repos.RepoSpec(landing_rev="tip"))
    assert refused.value.field == "landing_rev"


# -- owner rules ------------------------------------------------------------------------------


def test_only_a_super_admin_names_the_owner(uow, root, alice):
    bob = people.user(uow)
    with unchanged(uow), pytest.raises(OwnerNotAllowed):
        repos.create_repo(uow, alice, unique("own"), "git", repos.RepoSpec(),
                          owner=bob.username, owner_supplied=True)
    repo = make.repo(uow, root, owner=bob)
    assert repo.owner_id == bob.user_id


def test_an_unknown_owner_does_not_exist(uow, root):
    with unchanged(uow), pytest.raises(NotFound) as refused:
        repos.create_repo(uow, root, unique("own"), "git", repos.RepoSpec(),
                          owner="nobody-at-all", owner_supplied=True)
    assert (refused.value.kind, refused.value.ident) == ("user", "nobody-at-all")


def test_the_default_user_owns_nothing(uow, root):
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repos.create_repo(uow, root, unique("own"), "git", repos.RepoSpec(),
                          owner=DEFAULT_USERNAME, owner_supplied=True)
    assert refused.value.field == "owner"


# -- who may create where ---------------------------------------------------------------------


def test_without_the_create_right_the_top_level_is_denied(uow, root):
    carol = people.user(uow)
    people.global_rights(uow, carol, "hg.create.none")
    with unchanged(uow), pytest.raises(AccessDenied):
        repos.create_repo(uow, people.caller(uow, carol), unique("top"), "git", repos.RepoSpec())


def test_without_the_create_right_a_group_admin_creates_in_his_group_only(uow, root):
    carol = people.user(uow)
    people.global_rights(uow, carol, "hg.create.none")
    mine, theirs = make.repo_group(uow, root), make.repo_group(uow, root)
    repo_group_permissions.grant_user(uow, root, mine, carol, "group.admin")
    as_carol = people.caller(uow, carol)
    made = repos.create_repo(uow, as_carol, f"{mine.group_name}/r", "hg", repos.RepoSpec())
    assert made.group_id == mine.group_id and made.owner_id == carol.user_id
    with unchanged(uow), pytest.raises(NotFound) as refused:
        repos.create_repo(uow, as_carol, f"{theirs.group_name}/r", "hg", repos.RepoSpec())
    assert (refused.value.kind, refused.value.ident) == ("repository group", theirs.group_name)


# -- visibility -------------------------------------------------------------------------------


def test_a_private_repository_is_missing_to_others_and_visible_to_owner_and_admins(uow, root, alice):
    secret = make.repo(uow, alice, private=True)
    public = make.repo(uow, alice)
    assert user_rows(uow, grants.REPO, secret.repo_id) == {DEFAULT_USERNAME: "repository.none"}
    bob = people.caller(uow, people.user(uow))
    with pytest.raises(NotFound) as hidden:
        repos.get_repo(uow, bob, secret.repo_name)
    assert (hidden.value.kind, hidden.value.ident) == ("repository", secret.repo_name)
    assert repos.get_repo(uow, bob, public.repo_id) is public
    assert repos.get_repo(uow, alice, secret.repo_name) is secret
    assert repos.get_repo(uow, root, secret.repo_name) is secret
    listed = {r.repo_name for r in repo_listing.list_repos(uow, bob)}
    assert public.repo_name in listed and secret.repo_name not in listed
    assert secret.repo_name in {r.repo_name for r in repo_listing.list_repos(uow, alice)}


def test_a_read_grant_opens_a_private_repository(uow, root, alice):
    secret = make.repo(uow, alice, private=True)
    bob_user = people.user(uow)
    repo_permissions.grant_user(uow, alice, secret, bob_user, "repository.read")
    bob = people.caller(uow, bob_user)
    assert repos.get_repo(uow, bob, secret.repo_name) is secret
    with pytest.raises(NotFound):
        repos.administered(uow, bob, secret.repo_name)


def test_making_a_repository_private_closes_it_and_public_again_does_not_reopen(uow, alice):
    repo = make.repo(uow, alice)
    repo_settings.update_repo(uow, alice, repo.repo_name, {"private": True})
    assert user_rows(uow, grants.REPO, repo.repo_id) == {DEFAULT_USERNAME: "repository.none"}
    repo_settings.update_repo(uow, alice, repo.repo_name, {"private": False})
    assert repo.private is False
    assert user_rows(uow, grants.REPO, repo.repo_id) == {DEFAULT_USERNAME: "repository.none"}
    bob = people.caller(uow, people.user(uow))
    with pytest.raises(NotFound):
        repos.get_repo(uow, bob, repo.repo_name)


# -- copy_permissions -------------------------------------------------------------------------


def test_copy_permissions_takes_the_parent_groups_rows(uow, root):
    group = make.repo_group(uow, root)
    writer = people.user(uow)
    repo_group_permissions.grant_user(uow, root, group, writer, "group.write")
    copied = make.repo(uow, root, group=group, copy_permissions=True)
    plain = make.repo(uow, root, group=group)
    secret = make.repo(uow, root, group=group, copy_permissions=True, private=True)
    assert user_rows(uow, grants.REPO, copied.repo_id) == {
        DEFAULT_USERNAME: "repository.read", writer.username: "repository.write"}
    assert user_rows(uow, grants.REPO, plain.repo_id) == {DEFAULT_USERNAME: "repository.read"}
    assert user_rows(uow, grants.REPO, secret.repo_id) == {
        DEFAULT_USERNAME: "repository.none", writer.username: "repository.write"}


# -- update: rename and move ------------------------------------------------------------------


@both_kinds
def test_a_rename_moves_the_folder_with_its_history(uow, root, kind):
    repo = make.repo(uow, root, kind=kind, commits=({"a.txt": "a\n"},))
    old = make.folder(uow, repo)
    history = log_ids(old, kind)
    new_name = unique("renamed")
    repo_settings.update_repo(uow, root, repo.repo_id, {"name": new_name})
    assert repo.repo_name == new_name and not old.exists()
    assert log_ids(storage.path_of(uow, new_name), kind) == history


def test_a_move_into_a_group_moves_the_folder_and_keeps_the_short_name(uow, root):
    repo = make.repo(uow, root)
    group = make.repo_group(uow, root)
    old = make.folder(uow, repo)
    repo_settings.update_repo(uow, root, repo.repo_name, {"group": group.group_name})
    assert (repo.repo_name, repo.group_id) == (f"{group.group_name}/{old.name}", group.group_id)
    assert not old.exists() and is_repository(make.folder(uow, repo), "git")


def test_a_move_needs_the_right_to_create_in_the_target_group(uow, root):
    carol = people.user(uow)
    people.global_rights(uow, carol, "hg.create.none")
    repo = make.repo(uow, root, owner=carol)
    readable = make.repo_group(uow, root)  # group.read for everybody, admin for nobody
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_settings.update_repo(uow, people.caller(uow, carol), repo.repo_name,
                                  {"group": readable.group_name})
    assert refused.value.field == "group"


def test_a_rename_onto_a_taken_name_is_refused(uow, root):
    repo, other = make.repo(uow, root), make.repo(uow, root)
    with unchanged(uow), pytest.raises(Conflict, match="already exists"):
        repo_settings.update_repo(uow, root, repo.repo_id, {"name": other.repo_name})


@pytest.mark.parametrize("change, field", [
    ({"name": "a/b"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "_admin"}, "name"),
    ({"landing_rev": "nonsense"}, "landing_rev"),
    ({"owner": "nobody-at-all"}, "owner"),
    ({"owner": DEFAULT_USERNAME}, "owner"),
])
def test_updates_that_break_a_rule_change_nothing(uow, root, change, field):
    repo = make.repo(uow, root)
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_settings.update_repo(uow, root, repo.repo_id, change)
    assert refused.value.field == field


def test_a_repository_is_no_fork_of_itself(uow, root):
    repo = make.repo(uow, root)
    with unchanged(uow), pytest.raises(Invalid) as refused:
        repo_settings.update_repo(uow, root, repo.repo_id, {"fork_of": repo.repo_name})
    assert refused.value.field == "fork_of"


def test_only_supplied_fields_change(uow, alice):
    repo = make.repo(uow, alice, description="kept")
    bob = people.user(uow)
    repo_settings.update_repo(uow, alice, repo.repo_id, {"owner": bob.username,
                                                         "enable_downloads": True})
    assert (repo.owner_id, repo.enable_downloads, repo.description) == (bob.user_id, True, "kept")
    assert repo.private is False and repo.landing_rev == "rev:tip"


# -- delete -----------------------------------------------------------------------------------


@both_kinds
def test_delete_moves_the_folder_aside_and_removes_the_row(uow, root, alice, kind):
    group = make.repo_group(uow, root)
    repo = make.repo(uow, root, kind=kind, group=group, owner=alice.user)
    folder, repo_id = make.folder(uow, repo), repo.repo_id
    assert repos.delete_repo(uow, alice, repo) == 0
    assert uow.db.get(Repository, repo_id) is None and not folder.exists()
    [aside] = list(folder.parent.iterdir())
    assert re.fullmatch(rf"rm__\d{{8}}_\d{{6}}_\d{{6}}__{folder.name}", aside.name)
    if kind == "hg":  # disabled: nothing mistakes it for a live repository
        assert not (aside / ".hg").exists() and (aside / "rm__.hg").is_dir()
    else:
        assert (aside / "HEAD").is_file()


def test_delete_refuses_while_forks_are_attached(uow, root):
    source, fork = make.repo(uow, root), make.repo(uow, root)
    repo_settings.update_repo(uow, root, fork.repo_id, {"fork_of": source.repo_id})
    with unchanged(uow), pytest.raises(Conflict) as refused:
        repos.delete_repo(uow, root, source)
    assert str(refused.value) == f"Cannot delete `{source.repo_name}` it still contains attached forks"
    with unchanged(uow), pytest.raises(Conflict):
        repos.delete_repo(uow, root, source, forks="keep")


def test_delete_with_detach_keeps_the_forks_stand_alone(uow, root):
    source, fork = make.repo(uow, root), make.repo(uow, root)
    repo_settings.update_repo(uow, root, fork.repo_id, {"fork_of": source.repo_id})
    assert repos.delete_repo(uow, root, source, forks="detach") == 1
    assert uow.db.get(Repository, fork.repo_id).fork_id is None


def test_delete_with_delete_takes_the_forks_of_forks_along(uow, root):
    source, fork, grandchild = make.repo(uow, root), make.repo(uow, root), make.repo(uow, root)
    repo_settings.update_repo(uow, root, fork.repo_id, {"fork_of": source.repo_id})
    repo_settings.update_repo(uow, root, grandchild.repo_id, {"fork_of": fork.repo_id})
    ids = [r.repo_id for r in (source, fork, grandchild)]
    assert repos.delete_repo(uow, root, source, forks="delete") == 1
    assert [uow.db.get(Repository, i) for i in ids] == [None, None, None]


# -- fork (commits midway: its own unit of work) ----------------------------------------------


@both_kinds
def test_a_fork_is_a_clone_that_records_its_source(committing_uow, kind):
    uow = committing_uow
    root = people.caller(uow, people.admin(uow))
    source = make.repo(uow, root, kind=kind, commits=({"a": "1\n"}, {"b": "2\n"}))
    writer = people.user(uow)
    repo_permissions.grant_user(uow, root, source, writer, "repository.write")
    alice = people.caller(uow, people.user(uow))
    name = f"{unique('forks')}/{unique('f')}"
    fork = repos.fork_repo(uow, alice, source, name, repos.RepoSpec(copy_permissions=True))
    assert (fork.fork_id, fork.repo_type, fork.owner_id) == (source.repo_id, kind, alice.user_id)
    assert log_ids(repo_disk.path(uow, fork), kind) == log_ids(repo_disk.path(uow, source), kind)
    assert user_rows(uow, grants.REPO, fork.repo_id) == user_rows(uow, grants.REPO, source.repo_id)
    with pytest.raises(AlreadyExists) as again:
        repos.fork_repo(uow, alice, source, name, repos.RepoSpec())
    assert (again.value.kind, again.value.name) == ("fork", name)


def test_forking_needs_the_fork_right_and_read_on_the_source(uow, root):
    source = make.repo(uow, root, private=True)
    carol = people.user(uow)
    with unchanged(uow), pytest.raises(NotFound):
        repos.fork_source(uow, people.caller(uow, carol), source.repo_name)
    people.global_rights(uow, carol, "hg.fork.none")
    public = make.repo(uow, root)
    with unchanged(uow), pytest.raises(AccessDenied):
        repos.fork_source(uow, people.caller(uow, carol), public.repo_name)
    assert lookup.repo(uow.db, public.repo_name) is public
