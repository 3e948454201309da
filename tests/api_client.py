"""A tiny JSON-RPC client for tests: plain HTTP POSTs, exactly as external scripts send them."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_ids = itertools.count(1)


class ApiClient:
    def __init__(self, api_url: str, token: str, *, keep_alive: bool = True) -> None:
        """``keep_alive=False``: a new connection per call, so that the calls to a server of
        several worker processes are spread over them rather than all kept on one."""
        self.api_url = api_url
        self.token = token
        limits = httpx.Limits() if keep_alive else httpx.Limits(max_keepalive_connections=0)
        self._http = httpx.Client(timeout=60, limits=limits)

    def call(self, method: str, **args: Any) -> dict[str, Any]:
        """The whole envelope; HTTP status must be 200 for every JSON-RPC outcome."""
        request_id = next(_ids)
        response = self._http.post(
            self.api_url,
            json={"id": request_id, "auth_token": self.token, "method": method, "args": args},
        )
        assert response.status_code == 200, response.text
        reply = response.json()
        assert reply["id"] == request_id
        return reply

    def result(self, method: str, **args: Any) -> Any:
        reply = self.call(method, **args)
        assert reply["error"] is None, f"{method} failed: {reply['error']}"
        return reply["result"]

    def error(self, method: str, **args: Any) -> str:
        reply = self.call(method, **args)
        assert reply["error"] is not None, f"{method} unexpectedly succeeded: {reply['result']}"
        assert reply["result"] is None
        return reply["error"]

    def close(self) -> None:
        self._http.close()
