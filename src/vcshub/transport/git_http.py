"""Git smart HTTP, streamed both ways through ``git upload-pack/receive-pack --stateless-rpc``.

Nothing is buffered whole: request bodies are piped into git as they arrive (gunzipped when
the client compressed them) and git's output is sent on in 64 KiB chunks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import zlib
from pathlib import Path

from starlette.types import Receive, Send

from vcshub.config import child_process_env

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
_PROTOCOL_HEADER = re.compile(r"^[A-Za-z0-9=:._-]{1,256}$")


class ClientGone(Exception):
    pass


def pkt_line(text: str) -> bytes:
    data = text.encode()
    return f"{len(data) + 4:04x}".encode() + data


def _protocol(header: str | None) -> str | None:
    return header if header and _PROTOCOL_HEADER.match(header) else None


async def serve(
    receive: Receive,
    send: Send,
    repo_path: Path,
    service: str,
    *,
    advertise: bool,
    git_protocol: str | None,
    gzip_body: bool,
) -> bool:
    """Run one git request; True when git finished successfully."""
    protocol = _protocol(git_protocol)
    argv = ["git", service[len("git-"):], "--stateless-rpc"]
    if advertise:
        argv.append("--advertise-refs")
    argv.append(str(repo_path))
    extra = {"GIT_PROTOCOL": protocol} if protocol else {}
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL if advertise else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=child_process_env(**extra),
    )
    kind = "advertisement" if advertise else "result"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", f"application/x-{service}-{kind}".encode()),
                (b"cache-control", b"no-cache, max-age=0, must-revalidate"),
                (b"expires", b"Fri, 01 Jan 1980 00:00:00 GMT"),
                (b"pragma", b"no-cache"),
            ],
        }
    )
    if advertise and not (protocol and "version=2" in protocol):
        # Protocol v0/v1 advertisements start with the service line; v2 has none.
        await send(
            {"type": "http.response.body", "body": pkt_line(f"# service={service}\n") + b"0000",
             "more_body": True}
        )
    feeder = None if advertise else asyncio.create_task(_feed(receive, process.stdin, gzip_body))
    errors = asyncio.create_task(_drain_stderr(process.stderr))
    try:
        while chunk := await process.stdout.read(CHUNK):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        if feeder is not None:
            await feeder
        code = await process.wait()
    except (ClientGone, OSError, asyncio.CancelledError):
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    finally:
        if feeder is not None and not feeder.done():
            feeder.cancel()
        stderr = await errors
    if code != 0:
        log.warning("%s on %s exited %s: %s", service, repo_path, code, stderr[-2000:])
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    return code == 0


async def _feed(receive: Receive, stdin: asyncio.StreamWriter, gzip_body: bool) -> None:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip_body else None
    try:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone()
            chunk = message.get("body", b"")
            if inflater is not None and chunk:
                chunk = inflater.decompress(chunk)
            if chunk:
                stdin.write(chunk)
                await stdin.drain()
            if not message.get("more_body", False):
                break
        if inflater is not None:
            stdin.write(inflater.flush())
    except (BrokenPipeError, ConnectionResetError):
        pass  # git stopped reading: its exit status tells what happened
    finally:
        with contextlib.suppress(OSError):
            stdin.close()


async def _drain_stderr(stream: asyncio.StreamReader) -> str:
    kept = b""
    while chunk := await stream.read(CHUNK):
        kept = (kept + chunk)[-8192:]
    return kept.decode("utf-8", "replace")
