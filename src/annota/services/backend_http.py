"""Outbound HTTP to model backends, under the SSRF rules of SECURITY.md (section G).

A backend URL is user data that makes the server open connections, so every call:

- accepts only ``http``/``https`` URLs without credentials in them (G4);
- resolves the host once and refuses it when *any* address is loopback, private,
  carrier-grade NAT, link-local (cloud metadata), multicast, unspecified or reserved,
  IPv4-mapped and NAT64 forms included (G1); ``allow_private`` (the setting
  ``ANNOTA_ALLOW_PRIVATE_MODEL_URLS``) admits loopback and private ranges for a backend on
  the same machine or network (G7), never link-local or multicast;
- connects to the address it checked, not to a second lookup, so DNS rebinding cannot
  swap the target (G3): the URL is rewritten to the IP, ``Host`` and TLS SNI keep the name
  and the certificate is still verified against it;
- follows no redirects (G2), has connect and read timeouts, and reads at most
  ``max_bytes`` of the (decoded) body whatever ``Content-Length`` says (G5);
- fails with one uniform message that never echoes the response nor tells an open port
  from a closed one (G6); the reason goes to the server log.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson

from annota.errors import AnnotaError, InvalidInput

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NET = ipaddress.ip_network("0.0.0.0/8")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BackendUnavailable(AnnotaError):
    """The backend failed. The message is the same whatever went wrong (SECURITY.md G6: no
    telling an open port from a closed one, no echo of the answer); ``reason`` (``timeout``,
    ``unreachable``, ``token_refused``, ``redirect``, ``http_status``, ``too_large``,
    ``not_json``, ``protocol``) is for the server log and tests, never the response."""

    code = "backend_unavailable"
    MESSAGE = "the model backend did not answer successfully (the server log says why)"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(self.MESSAGE, location="backend")
        self.reason = reason
        self.detail = detail


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), as strings."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv4-mapped or NAT64 IPv6 address, else ``ip``."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_refusal(address: str, *, allow_private: bool) -> str | None:
    """Why a connection to ``address`` is refused, or None when it is allowed."""
    try:
        ip = _unwrap(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return "not an IP address"
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified:
        return "link-local, multicast or unspecified address"
    if isinstance(ip, ipaddress.IPv4Address) and (
        ip in _THIS_NET or ip == ipaddress.IPv4Address("255.255.255.255")
    ):
        return "reserved address"
    if ip.is_global:
        return None
    if allow_private and (ip.is_loopback or ip.is_private or ip in _CGNAT):
        return None
    return "private, loopback or reserved address"


@dataclass(frozen=True)
class Target:
    """A checked URL and the one address it may be fetched from."""

    url: str
    host: str
    port: int
    ip: str

    def pinned_url(self, path: str) -> str:
        """``url`` + ``path`` with the host replaced by the checked IP."""
        parts = urlsplit(self.url)
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        base = parts.path.rstrip("/")
        return urlunsplit((parts.scheme, f"{host}:{self.port}", base + path, "", ""))

    @property
    def host_header(self) -> str:
        default = 443 if self.url.startswith("https:") else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


def check_url(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> Target:
    """Validate a backend URL and pick the address to pin; ``InvalidInput`` when refused."""
    if not isinstance(url, str) or len(url) > 2000:
        raise InvalidInput("the URL must be text of at most 2000 characters", location="url")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InvalidInput("the URL is malformed", location="url") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("only http and https URLs are allowed", location="url")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("put the token in the token field, not in the URL", location="url")
    if parts.query or parts.fragment:
        raise InvalidInput("the URL may not carry a query or fragment", location="url")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise InvalidInput("the URL has no host", location="url")
    port = port or (443 if parts.scheme == "https" else 80)
    if (host == "localhost" or host.endswith(".localhost")) and not allow_private:
        raise InvalidInput("the URL points at a private or loopback address", location="url")
    addresses = resolve(host, port)
    if not addresses:
        raise InvalidInput("the URL's host does not resolve", location="url")
    for address in addresses:
        if address_refusal(address, allow_private=allow_private) is not None:
            raise InvalidInput(
                "the URL points at a private, loopback or reserved address "
                "(ANNOTA_ALLOW_PRIVATE_MODEL_URLS admits loopback and private backends)",
                location="url",
            )
    clean = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return Target(url=clean, host=host, port=port, ip=addresses[0].split("%", 1)[0])


@dataclass(frozen=True)
class BackendClient:
    """JSON over HTTP to one checked backend: ``get("/health")``, ``post("/predict", body)``."""

    target: Target
    token: str | None
    timeout: float
    max_bytes: int

    def get(self, path: str) -> dict[str, Any]:
        return self._call("GET", path, None)

    def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, body)

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None) -> dict[str, Any]:
        headers = {"Host": self.target.host_header, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        content = None
        if body is not None:
            content = orjson.dumps(body)
            headers["Content-Type"] = "application/json"
        extensions = (
            {"sni_hostname": self.target.host} if self.target.url.startswith("https:") else {}
        )
        timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0))
        try:
            with (
                httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as http,
                http.stream(
                    method,
                    self.target.pinned_url(path),
                    content=content,
                    headers=headers,
                    extensions=extensions,
                ) as response,
            ):
                if response.status_code in (401, 403):
                    raise BackendUnavailable("token_refused")
                if 300 <= response.status_code < 400:
                    raise BackendUnavailable("redirect")
                if response.status_code >= 300:
                    raise BackendUnavailable("http_status", str(response.status_code))
                raw = self._read_capped(response)
            try:
                parsed = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise BackendUnavailable("not_json") from None
            if not isinstance(parsed, dict):
                raise BackendUnavailable("not_json", "not an object")
            return parsed
        except httpx.TimeoutException:
            failure = BackendUnavailable("timeout")
        except httpx.HTTPError:
            failure = BackendUnavailable("unreachable")
        except BackendUnavailable as exc:
            failure = exc
        log.info("model backend %s failed: %s %s", self.target.host, failure.reason, failure.detail)
        raise failure

    def _read_capped(self, response: httpx.Response) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise BackendUnavailable("too_large", f"over {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
