"""HTTP responses of the raw views: plain text, raw files, feeds, streamed archives.

Repository content is served so that a browser never runs it: text as ``text/plain``, images
inline, anything else as an attachment, always with ``nosniff`` and a sandboxing CSP.
"""

from __future__ import annotations

from urllib.parse import quote

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from vcshub.services.archives import Archive
from vcshub.services.repo_contents import RawFile

SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}
# Shown in the browser by the raw view; everything else binary is downloaded.
INLINE_IMAGES = frozenset({
    "image/png", "image/gif", "image/jpeg", "image/webp", "image/bmp", "image/x-icon",
    "image/vnd.microsoft.icon", "image/svg+xml",
})
TEXT = "text/plain; charset=utf-8"


def disposition(kind: str, filename: str) -> str:
    """``attachment; filename="..."`` with an RFC 6266 UTF-8 variant for non-ASCII names."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    value = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def text(body: str, status: int = 200, attachment: str | None = None) -> Response:
    headers = dict(SAFE_HEADERS)
    if attachment:
        headers["Content-Disposition"] = disposition("attachment", attachment)
    return PlainTextResponse(body, status_code=status, headers=headers)


def raw_file(found: RawFile, download: bool) -> Response:
    """``raw``: text shown as plain text, images inline, other binaries downloaded.
    ``rawfile``/``download``: always an attachment with the file's own type."""
    mimetype = found.mimetype or "application/octet-stream"
    if download:
        kind = "attachment"
        if mimetype.startswith("text/") and not found.is_binary:
            mimetype += "; charset=utf-8"
    elif mimetype in INLINE_IMAGES:
        kind = "inline"
    elif found.is_binary:
        kind = "attachment"
        if mimetype.startswith("text/"):
            mimetype = "application/octet-stream"
    else:
        kind, mimetype = "inline", TEXT
    headers = dict(SAFE_HEADERS)
    headers["Content-Disposition"] = disposition(kind, found.name)
    headers["ETag"] = f'"{found.commit_id}:{found.path}"'.encode("ascii", "replace").decode()
    return Response(found.content, media_type=mimetype, headers=headers)


def xml(document: bytes, media_type: str) -> Response:
    return Response(document, media_type=media_type, headers={"X-Content-Type-Options": "nosniff"})


class _CachedArchive(FileResponse):
    chunk_size = 1024 * 1024


class ArchiveResponse:
    """Serve a cached archive as a file; otherwise stream it while it is produced and cached."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.headers = {
            "Content-Type": archive.fmt.mimetype,
            "Content-Disposition": disposition("attachment", archive.filename),
            "X-Content-Type-Options": "nosniff",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        archive = self.archive
        if archive.cached:
            response = _CachedArchive(
                archive.path, media_type=archive.fmt.mimetype, filename=archive.filename,
                headers={"X-Content-Type-Options": "nosniff"},
            )
            await response(scope, receive, send)
            return
        raw_headers = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        await send({"type": "http.response.start", "status": 200, "headers": raw_headers})
        if scope.get("method") != "HEAD":
            await self._stream(receive, send)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _stream(self, receive: Receive, send: Send) -> None:
        chunks = self.archive.produce()
        try:
            async with anyio.create_task_group() as group:

                async def watch() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(watch)
                # the worker thread is never abandoned: a cancel waits for next() to return
                while (chunk := await run_in_threadpool(next, chunks, None)) is not None:
                    if chunk:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                group.cancel_scope.cancel()
        finally:
            chunks.close()  # unfinished: stops the archiver and drops the partial cache file
