"""Who may talk to the web server, and how much they may send.

- Bound to a loopback address (127.0.0.0/8, ``localhost``, ``::1``) the server needs no token;
  it then only answers requests whose ``Host`` is a loopback name, which defeats DNS
  rebinding from web pages the user visits.
- Bound to any other address it refuses to start without a token (:func:`check_bind`), and
  :class:`GuardMiddleware` answers 401 to every request lacking ``Authorization: Bearer <token>``.
- Every request body is capped at ``max_body_bytes`` (413 beyond it), whether or not the client
  declared a ``Content-Length``.
- A request body must arrive within ``body_read_timeout_s`` (408 beyond it): a client that
  sends the headers, then trickles the body, would hold a connection and a buffer.
- A request that changes state (anything but GET/HEAD/OPTIONS) sent by a web page of another
  origin is refused (403, :func:`same_origin`); the app applies the same rule to the GETs that
  start a computation.
- Every answer carries :data:`SECURITY_HEADERS` (CSP ``default-src 'self'``, no MIME sniffing,
  no framing).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import anyio

from ..errors import AuthError

__all__ = ["SECURITY_HEADERS", "GuardMiddleware", "check_bind", "is_loopback", "resolve_token",
           "same_origin"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

#: ``Sec-Fetch-Site`` values of requests not made by a page of another origin: the server's own
#: pages, and a URL the user typed or bookmarked.
OWN_FETCH_SITES = {b"same-origin", b"none"}

#: Headers on every answer. Scripts only from this server (no inline script, no eval) is what
#: stops injected markup from running; styles may be inline because Plotly.js inserts its own
#: stylesheet at run time and the pages use style attributes; ``data:`` images are Plotly's
#: "download as PNG". Nothing may frame the pages (clickjacking), nor sniff a JSON body as
#: HTML.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def is_loopback(host: str) -> bool:
    """True when ``host`` (a bind address or a Host header without port) is loopback-only."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_token(token: str | None) -> str | None:
    """The token given on the command line, else ``$FRIENDSHORE_TOKEN``, else None."""
    token = token or os.environ.get("FRIENDSHORE_TOKEN") or None
    return token.strip() if token else None


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve off-loopback without a token (raises :class:`AuthError`)."""
    if not is_loopback(host) and not token:
        raise AuthError(
            f"refusing to listen on {host!r} without a token: anyone who can reach it could "
            "run jobs. Pass --token or set FRIENDSHORE_TOKEN, or bind to 127.0.0.1."
        )
    if token is not None and len(token) < 16:
        raise AuthError("the token is too short: use at least 16 characters")


def _host_of(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"host":
            host = value.decode("latin-1")
            if host.startswith("["):
                return host[1 : host.find("]")] if "]" in host else host
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return ""


def same_origin(headers: dict[bytes, bytes]) -> bool:
    """False for a request a page of another origin made: its ``Origin`` names another host,
    or its ``Sec-Fetch-Site`` says another site (browsers send that one on GETs too, where they
    omit ``Origin``). True for scripts and curl, which send neither."""
    site = headers.get(b"sec-fetch-site")
    if site is not None and site.lower() not in OWN_FETCH_SITES:
        return False
    origin = headers.get(b"origin")
    if origin is None:
        return True
    return urlsplit(origin.decode("latin-1")).netloc == headers.get(b"host", b"").decode("latin-1")


class GuardMiddleware:
    """ASGI middleware: bearer-token, loopback Host and Origin checks, request-size cap and
    read timeout, security headers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        max_body_bytes: int,
        body_read_timeout_s: float,
        loopback_only_hosts: bool = False,
    ) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes
        self.body_read_timeout_s = body_read_timeout_s
        self.expected = f"Bearer {token}".encode() if token else None
        self.loopback_only_hosts = loopback_only_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self._guard(scope, receive, _with_headers(send))

    async def _guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        if self.loopback_only_hosts and not is_loopback(_host_of(scope)):
            await _reply(send, 403, "this server only answers requests addressed to localhost")
            return
        if scope["method"] not in SAFE_METHODS and not same_origin(headers):
            await _reply(send, 403, "cross-origin request refused")
            return
        if self.expected is not None and not hmac.compare_digest(
            headers.get(b"authorization", b""), self.expected
        ):
            await _reply(
                send, 401, "missing or wrong token: send 'Authorization: Bearer <token>'",
                extra=[(b"www-authenticate", b"Bearer")],
            )
            return
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_body_bytes
            except ValueError:
                await _reply(send, 400, "bad Content-Length")
                return
            if too_big:
                await _reply(send, 413, f"request body over {self.max_body_bytes} bytes")
                return
        try:
            with anyio.fail_after(self.body_read_timeout_s):
                body = await self._read_capped(receive)
        except TimeoutError:
            await _reply(send, 408, f"request body not received within "
                                    f"{self.body_read_timeout_s:g} s")
            return
        if body is None:
            await _reply(send, 413, f"request body over {self.max_body_bytes} bytes")
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_capped(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it exceeds the cap."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)  # disconnect: the app sees an empty body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _with_headers(send: Send) -> Send:
    """A ``send`` that adds :data:`SECURITY_HEADERS` to the start of every response."""

    async def inner(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
        await send(message)

    return inner


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the buffered body over once, then defers to the real one."""
    sent = False

    async def inner() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return inner


async def _reply(
    send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(payload)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
