"""SSH key methods: a vcshub extension (the contract has none; README "SSH keys").

Self or super-admin, as ``get_user``: ``userid`` absent means the caller.
"""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.coercion import Text
from vcshub.api.registry import MethodSet
from vcshub.serializers.ssh_keys import ssh_key_data
from vcshub.services import ssh_keys

methods = MethodSet()


@methods.method(writes=False)
def get_user_ssh_keys(call: Call, userid=None):
    _, keys = ssh_keys.list_keys(call.uow, call.caller, userid)
    return [ssh_key_data(key) for key in keys]


@methods.method(failure="failed to add ssh key")
def add_user_ssh_key(call: Call, key: Text, userid=None, description: Text = None):
    row = ssh_keys.add_key(call.uow, call.caller, userid, key, description)
    return {"msg": f"added ssh key {row.fingerprint}", "ssh_key": ssh_key_data(row)}


@methods.method(failure="failed to delete ssh key")
def delete_user_ssh_key(call: Call, ssh_key_id, userid=None):
    row = ssh_keys.delete_key(call.uow, call.caller, userid, ssh_key_id)
    return {"msg": f"deleted ssh key {row.fingerprint}", "ssh_key": ssh_key_data(row)}
