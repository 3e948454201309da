"""The SSH key methods (vcshub extensions, README "SSH keys"): the user himself or a super-admin."""

from __future__ import annotations

import asyncssh

from tests.factories import make_user


def public_key(comment: str = "me@laptop") -> str:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    return key.export_public_key("openssh").decode()


def test_add_list_delete_own_keys(admin_api):
    user = make_user(admin_api)
    text = public_key()
    added = user.api.result("add_user_ssh_key", key=text)
    key = added["ssh_key"]
    assert added["msg"] == f"added ssh key {key['fingerprint']}"
    assert key["fingerprint"].startswith("SHA256:") and key["comment"] == "me@laptop"
    assert key["key_type"] == "ssh-ed25519" and key["public_key"] == " ".join(text.split()[:2])
    assert key["last_used"] is None and key["created_on"]
    assert user.api.result("get_user_ssh_keys") == [key]
    assert admin_api.result("get_user_ssh_keys", userid=user.user_id) == [key]
    assert user.api.result("get_user_ssh_keys", userid=user.user_id) == [key]
    deleted = user.api.result("delete_user_ssh_key", ssh_key_id=key["ssh_key_id"])
    assert deleted["msg"] == f"deleted ssh key {key['fingerprint']}"
    assert user.api.result("get_user_ssh_keys") == []


def test_refusals(admin_api):
    user, other = make_user(admin_api), make_user(admin_api)
    text = public_key()
    key = user.api.result("add_user_ssh_key", key=text)["ssh_key"]
    # one user per key, whoever adds it again
    assert other.api.error("add_user_ssh_key", key=text) == (
        f"ssh key `{key['fingerprint']}` already exist")
    assert admin_api.error("add_user_ssh_key", userid=other.user_id, key=text) == (
        f"ssh key `{key['fingerprint']}` already exist")
    assert other.api.error("add_user_ssh_key", key="ssh-rsa AAAA nope") == "failed to add ssh key"
    # another user's keys: neither seen nor touched by a non-admin
    for method, args in (("get_user_ssh_keys", {}), ("add_user_ssh_key", {"key": public_key()}),
                         ("delete_user_ssh_key", {"ssh_key_id": key["ssh_key_id"]})):
        assert other.api.error(method, userid=user.user_id, **args) == (
            "userid is not the same as your user")
    assert other.api.error("delete_user_ssh_key", ssh_key_id=key["ssh_key_id"]) == (
        f"ssh key `{key['ssh_key_id']}` does not exist")
    admin_api.result("delete_user_ssh_key", userid=user.user_id, ssh_key_id=key["ssh_key_id"])
    assert user.api.result("get_user_ssh_keys") == []
