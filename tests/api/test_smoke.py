def test_get_user_as_admin(admin_api, live_server):
    me = admin_api.result("get_user")
    assert me["username"] == live_server.admin_username
    assert me["admin"] is True
