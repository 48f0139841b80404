"""Refuse request bodies over the limit before reading them (413), whatever the route, and URLs
with a NUL character (422), which no parameter may hold and PostgreSQL cannot compare."""

from __future__ import annotations

import contextlib
import json
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    def __init__(self, app: ASGIApp, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        is_upload = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.upload_limit + 64 * 1024 if is_upload else self.json_limit
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    raise _TooLarge
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the app's answer to a body cut short (FastAPI's form parser says 400)
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if refused and not started:
            await self._refuse(scope, send, limit)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        body = json.dumps({
            "type": "https://vanthu.invalid/problems/payload-too-large",
            "title": "Payload too large", "status": 413,
            "detail": f"the request body is larger than {limit} bytes",
            "instance": scope.get("path", ""),
        }).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class NoNul:
    """A NUL in the path or the query is a 422 naming the parameter, before any route runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            field = _nul_field(scope)
            if field is not None:
                reason = "must not contain the NUL character"
                body = json.dumps({
                    "type": "https://vanthu.invalid/problems/invalid", "title": "Invalid input",
                    "status": 422, "detail": f"{field}: {reason}", "instance": scope["path"],
                    "field": field, "errors": [{"field": field, "reason": reason}],
                }).encode()
                await send({"type": "http.response.start", "status": 422,
                            "headers": [(b"content-type", b"application/problem+json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _nul_field(scope: Scope) -> str | None:
    if "\x00" in scope.get("path", ""):
        return "path"
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" not in query and "\x00" not in query:
        return None
    for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8",
                                 errors="replace"):
        if "\x00" in name + value:
            return name.replace("\x00", "") or "query"
    return None  # "%2500" is the text "%00", not a NUL
