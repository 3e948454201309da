"""How many of N concurrent writers succeed on a live server (SQLite by default).

    .venv/bin/python -m benchmarks.concurrent_writers [N] [rounds]

Fires N create_gist calls (one user each) and N browser logins at the same moment, through a
barrier, and prints how many succeeded. Before issue 14 (deferred BEGIN on SQLite) most of them
failed with "database is locked"; every one must succeed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx

from tests.api_client import ApiClient
from tests.concurrency import run_together
from tests.factories import make_user
from tests.live_server import start_server


def _login_form(client: httpx.Client) -> str:
    page = client.get("/_admin/login")
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def main(n: int = 8, rounds: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        server = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}")
        try:
            admin = ApiClient(server.api_url, server.admin_token)
            users = [make_user(admin) for _ in range(n)]
            for r in range(rounds):
                replies = run_together(
                    n, lambda i: users[i].api.call("create_gist", files={"a.txt": {"content": "x"}})
                )
                ok = sum(isinstance(x, dict) and x["error"] is None for x in replies)
                errors = {x["error"] if isinstance(x, dict) else repr(x) for x in replies} - {None}
                print(f"create_gist round {r + 1}: {ok}/{n} succeeded {sorted(errors)[:2]}")
            for r in range(rounds):
                clients = [httpx.Client(base_url=server.url, timeout=120) for _ in range(n)]
                forms = [_login_form(c) for c in clients]

                def login(i: int) -> int:
                    return clients[i].post("/_admin/login", data={
                        "username": users[i].username, "password": users[i].password,
                        "csrf_token": forms[i], "came_from": "/",
                    }).status_code

                codes = run_together(n, login)
                ok = sum(c in (302, 303) for c in codes)
                statuses = sorted(map(str, codes))
                print(f"login round {r + 1}: {ok}/{n} succeeded, statuses {statuses}")
                for c in clients:
                    c.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
