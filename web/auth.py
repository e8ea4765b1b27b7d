"""Who is asking: a signed session cookie after logging in with the shared secret, a Bearer token
for scripts, or a user header set by a trusted authenticating proxy (only from its addresses).
Forms carry a CSRF token bound to the session."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

COOKIE = "avtalebot_session"
SESSION_S = 12 * 3600


@dataclass(frozen=True)
class Auth:
    token: str | None
    proxy_header: str | None
    proxies: tuple[str, ...]

    @property
    def _key(self) -> bytes:
        return hashlib.sha256(b"avtalebot-web|" + (self.token or "").encode()).digest()

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def check_token(self, given: str) -> bool:
        return bool(self.token) and hmac.compare_digest(given.encode(), self.token.encode())

    def session_cookie(self, user: str, now: float | None = None) -> str:
        user = "".join(ch for ch in user if ch.isalnum() or ch in " ._-@")[:60] or "reviewer"
        body = f"{user}|{int((now or time.time()) + SESSION_S)}"
        return f"{body}|{self._sign(body)}"

    def user_from_cookie(self, cookie: str | None, now: float | None = None) -> str | None:
        if not cookie or not self.token or cookie.count("|") != 2:
            return None
        user, expires, sig = cookie.split("|")
        if not hmac.compare_digest(sig, self._sign(f"{user}|{expires}")):
            return None
        if not expires.isdigit() or int(expires) < (now or time.time()):
            return None
        return user

    def user_of(
        self, *, cookie: str | None, authorization: str | None, client: str | None, headers
    ) -> str | None:
        """The signed-in user, or None (then the page asks to log in)."""
        if self.proxy_header and client in self.proxies:
            proxied = headers.get(self.proxy_header)
            if proxied:
                return proxied[:120]
        if (
            authorization
            and authorization.startswith("Bearer ")
            and self.check_token(authorization[7:].strip())
        ):
            return "token"
        return self.user_from_cookie(cookie)

    def csrf(self, user: str) -> str:
        return self._sign(f"csrf|{user}")

    def check_csrf(self, user: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given, self.csrf(user))
