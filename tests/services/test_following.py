"""services.following: follow and unfollow a readable repository; the watched list shows only
what the user may still read."""

from __future__ import annotations

import pytest

from tests.factories import people, repos
from tests.services.state import unchanged
from vcshub.services import following, repo_settings
from vcshub.services.errors import NotFound


def test_toggling_follows_then_unfollows(uow, root):
    me = people.user(uow)
    made = repos.repo(uow, root)
    assert not following.is_following(uow, me, made)
    repo, now = following.toggle_following(uow, me, made.repo_id)
    assert (repo.repo_id, now) == (made.repo_id, True)
    assert following.is_following(uow, me, made)
    assert made in following.followed_repos(uow, me)
    assert following.toggle_following(uow, me, str(made.repo_id))[1] is False  # a form's text
    assert not following.is_following(uow, me, made)
    assert made not in following.followed_repos(uow, me)


def test_the_owner_follows_his_new_repository(uow, root):
    made = repos.repo(uow, root)
    assert following.is_following(uow, root.user, made)


@pytest.mark.parametrize("ident", [10**9, "nope", None, -1, "12x"])
def test_a_missing_repository_is_not_found(uow, ident):
    me = people.user(uow)
    with unchanged(uow), pytest.raises(NotFound):
        following.toggle_following(uow, me, ident)


def test_a_private_repository_he_may_not_read_cannot_be_followed(uow, root):
    me = people.user(uow)
    secret = repos.repo(uow, root, private=True)
    with unchanged(uow), pytest.raises(NotFound):
        following.toggle_following(uow, me, secret.repo_id)


def test_anonymous_follows_nothing(uow, root):
    made = repos.repo(uow, root)
    default = people.default_user(uow)
    assert not following.is_following(uow, None, made)
    assert not following.is_following(uow, default, made)
    with unchanged(uow), pytest.raises(NotFound):
        following.toggle_following(uow, default, made.repo_id)


def test_a_followed_repository_that_became_private_leaves_the_list(uow, root):
    me = people.user(uow)
    made = repos.repo(uow, root)
    following.toggle_following(uow, me, made.repo_id)
    repo_settings.update_repo(uow, root, made.repo_name, {"private": True})
    assert made not in following.followed_repos(uow, me)
