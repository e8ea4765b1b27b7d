"""Who is asking: a server-side session after logging in with the shared secret, a Bearer token for
scripts, or a user header set by a trusted authenticating proxy (only from its addresses).

Sessions live in this process: logging out ends one, a restart (or a changed token) ends all. Forms
carry a CSRF token bound to the session. Wrong tokens are throttled per address and overall, so
the secret cannot be guessed at speed; a secret too short to resist guessing is refused at start."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

COOKIE = "avtalebot_session"
SESSION_S = 12 * 3600
MIN_TOKEN_CHARS = 16
MAX_SESSIONS = 10_000


@dataclass
class Throttle:
    """Failed logins: at most `per_address` from one address and `overall` from all within `window_s`;
    past that, every attempt is refused until old failures age out — the right token included."""

    per_address: int = 5
    overall: int = 50
    window_s: float = 300.0
    _failures: deque = field(default_factory=deque)  # (time, address)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _trim(self, now: float) -> None:
        while self._failures and self._failures[0][0] < now - self.window_s:
            self._failures.popleft()

    def allowed(self, address: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._lock:
            self._trim(now)
            mine = sum(1 for _, a in self._failures if a == address)
            return mine < self.per_address and len(self._failures) < self.overall

    def failed(self, address: str, now: float | None = None) -> None:
        with self._lock:
            self._failures.append((time.time() if now is None else now, address))


@dataclass
class Auth:
    token: str | None
    proxy_header: str | None
    proxies: tuple[str, ...]
    throttle: Throttle = field(default_factory=Throttle)
    _sessions: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)  # id -> (user, expiry)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def weakness(self) -> str | None:
        """Why the shared secret may not be used, if it may not."""
        if self.token is not None and len(self.token) < MIN_TOKEN_CHARS:
            return f"AVTALEBOT_WEB_TOKEN has {len(self.token)} characters: use at least {MIN_TOKEN_CHARS}"
        return None

    @property
    def _key(self) -> bytes:
        return hashlib.sha256(b"avtalebot-web|" + (self.token or "").encode()).digest()

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def check_token(self, given: str) -> bool:
        return bool(self.token) and hmac.compare_digest(given.encode(), (self.token or "").encode())

    def session_cookie(self, user: str, now: float | None = None) -> str:
        """A new session for `user`; the cookie is its random id, nothing else."""
        now = time.time() if now is None else now
        user = "".join(ch for ch in user if ch.isalnum() or ch in " ._-@")[:60] or "reviewer"
        sid = secrets.token_urlsafe(32)
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                self._sessions = {k: v for k, v in self._sessions.items() if v[1] > now}
            self._sessions[sid] = (user, now + SESSION_S)
        return sid

    def user_from_cookie(self, cookie: str | None, now: float | None = None) -> str | None:
        if not cookie or not self.token:
            return None
        with self._lock:
            found = self._sessions.get(cookie)
            if found is None:
                return None
            if found[1] < (time.time() if now is None else now):
                del self._sessions[cookie]
                return None
        return found[0]

    def end_session(self, cookie: str | None) -> None:
        with self._lock:
            self._sessions.pop(cookie or "", None)

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

    def csrf(self, user: str, session: str | None) -> str:
        """Bound to the session where there is one (a logged-out session's forms stop working), else
        to the user a proxy or a Bearer token vouches for."""
        return self._sign(f"csrf|session|{session}" if session else f"csrf|user|{user}")

    def check_csrf(self, user: str, session: str | None, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest((given or "").encode(), self.csrf(user, session).encode())
