"""Request guards for a local tool: a cap on request bodies, same-origin POSTs only, and headers
that keep the page from being framed or loading anything from elsewhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' "
        "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
_HEADERS = [(b"content-security-policy", _CSP.encode()), (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]


class _TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: refuse bodies over ``max_body`` bytes (413) and POSTs from another origin
    (403); add security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int, note: str = "") -> None:
        self.app, self.max_body = app, max_body
        self.refusal = f"Refused: the request is larger than this server's limit{note}."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] not in ("GET", "HEAD") and not same_origin(headers):
            await _plain(send, 403, "Refused: this request did not come from this app's own page.")
            return
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > self.max_body:
            await _plain(send, 413, self.refusal)
            return
        await self._guarded(scope, receive, send)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        received, started = 0, False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise _TooLarge
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = dict(message, headers=list(message.get("headers", [])) + _HEADERS)
            await send(message)

        try:
            await self.app(scope, limited, with_headers)
        except _TooLarge:
            if not started:
                await _plain(send, 413, self.refusal)


def same_origin(headers: dict[str, str]) -> bool:
    """Whether a state-changing request comes from this app's own pages (by Origin and Fetch
    metadata, when the browser sends them)."""
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers: list[Any] = [(b"content-type", b"text/plain; charset=utf-8"),
                          (b"content-length", str(len(body)).encode())] + _HEADERS
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
