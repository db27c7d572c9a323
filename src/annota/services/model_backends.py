"""Model backends: registering a project's HTTP model servers, checking them, calling them.

The protocol (docs/model-backend.md): ``GET /health``, ``POST /predict`` and ``POST /fit``,
JSON both ways, ``Authorization: Bearer <token>`` when a token is set. Registering and
changing backends is for project managers; the token is stored but never handed back (the
API shows ``has_token``). Every call goes through :mod:`annota.services.backend_http`, so
the SSRF rules hold at registration *and* at each call (an address may change meanwhile).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from annota.automation import Prediction
from annota.errors import Conflict, InvalidInput, NotFound
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.automation_records import BackendHealth, BackendInfo
from annota.services.backend_http import (
    BackendClient,
    BackendUnavailable,
    Resolver,
    check_url,
    system_resolver,
)
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.models import ModelBackend

log = logging.getLogger(__name__)

MAX_TOKEN = 1000
MAX_NAME = 200


def _info(row: ModelBackend) -> BackendInfo:
    return BackendInfo(
        id=row.id,
        project_id=row.project_id,
        name=row.name,
        url=row.url,
        has_token=bool(row.token),
        timeout_seconds=row.timeout_seconds,
        created_at=row.created_at,
    )


def _check_fields(db: Database, name: str, token: str | None, timeout: float | None) -> float:
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"name must be 1 to {MAX_NAME} characters", location="name")
    if token is not None and len(token) > MAX_TOKEN:
        raise InvalidInput(f"token must be at most {MAX_TOKEN} characters", location="token")
    ceiling = db.settings.model_backend_timeout_seconds
    chosen = ceiling if timeout is None else timeout
    if not 0 < chosen <= ceiling:
        raise InvalidInput(f"timeout must be in (0, {ceiling}] seconds", location="timeout_seconds")
    return chosen


def register_backend(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    name: str,
    url: str,
    token: str | None = None,
    timeout_seconds: float | None = None,
    resolve: Resolver = system_resolver,
) -> BackendInfo:
    """Add a backend to a project (managers); the URL must pass the SSRF checks now.

    The caller's role is checked first: nobody outside the project's managers may make the
    server resolve a host name, nor learn from a 400 that the project exists.
    """
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
    timeout = _check_fields(db, name, token, timeout_seconds)
    target = check_url(url, allow_private=db.settings.allow_private_model_urls, resolve=resolve)
    try:
        with db.write() as s:
            project_for(s, actor, project_id, Need.MANAGE)
            row = ModelBackend(
                project_id=project_id,
                name=name,
                url=target.url,
                token=token or None,
                timeout_seconds=timeout,
                created_by=actor.user_id,
            )
            s.add(row)
            s.flush()
            audit.record(
                s,
                actor,
                "model_backend.create",
                object_type="model_backend",
                object_id=row.id,
                project_id=project_id,
                details={"name": name, "url": target.url},
            )
            return _info(row)
    except IntegrityError:
        raise Conflict(
            f"the project already has a backend called {name!r}", location="name"
        ) from None


def list_backends(db: Database, actor: Actor, project_id: int) -> list[BackendInfo]:
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        rows = s.execute(
            select(ModelBackend)
            .where(ModelBackend.project_id == project_id)
            .order_by(ModelBackend.id)
        ).scalars()
        return [_info(r) for r in rows]


def _row(db: Database, actor: Actor, project_id: int, backend_id: int) -> ModelBackend:
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        row = s.get(ModelBackend, backend_id)
        if row is None or row.project_id != project_id:
            raise NotFound(f"model backend {backend_id} not found", location="backend")
        s.expunge(row)
        return row


def delete_backend(db: Database, actor: Actor, project_id: int, backend_id: int) -> None:
    _row(db, actor, project_id, backend_id)
    with db.write() as s:
        row = s.get_one(ModelBackend, backend_id)
        audit.record(
            s,
            actor,
            "model_backend.delete",
            object_type="model_backend",
            object_id=backend_id,
            project_id=project_id,
            details={"name": row.name},
        )
        s.delete(row)


def client_for(
    db: Database, row: ModelBackend, *, resolve: Resolver = system_resolver
) -> BackendClient:
    """A client pinned to the address the URL resolves to *now* (checked again)."""
    target = check_url(row.url, allow_private=db.settings.allow_private_model_urls, resolve=resolve)
    return BackendClient(
        target=target,
        token=row.token,
        timeout=min(row.timeout_seconds, db.settings.model_backend_timeout_seconds),
        max_bytes=db.settings.model_backend_max_response_bytes,
    )


def check_health(db: Database, actor: Actor, project_id: int, backend_id: int) -> BackendHealth:
    """Call ``GET /health``; failures come back as ``ok=False`` with a generic message."""
    row = _row(db, actor, project_id, backend_id)
    try:
        answer = client_for(db, row).get("/health")
    except (BackendUnavailable, InvalidInput) as exc:
        return BackendHealth(ok=False, message=exc.message)
    version = answer.get("model_version")
    status = answer.get("status")
    healthy = status in (None, "ok")
    return BackendHealth(
        ok=healthy,
        message="ok" if healthy else "the backend reports that it is not healthy",
        model_version=str(version)[:100] if version is not None else None,
    )


def backend_row(db: Database, project_id: int, backend_id: int) -> ModelBackend:
    """The backend row for a job (no actor: the job was authorized when it was started)."""
    with db.read() as s:
        row = s.get(ModelBackend, backend_id)
        if row is None or row.project_id != project_id:
            raise NotFound(f"model backend {backend_id} not found", location="backend")
        s.expunge(row)
        return row


class RemoteModel:
    """The :class:`~annota.automation.Model` interface over a backend's ``/predict``/``/fit``.

    ``version`` is what the backend last reported (``model_version`` of its answers), so
    predictions are stamped with the version that actually made them.
    """

    def __init__(self, client: BackendClient, *, name: str, schema: Mapping[str, Any]) -> None:
        self.client = client
        self.model_name = name
        self.schema = dict(schema)
        self.model_version = ""

    @property
    def name(self) -> str:
        return self.model_name

    @property
    def version(self) -> str:
        return self.model_version

    def predict(self, items: Sequence[Mapping[str, Any]]) -> list[Prediction]:
        body = {
            "items": [{"id": item["id"], "data": item["data"]} for item in items],
            "schema": self.schema,
        }
        answer = self.client.post("/predict", body)
        wanted = {item["id"] for item in items}
        rows = answer.get("predictions")
        if not isinstance(rows, list):
            raise _protocol("'predictions' must be a list")
        out = []
        for row in rows:
            if not isinstance(row, dict) or row.get("item_id") not in wanted:
                raise _protocol("each prediction needs the item_id of a requested item")
            regions = row.get("regions", [])
            if not isinstance(regions, list) or not all(isinstance(r, dict) for r in regions):
                raise _protocol("'regions' must be a list of objects")
            score = row.get("score")
            if score is not None and not (isinstance(score, int | float) and 0 <= score <= 1):
                raise _protocol("'score' must be a number in [0, 1]")
            version = str(row.get("model_version", ""))[:100]
            self.model_version = version or self.model_version
            out.append(Prediction(row["item_id"], tuple(regions), self.name, version, score))
        return out

    def fit(
        self,
        items: Sequence[Mapping[str, Any]],
        annotations: Sequence[Sequence[Mapping[str, Any]]],
    ) -> str:
        """Ask the backend to train; returns the ``model_version`` it reports."""
        body = {
            "items": [{"id": item["id"], "data": item["data"]} for item in items],
            "annotations": [list(regions) for regions in annotations],
            "schema": self.schema,
        }
        answer = self.client.post("/fit", body)
        self.model_version = str(answer.get("model_version", ""))[:100]
        return self.model_version


def _protocol(detail: str) -> BackendUnavailable:
    log.info("model backend answer breaks the protocol: %s", detail)
    return BackendUnavailable("protocol", detail)
