"""services/default_permissions.py and admin_listings.py: their readers refuse anyone but a
super-admin (the writers: test_writers_refuse.py); a bad choice changes nothing; object
defaults reach new objects and, when asked, the existing ones — public repositories only; the
lists take their filter literally and count their pages."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from tests.factories import people, unique
from tests.factories import repos as repo_factory
from vcshub.db.models import UserGlobalPermission
from vcshub.permissions.caller import Caller
from vcshub.services import admin_listings, default_permissions, grants, site_policy
from vcshub.services.errors import AccessDenied, Invalid

OBJECT_NONE = {"repository": "repository.none", "group": "group.none",
               "usergroup": "usergroup.none"}


def test_readers_refuse_a_non_admin(uow):
    plain = people.caller(uow, people.user(uow))
    for read in (lambda: default_permissions.current(uow, plain),
                 lambda: admin_listings.find_repos(uow, plain),
                 lambda: admin_listings.find_repo_groups(uow, plain)):
        with pytest.raises(AccessDenied):
            read()


def test_a_bad_choice_changes_nothing(uow):
    root = people.caller(uow, people.admin(uow))
    before = default_permissions.current(uow, root)
    good = {family: before[family] for family in default_permissions.GLOBAL}
    for bad in ({**good, "fork": "hg.admin"}, {**good, "create": None},
                {**good, "inherit": "repository.read"}):
        with pytest.raises(Invalid):
            default_permissions.set_global(uow, root, bad)
    with pytest.raises(Invalid):
        default_permissions.set_object_defaults(uow, root, OBJECT_NONE, ["everything"])
    assert default_permissions.current(uow, root) == before


def test_object_defaults_reach_new_and_existing_public_objects(uow):
    root = people.caller(uow, people.admin(uow))
    visitor = Caller(uow.db, people.default_user(uow))
    public = repo_factory.repo(uow, root)
    private = repo_factory.repo(uow, root, private=True)
    group = repo_factory.repo_group(uow, root)
    default_permissions.set_object_defaults(uow, root, OBJECT_NONE)  # new objects only
    assert grants.object_default(uow, "repository") == "repository.none"
    assert visitor.perms.repo(public.repo_id) == "repository.read"
    later = repo_factory.repo(uow, root)
    visitor.forget_permissions()
    assert visitor.perms.repo(later.repo_id) == "repository.none"

    changed = default_permissions.set_object_defaults(
        uow, root, {**OBJECT_NONE, "repository": "repository.write"}, ["repository", "group"])
    assert changed["repository"] >= 2 and "usergroup" not in changed
    visitor.forget_permissions()
    assert visitor.perms.repo(public.repo_id) == "repository.write"
    assert visitor.perms.repo(private.repo_id) == "repository.none"
    assert visitor.perms.repo_group(group.group_id) == "group.none"
    rows = dict(grants.user_rows_on(uow, grants.REPO, [private.repo_id],
                                    people.default_user(uow).user_id))
    assert rows[private.repo_id] == "repository.none"  # private: its row left alone


def test_the_lists_filter_literally_and_count_pages(uow):
    root = people.caller(uow, people.admin(uow))
    stem = unique("lst").replace("-", "")
    for name in (f"{stem}_a", f"{stem}xa", f"{stem}_b"):
        repo_factory.repo(uow, root, name)
    underscored = admin_listings.find_repos(uow, root, f"{stem}_")
    assert [row.repo_name for row in underscored.rows] == [f"{stem}_a", f"{stem}_b"]
    second = admin_listings.find_repos(uow, root, stem.upper(), page=2, page_size=2)
    assert (second.total, second.pages, len(second.rows)) == (3, 2, 1)
    assert admin_listings.find_repos(uow, root, stem + "%").total == 0
    repo_factory.repo_group(uow, root, f"{stem}grp")
    groups = admin_listings.find_repo_groups(uow, root, f"{stem}GRP")
    assert [(g.group_name, g.repositories) for g in groups.rows] == [(f"{stem}grp", 0)]


def test_a_missing_row_shows_what_the_site_does_without_it(uow):
    root = people.caller(uow, people.admin(uow))
    default_id = people.default_user(uow).user_id
    uow.db.execute(delete(UserGlobalPermission).where(UserGlobalPermission.user_id == default_id))
    found = default_permissions.current(uow, root)
    assert (found["register"], found["password_reset"]) == (
        site_policy.registration(uow), site_policy.password_reset(uow))
    assert found["repository"] == grants.object_default(uow, "repository") == "repository.read"
    assert found["create"] == "hg.create.none" and found["inherit"].endswith(".true")
