"""Who is asking: a per-browser secret the server issues in an HttpOnly cookie, and checks.

On a public Space anyone can call any endpoint with any arguments, so ownership of a run can never
come from a value the client sends. The server hands each browser (and each gradio_client, which
keeps the cookies of its first response) a random token it cannot read from JavaScript; a run
records a hash of it, and abort/delete compare hashes. The token itself is stored nowhere.

    app_kwargs={"middleware": [visitors.middleware()]}   # demo.launch(...): issue the cookie
    owner = visitors.owner(request)                       # in a handler that takes `request: gr.Request`
"""
from __future__ import annotations

import hashlib
import re
import secrets
from http.cookies import SimpleCookie

from starlette.middleware import Middleware

COOKIE = "prompt_lab_visitor"
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
MAX_AGE = 60 * 60 * 24 * 365


def _token_of(cookie_header: str) -> str | None:
    try:
        jar = SimpleCookie(cookie_header)
    except Exception:  # noqa: BLE001 - a malformed header is simply no identity
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None and TOKEN.fullmatch(morsel.value) else None


class VisitorCookie:
    """ASGI middleware: a request without a valid visitor cookie gets a fresh one, both on the request
    itself (so its handlers already see it) and in the response's Set-Cookie."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = list(scope.get("headers", []))
        cookie = b"; ".join(value for name, value in headers if name == b"cookie").decode("latin-1")
        if _token_of(cookie):
            return await self.app(scope, receive, send)
        token = secrets.token_urlsafe(32)
        headers = [(n, v) for n, v in headers if n != b"cookie"]
        headers.append((b"cookie", f"{cookie + '; ' if cookie else ''}{COOKIE}={token}".encode("latin-1")))
        scope = {**scope, "headers": headers}
        https = scope.get("scheme") == "https" or dict(headers).get(b"x-forwarded-proto", b"") == b"https"
        # a Space shows the app in an iframe on huggingface.co: a cross-site cookie must be Secure, and
        # Partitioned (CHIPS) keeps browsers that block third-party cookies from dropping it
        attributes = "; SameSite=None; Secure; Partitioned" if https else "; SameSite=Lax"
        set_cookie = f"{COOKIE}={token}; Path=/; Max-Age={MAX_AGE}; HttpOnly{attributes}".encode("latin-1")

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", set_cookie)]}
            await send(message)

        return await self.app(scope, receive, send_with_cookie)


def middleware() -> Middleware:
    return Middleware(VisitorCookie)


def owner(request) -> str | None:
    """The visitor's owner id (a hash of their token), or None for a request without the cookie."""
    if request is None:
        return None
    cookies = getattr(request, "cookies", None) or {}
    token = cookies.get(COOKIE) if hasattr(cookies, "get") else None
    if token is None:
        token = _token_of((getattr(request, "headers", None) or {}).get("cookie", ""))
    if not token or not TOKEN.fullmatch(token):
        return None
    return hashlib.sha256(token.encode()).hexdigest()[:32]
