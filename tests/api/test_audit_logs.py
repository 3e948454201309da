"""get_audit_logs and get_user_audit_logs (REFERENCE.md section 5) against a live server: the
changes made through the API are in the trail, with who, how and from where."""

from __future__ import annotations

from tests.factories import make_user, unique


def test_a_change_through_the_api_is_in_the_trail(admin_api, live_server):
    name = unique("audited")
    admin_api.result("create_user_group", group_name=name, description="before")
    admin_api.result("update_user_group", usergroupid=name, description="after")

    entries = admin_api.result("get_audit_logs", query=f"object:{name} limit:10")
    actions = [e["action"] for e in entries]
    assert actions[:2] == ["user_group.edit", "user_group.create"]  # newest first
    edit = entries[0]
    assert edit["via"] == "api" and edit["username"] == live_server.admin_username
    assert edit["user_ip"] == "127.0.0.1"
    assert edit["action_data"]["object_type"] == "user_group"
    assert edit["action_data"]["before"] == {"description": "before"}
    assert edit["action_data"]["after"] == {"description": "after"}
    for key in ("user_log_id", "user_id", "action_date", "user_data", "version"):
        assert key in edit


def test_only_super_admins_search_and_users_see_their_own(admin_api):
    someone = make_user(admin_api)
    other = make_user(admin_api)
    assert someone.api.error("get_audit_logs", query="") == "Access was denied to this resource."
    own = someone.api.result("get_user_audit_logs")
    assert any(e["action"] == "user.create" and e["action_data"]["object_id"] == someone.user_id
               for e in own)
    assert someone.api.error("get_user_audit_logs", userid=other.user_id) == \
        "userid is not the same as your user"
    assert admin_api.result("get_user_audit_logs", userid=other.username)
    assert "Missing non optional `query`" in admin_api.error("get_audit_logs")
    assert "unknown filter" in admin_api.error("get_audit_logs", query="colour:red")
