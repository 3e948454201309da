"""The refusal cases of test_writers_refuse.py: for each service function that changes state,
ways to call it as someone who may not (``s`` is that test's ``Scene``).
"""

from __future__ import annotations

from tests.factories import people
from vcshub.permissions import names
from vcshub.services import (
    comments,
    default_permissions,
    exception_store,
    gist_updates,
    gists,
    locks,
    mirroring,
    pr_merge,
    pull_request_drafts,
    pull_requests,
    repo_group_permissions,
    repo_groups,
    repo_maintenance,
    repo_permissions,
    repo_settings,
    repo_vcs_settings,
    repos,
    session_cleanup,
    site_configuration,
    site_settings,
    ssh_keys,
    user_accounts,
    user_global_permissions,
    user_group_global_permissions,
    user_groups,
    users,
)

SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ+CD08zgsE6Op4L9bt8n2Bu2oqh12bT6sxCGwr/vRHy writer-case"

# name → ways to call it as someone who may not; each must be refused.
CASES = {
    "ssh_keys.add_key": [
        lambda s: ssh_keys.add_key(s.uow, s.other, s.root_user.user_id, SSH_KEY),
        lambda s: ssh_keys.add_key(s.uow, s.other, s.root_user.username, SSH_KEY),
    ],
    "ssh_keys.delete_key": [
        lambda s: ssh_keys.delete_key(s.uow, s.other, s.root_user.user_id, 1),
    ],
    "pull_request_drafts.create": [
        lambda s: pull_request_drafts.create(
            s.uow, s.other, pull_request_drafts.Side(s.secret, "branch", "feature"),
            pull_request_drafts.Side(s.secret, "branch", "master"), "t", "", [], ""),
    ],
    "comments.comment_pull_request": [
        lambda s: comments.comment_pull_request(s.uow, s.other, s.secret.repo_name, s.pr_id, "hi"),
        # The impersonation hole: rules judged on a repository of the caller's own.
        lambda s: comments.comment_pull_request(
            s.uow, s.dave, s.dave_repo.repo_name, s.pr_id, "hi", "approved", s.root_user.username
        ),
    ],
    "comments.close_pull_request": [
        lambda s: comments.close_pull_request(s.uow, s.other, s.secret.repo_name, s.pr_id),
        lambda s: comments.close_pull_request(
            s.uow, s.dave, s.dave_repo.repo_name, s.pr_id, s.root_user.username
        ),
    ],
    "comments.comment_commit": [
        lambda s: comments.comment_commit(s.uow, s.other, s.secret.repo_name, s.commit, "hi"),
        lambda s: comments.comment_commit(
            s.uow, s.dave, s.secret.repo_name, s.commit, "hi", userid=s.root_user.username
        ),
        # Nobody comments anonymously, even on a repository the default user may read.
        lambda s: comments.comment_commit(
            s.uow, people.caller(s.uow, people.default_user(s.uow)), s.dave_repo.repo_name,
            "tip", "hi"),
    ],
    "comments.edit_comment": [
        lambda s: comments.edit_comment(s.uow, s.other, s.comment_id, "changed"),
        lambda s: comments.edit_comment(s.uow, s.dave, s.comment_id, "changed"),
    ],
    "comments.delete_comment": [
        lambda s: comments.delete_comment(s.uow, s.other, s.comment_id),
        lambda s: comments.delete_comment(s.uow, s.dave, s.comment_id),
    ],
    "pr_merge.merge_pull_request": [
        lambda s: pr_merge.merge_pull_request(s.uow, s.other, s.secret.repo_name, s.pr_id),
        lambda s: pr_merge.merge_pull_request(
            s.uow, s.dave, s.dave_repo.repo_name, s.pr_id, s.root_user.username
        ),
        lambda s: pr_merge.merge_pull_request(
            s.uow, s.dave, s.dave_repo.repo_id, s.pr_id, s.root_user.user_id
        ),
    ],
    "pull_requests.update_pull_request": [
        lambda s: pull_requests.update_pull_request(
            s.uow, s.other, s.secret.repo_name, s.pr_id, title="mine"
        ),
        lambda s: pull_requests.update_pull_request(
            s.uow, s.dave, s.dave_repo.repo_name, s.pr_id, title="mine", close=True
        ),
    ],
    "pull_requests.create_pull_request": [
        lambda s: pull_requests.create_pull_request(
            s.uow, s.other, s.secret.repo_name, s.secret.repo_name, "branch:feature",
            "branch:master", "t",
        ),
    ],
    "pull_requests.close": [
        lambda s: pull_requests.close(
            s.uow, s.other, pull_requests.find(s.uow, s.pr_id), s.pr_id
        ),
    ],
    "pull_requests.reopen": [
        lambda s: pull_requests.reopen(s.uow, s.other, s.secret.repo_name, s.pr_id),
        lambda s: pull_requests.reopen(s.uow, s.dave, s.secret.repo_name, s.pr_id),
    ],
    "repo_vcs_settings.set_repo_settings": [
        lambda s: repo_vcs_settings.set_repo_settings(
            s.uow, s.dave, s.dave_repo.repo_name, {repo_vcs_settings.APPROVAL_REQUIRED: True}),
    ],
    "gists.create_gist": [
        lambda s: gists.create_gist(
            s.uow, s.other, {"a.txt": {"content": "x"}}, owner=s.root_user.username
        ),
    ],
    "gists.delete_gist": [lambda s: gists.delete_gist(s.uow, s.other, s.gist)],
    "gist_updates.update_gist": [
        lambda s: gist_updates.update_gist(s.uow, s.other, s.gist, {"a.txt": {"content": "y"}}),
    ],
    "locks.lock": [lambda s: locks.lock(s.uow, s.other, s.secret, s.other_user)],
    "locks.unlock": [lambda s: locks.unlock(s.uow, s.other, s.secret, s.other_user)],
    "repo_groups.create_repo_group": [
        lambda s: repo_groups.create_repo_group(s.uow, s.other, "wr-new-top"),
        lambda s: repo_groups.create_repo_group(s.uow, s.other, f"{s.group.group_name}/sub"),
    ],
    "repo_groups.update_repo_group": [
        lambda s: repo_groups.update_repo_group(
            s.uow, s.other, s.group.group_name, {"description": "x"}
        ),
    ],
    "repo_groups.delete_repo_group": [
        lambda s: repo_groups.delete_repo_group(s.uow, s.other, s.group),
    ],
    "repo_group_permissions.grant_user": [
        lambda s: repo_group_permissions.grant_user(s.uow, s.other, s.group, s.other_user, "group.admin"),
    ],
    "repo_group_permissions.revoke_user": [
        lambda s: repo_group_permissions.revoke_user(s.uow, s.other, s.group, s.root_user),
    ],
    "repo_group_permissions.grant_user_group": [
        lambda s: repo_group_permissions.grant_user_group(
            s.uow, s.other, s.group, s.user_group, "group.admin"
        ),
    ],
    "repo_group_permissions.revoke_user_group": [
        lambda s: repo_group_permissions.revoke_user_group(s.uow, s.other, s.group, s.user_group),
    ],
    "repo_maintenance.invalidate_cache": [
        lambda s: repo_maintenance.invalidate_cache(s.uow, s.other, s.secret.repo_name),
    ],
    "repo_maintenance.rescan": [lambda s: repo_maintenance.rescan(s.uow, s.other, True)],
    "mirroring.set_interval": [
        lambda s: mirroring.set_interval(s.uow, s.other, s.secret, 5),
    ],
    "mirroring.pull": [
        lambda s: mirroring.pull(s.uow, s.other, s.secret.repo_id),
    ],
    "repo_maintenance.pull": [
        lambda s: repo_maintenance.pull(s.uow, s.other, s.secret),
        lambda s: repo_maintenance.pull(s.uow, s.dave, s.secret, "https://example.com/x"),
    ],
    "pull_requests.change_reviewers": [
        lambda s: pull_requests.change_reviewers(
            s.uow, s.other, s.secret.repo_name, s.pr_id, [s.other_user.username], []
        ),
        lambda s: pull_requests.change_reviewers(
            s.uow, s.dave, s.dave_repo.repo_name, s.pr_id, [], [s.root_user.username]
        ),
    ],
    "session_cleanup.cleanup_sessions": [
        lambda s: session_cleanup.cleanup_sessions(s.uow, s.other, 0),
        lambda s: session_cleanup.cleanup_sessions(s.uow, s.dave, 1),
    ],
    "exception_store.store_client_exception": [
        lambda s: exception_store.store_client_exception(
            s.uow.settings, s.other, '{"exc_traceback": "x", "exc_type_name": "E"}'
        ),
    ],
    "repo_maintenance.strip": [
        lambda s: repo_maintenance.strip(s.uow, s.other, s.secret, s.commit, "feature"),
    ],
    # a reader, but what it tells is for the repository's admins only
    "repo_maintenance.strip_preview": [
        lambda s: repo_maintenance.strip_preview(s.uow, s.other, s.secret, s.commit, "feature"),
    ],
    "repo_permissions.grant_user": [
        lambda s: repo_permissions.grant_user(
            s.uow, s.other, s.secret, s.other_user, "repository.admin"
        ),
    ],
    "repo_permissions.revoke_user": [
        lambda s: repo_permissions.revoke_user(s.uow, s.other, s.secret, s.root_user),
    ],
    "repo_permissions.grant_user_group": [
        lambda s: repo_permissions.grant_user_group(
            s.uow, s.other, s.secret, s.user_group, "repository.admin"
        ),
    ],
    "repo_permissions.revoke_user_group": [
        lambda s: repo_permissions.revoke_user_group(s.uow, s.other, s.secret, s.user_group),
    ],
    "repo_settings.update_repo": [
        lambda s: repo_settings.update_repo(
            s.uow, s.other, s.secret.repo_name, {"private": False}
        ),
    ],
    "repo_settings.add_field": [
        lambda s: repo_settings.add_field(s.uow, s.other, s.secret.repo_name, "k"),
    ],
    "repo_settings.remove_field": [
        lambda s: repo_settings.remove_field(s.uow, s.other, s.secret.repo_name, "k"),
    ],
    "repos.create_repo": [
        # (``other`` holds the site default hg.create.repository: he may create, not for others)
        lambda s: repos.create_repo(
            s.uow, s.other, "wr-owned", "git", repos.RepoSpec(),
            owner=s.root_user.username, owner_supplied=True,
        ),
    ],
    "repos.fork_repo": [
        lambda s: repos.fork_repo(s.uow, s.other, s.secret, "wr-fork", repos.RepoSpec()),
    ],
    "repos.delete_repo": [lambda s: repos.delete_repo(s.uow, s.other, s.secret)],
    "site_configuration.send_test_mail": [
        lambda s: site_configuration.send_test_mail(s.uow, s.other, "x@example.com"),
    ],
    "site_settings.set_license_key": [
        lambda s: site_settings.set_license_key(s.uow, s.other, "key"),
    ],
    "user_groups.create_user_group": [
        lambda s: user_groups.create_user_group(s.uow, s.other, "wr-new-ug"),
    ],
    "user_groups.update_user_group": [
        lambda s: user_groups.update_user_group(
            s.uow, s.other, s.user_group.group_name, {"description": "x"}
        ),
    ],
    "user_groups.delete_user_group": [
        lambda s: user_groups.delete_user_group(s.uow, s.other, s.user_group),
    ],
    "user_groups.add_member": [
        lambda s: user_groups.add_member(s.uow, s.other, s.user_group, s.other_user),
    ],
    "user_groups.remove_member": [
        lambda s: user_groups.remove_member(s.uow, s.other, s.user_group, s.root_user),
    ],
    "user_groups.grant_user": [
        lambda s: user_groups.grant_user(
            s.uow, s.other, s.user_group, s.other_user, "usergroup.admin"
        ),
    ],
    "user_groups.revoke_user": [
        lambda s: user_groups.revoke_user(s.uow, s.other, s.user_group, s.root_user),
    ],
    "user_groups.grant_user_group": [
        lambda s: user_groups.grant_user_group(
            s.uow, s.other, s.user_group, s.user_group, "usergroup.admin"
        ),
    ],
    "user_groups.revoke_user_group": [
        lambda s: user_groups.revoke_user_group(s.uow, s.other, s.user_group, s.user_group),
    ],
    "users.create_user": [
        lambda s: users.create_user(s.uow, s.other, username="wr-new", email="wr-new@example.com"),
    ],
    "users.update_user": [
        lambda s: users.update_user(s.uow, s.other, s.other_user.user_id, {"admin": True}),
    ],
    "users.delete_user": [lambda s: users.delete_user(s.uow, s.other, s.root_user.user_id)],
    # an admin's changes to someone else's account (/_admin/users/<id>/edit/...)
    "user_accounts.create_user_token": [
        lambda s: user_accounts.create_user_token(
            s.uow, s.other, s.root_user.user_id, "all", -1, "mine now"),
        lambda s: user_accounts.create_user_token(  # not even for himself, by this door
            s.uow, s.other, s.other_user.user_id, "all", -1, "mine"),
    ],
    "user_accounts.revoke_user_token": [
        lambda s: user_accounts.revoke_user_token(
            s.uow, s.other, s.root_user.user_id, s.root_user.tokens[0].token_id),
    ],
    "user_accounts.add_user_email": [
        lambda s: user_accounts.add_user_email(
            s.uow, s.other, s.root_user.user_id, "wr-taken@example.com"),
    ],
    "user_accounts.remove_user_email": [
        lambda s: user_accounts.remove_user_email(s.uow, s.other, s.root_user.user_id, 1),
    ],
    "user_accounts.add_user_ip": [
        lambda s: user_accounts.add_user_ip(s.uow, s.other, s.root_user.user_id, "10.0.0.1"),
    ],
    "user_accounts.remove_user_ip": [
        lambda s: user_accounts.remove_user_ip(s.uow, s.other, s.root_user.user_id, 1),
    ],
    "user_global_permissions.set_global_permissions": [
        lambda s: user_global_permissions.set_global_permissions(
            s.uow, s.other, s.other_user.user_id, True, {}),
    ],
    "user_group_global_permissions.set_global_permissions": [
        lambda s: user_group_global_permissions.set_global_permissions(
            s.uow, s.other, s.user_group.users_group_id, True, {}),
    ],
    # valid choices: only the caller can be what refuses them
    "default_permissions.set_application": [
        lambda s: default_permissions.set_application(s.uow, s.other, {
            "register": "hg.register.auto_activate", "password_reset": "hg.password_reset.enabled"}),
    ],
    "default_permissions.set_global": [
        lambda s: default_permissions.set_global(
            s.uow, s.other, {f: c[0] for f, c in names.CONFIGURABLE_FAMILIES.items()}),
    ],
    "default_permissions.set_object_defaults": [
        lambda s: default_permissions.set_object_defaults(
            s.uow, s.other, {"repository": "repository.admin", "group": "group.admin",
                             "usergroup": "usergroup.admin"}, ["repository", "group"]),
    ],
}
