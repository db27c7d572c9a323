"""Browser security for the pages: the page CSP, CSRF tokens and safe redirects.

Pages are signed in by the same ``annota_session`` cookie as the API. Every state-changing
page request must carry the session's CSRF token, in the form field ``csrf_token`` or the
``X-CSRF-Token`` header (htmx and fetch send the header from ``<meta name="csrf-token">``).
The login form has no session yet, so it gets a *pre-session* token: a random value in a
``SameSite=Strict`` cookie, and in the form its HMAC under the install's signing secret, so
a cross-site page can neither read nor forge the pair.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

#: must equal ``annota.api.deps.SESSION_COOKIE`` (web may not import api; a test checks)
SESSION_COOKIE = "annota_session"
LOGIN_COOKIE = "annota_login"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"

#: The pages' Content-Security-Policy: scripts and styles only from our own origin, no
#: inline code or style attributes (JS may still set ``element.style.x`` through the CSSOM),
#: no plugins, no framing, forms post only to us. ``blob:`` and ``data:`` images and media
#: serve the editors (thumbnails, waveforms) and cannot run script.
PAGE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_token(secret: bytes, nonce: str) -> str:
    """The form half of the pre-session pair: HMAC of the cookie half."""
    return hmac.new(secret, b"login-csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def login_token_ok(secret: bytes, nonce: str | None, sent: str | None) -> bool:
    if not nonce or not sent:
        return False
    return hmac.compare_digest(login_token(secret, nonce).encode(), sent.encode())


def same_token(expected: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(expected.encode(), (sent or "").encode())


def local_path(target: str | None, default: str = "/projects") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects).

    Refuses ``//host``, ``/\\host``, schemes (``https:``, ``javascript:``), and any control
    character or backslash, which browsers may fold into a host.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
