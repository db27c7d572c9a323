"""Importing a list of media URLs: each one fetched under the SSRF rules, then one item each.

The list is a text file, one ``http(s)://`` URL per line (blank lines and ``#`` comments
skipped). Every URL is checked and fetched into a temporary folder before anything is
stored, so a bad line (``urls.txt:7``) stops the import with nothing half-written.

Fetching follows SECURITY.md section G, with the checks of :mod:`backend_http`: only http
and https without credentials; the host is resolved once and refused when any address is
private, loopback, link-local, multicast or reserved (``ANNOTA_ALLOW_PRIVATE_IMPORT_URLS``
admits loopback and private networks, never link-local); the connection goes to the address
that was checked (``Host`` and TLS SNI keep the name); redirects are followed by hand, at
most :data:`MAX_REDIRECTS`, each target checked again; bodies are capped at the upload limit.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from sqlalchemy import select

from annota.errors import AnnotaError, InvalidInput, TooLarge
from annota.formats import sniff_media
from annota.formats.media import SNIFF_BYTES
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.backend_http import address_refusal, system_resolver
from annota.services.importing import media_url, store_media_file
from annota.services.projects import schema_of
from annota.services.records import ImportReport
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.models import Item

Progress = Callable[[int], None]
MAX_REDIRECTS = 3
MAX_URLS = 100_000


@dataclass(frozen=True, slots=True)
class _Fetched:
    url: str
    path: Path
    where: str


def read_url_list(path: Path) -> list[tuple[str, str]]:
    """``(url, "file:line")`` for every URL line of the list."""
    out: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if len(out) >= MAX_URLS:
                raise InvalidInput(f"more than {MAX_URLS} URLs in one list", location=path.name)
            out.append((line, f"{path.name}:{number}"))
    if not out:
        raise InvalidInput("no URLs found", location=path.name)
    return out


def _pinned(
    url: str, allow_private: bool, where: str
) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL rewritten to its checked IP, its Host header and TLS extensions."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("malformed URL", location=where) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("only http and https URLs can be imported", location=where)
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("URLs with credentials in them are refused", location=where)
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise InvalidInput("the URL has no host", location=where)
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = system_resolver(host, port)
    if not addresses:
        raise InvalidInput(f"host {host!r} does not resolve", location=where)
    for address in addresses:
        if address_refusal(address, allow_private=allow_private) is not None:
            raise InvalidInput(
                "the URL points at a private, loopback or reserved address", location=where
            )
    ip = addresses[0].split("%", 1)[0]
    netloc = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    default = 443 if parts.scheme == "https" else 80
    host_header = host if port == default else f"{host}:{port}"
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return pinned, {"Host": host_header}, extensions


def fetch(url: str, dest: Path, *, allow_private: bool, max_bytes: int, where: str) -> None:
    """Download ``url`` to ``dest`` under the rules in the module docstring."""
    current = url
    with httpx.Client(
        timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=False, trust_env=False
    ) as http:
        for _ in range(MAX_REDIRECTS + 1):
            pinned, headers, extensions = _pinned(current, allow_private, where)
            try:
                with http.stream("GET", pinned, headers=headers, extensions=extensions) as reply:
                    if reply.is_redirect:
                        current = urljoin(current, reply.headers.get("location", ""))
                        continue
                    if reply.status_code != 200:
                        raise InvalidInput(
                            f"the server answered HTTP {reply.status_code}", location=where
                        )
                    size = 0
                    with open(dest, "wb") as out:
                        for chunk in reply.iter_bytes():
                            size += len(chunk)
                            if size > max_bytes:
                                raise TooLarge(f"larger than {max_bytes} bytes", location=where)
                            out.write(chunk)
                    return
            except httpx.HTTPError:
                raise InvalidInput("the URL could not be fetched", location=where) from None
    raise InvalidInput(f"more than {MAX_REDIRECTS} redirects", location=where)


def import_urls(
    db: Database,
    actor: Actor,
    project_id: int,
    path: Path,
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Fetch every URL of the list, then store each as media and an item (all or nothing)."""
    settings = db.settings
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        schema = schema_of(db, s.connection(), project_id, project.schema_version)
        overlap = int(project.settings.get("overlap", 1))
    fields = {f.type.value: f.name for f in reversed(schema.fields)}
    urls = read_url_list(path)
    report = ImportReport(source=path.name)
    with tempfile.TemporaryDirectory(prefix="annota-urls-") as tmp:
        fetched: list[_Fetched] = []
        for n, (url, where) in enumerate(urls):
            report.read += 1
            with db.read() as s:
                known = s.execute(
                    select(Item.id).where(Item.project_id == project_id, Item.external_id == url)
                ).scalar_one_or_none()
            if known is not None or any(f.url == url for f in fetched[-1000:]):
                report.existing += 1
                continue
            dest = Path(tmp) / f"{n}.bin"
            fetch(
                url,
                dest,
                allow_private=settings.allow_private_import_urls,
                max_bytes=settings.max_body_bytes,
                where=where,
            )
            with open(dest, "rb") as fh:
                kind = sniff_media(fh.read(SNIFF_BYTES))
            if kind is None or kind.kind not in fields:
                raise InvalidInput(
                    "not media of a kind this project's schema has a field for", location=where
                )
            fetched.append(_Fetched(url, dest, where))
            if progress:
                progress(report.read)
        for item in fetched:
            try:
                stored = store_media_file(
                    db, actor, project_id, item.path, original_name=item.url[-1000:]
                )
            except AnnotaError as exc:
                raise InvalidInput(exc.message, location=item.where) from None
            field = fields[stored.kind]
            with db.write() as s:
                s.add(
                    Item(
                        project_id=project_id,
                        external_id=item.url[:255],
                        data={field: media_url(stored.id)},
                        meta={"source_url": item.url},
                        media={
                            field: {
                                "id": stored.id,
                                "width": stored.width,
                                "height": stored.height,
                                "content_type": stored.content_type,
                            }
                        },
                        rand=random.random(),
                        open=overlap > 0,
                    )
                )
            report.created += 1
    with db.write() as s:
        audit.record(
            s,
            actor,
            "items.import",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={"source": path.name, "format": "urls", "created": report.created},
        )
    return report
