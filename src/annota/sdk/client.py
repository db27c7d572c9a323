"""``annota.Client``: the REST API from Python, over HTTP only.

Lists page transparently (iterators that fetch the next page when needed), exports stream
line by line, and writes that create things carry an idempotency key so that a retry after
a dropped connection never creates a second annotation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
from pydantic import BaseModel

from annota.sdk.errors import raise_for
from annota.wire.auth import TokenOut, UserOut
from annota.wire.items import AnnotationOut, ImportOut, ItemOut, PredictionOut
from annota.wire.projects import MemberOut, ProjectOut, SchemaOut, StatsOut

M = TypeVar("M", bound=BaseModel)
IMPORT_BATCH = 5000
VOTE_BATCH = 50_000


class Client:
    """A connection to one Annota server, authenticated with an API token.

    Example
    -------
    >>> client = Client("http://127.0.0.1:8080", token="ann_...")  # doctest: +SKIP
    >>> item = client.next_item(project_id)  # doctest: +SKIP
    >>> client.submit(item.id, [{"control": "sentiment", "value": {"choices": ["positive"]}}])
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 30.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=url.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport or httpx.HTTPTransport(retries=retries),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, path, **kwargs)
        raise_for(response)
        return response

    def _one(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        return model.model_validate(self._request(method, path, **kwargs).json())

    def _pages(
        self, model: type[M], path: str, params: dict[str, Any] | None = None, page_size: int = 200
    ) -> Iterator[M]:
        query = {k: v for k, v in (params or {}).items() if v is not None}
        query["limit"] = page_size
        while True:
            body = self._request("GET", path, params=query).json()
            for row in body["items"]:
                yield model.model_validate(row)
            if body["next_cursor"] is None:
                return
            query["after"] = body["next_cursor"]

    # -- users and tokens ----------------------------------------------------------------
    def me(self) -> UserOut:
        return UserOut.model_validate(self._request("GET", "/auth/me").json()["user"])

    def create_token(self, name: str = "") -> TokenOut:
        return self._one(TokenOut, "POST", "/tokens", json={"name": name})

    # -- projects ------------------------------------------------------------------------
    def projects(self) -> Iterator[ProjectOut]:
        return self._pages(ProjectOut, "/projects")

    def project(self, project_id: int) -> ProjectOut:
        return self._one(ProjectOut, "GET", f"/projects/{project_id}")

    def create_project(
        self,
        name: str,
        schema: dict[str, Any] | str,
        *,
        description: str = "",
        settings: dict[str, Any] | None = None,
        guidelines: str | None = None,
    ) -> ProjectOut:
        body = {
            "name": name,
            "schema": schema,
            "description": description,
            "settings": settings,
            "guidelines": guidelines,
        }
        return self._one(ProjectOut, "POST", "/projects", json=body)

    def update_project(
        self, project_id: int, *, version: int | None = None, **changes: Any
    ) -> ProjectOut:
        return self._one(
            ProjectOut, "PATCH", f"/projects/{project_id}", json={"version": version, **changes}
        )

    def schema(self, project_id: int, version: int | None = None) -> SchemaOut:
        params = {"version": version} if version else None
        return self._one(SchemaOut, "GET", f"/projects/{project_id}/schema", params=params)

    def set_schema(self, project_id: int, schema: dict[str, Any] | str) -> SchemaOut:
        return self._one(
            SchemaOut, "PUT", f"/projects/{project_id}/schema", json={"schema": schema}
        )

    def stats(self, project_id: int) -> StatsOut:
        return self._one(StatsOut, "GET", f"/projects/{project_id}/stats")

    def add_member(self, project_id: int, username: str, role: str = "annotator") -> MemberOut:
        return self._one(
            MemberOut,
            "POST",
            f"/projects/{project_id}/members",
            json={"username": username, "role": role},
        )

    # -- items ---------------------------------------------------------------------------
    def import_items(self, project_id: int, items: Iterable[dict[str, Any]]) -> ImportOut:
        """Import items (``{"id", "data", "meta"}`` dicts) in batches; totals are summed."""
        total = ImportOut(source="request", read=0, created=0, existing=0, duplicates_in_source=0)
        it = iter(items)
        while batch := list(islice(it, IMPORT_BATCH)):
            part = self._one(
                ImportOut, "POST", f"/projects/{project_id}/items", json={"items": batch}
            )
            total = ImportOut(
                source="request",
                read=total.read + part.read,
                created=total.created + part.created,
                existing=total.existing + part.existing,
                duplicates_in_source=total.duplicates_in_source + part.duplicates_in_source,
            )
        return total

    def import_file(self, project_id: int, path: str | Path) -> ImportOut:
        """Upload a JSONL / JSON / CSV / TSV / Parquet file."""
        path = Path(path)
        with open(path, "rb") as fh:
            return self._one(
                ImportOut, "POST", f"/projects/{project_id}/import", files={"file": (path.name, fh)}
            )

    def items(self, project_id: int, *, state: str | None = None) -> Iterator[ItemOut]:
        return self._pages(ItemOut, f"/projects/{project_id}/items", {"state": state})

    def item(self, item_id: int) -> ItemOut:
        return self._one(ItemOut, "GET", f"/items/{item_id}")

    def next_item(self, project_id: int) -> ItemOut | None:
        """Your next item (leased to you), or None when nothing is left."""
        response = self._request("GET", f"/projects/{project_id}/next")
        if response.status_code == 204:
            return None
        return ItemOut.model_validate(response.json())

    def skip(self, item_id: int, reason: str | None = None) -> None:
        self._request("POST", f"/items/{item_id}/skip", json={"reason": reason})

    # -- annotations ---------------------------------------------------------------------
    def submit(
        self,
        item_id: int,
        regions: list[dict[str, Any]],
        *,
        status: str = "submitted",
        lead_time: float | None = None,
        idempotency_key: str | None = None,
    ) -> AnnotationOut:
        """Submit (or save as a draft) your annotation; safe to retry."""
        key = idempotency_key or str(uuid.uuid4())
        return self._one(
            AnnotationOut,
            "POST",
            f"/items/{item_id}/annotations",
            json={
                "regions": regions,
                "status": status,
                "lead_time": lead_time,
                "idempotency_key": key,
            },
        )

    def update_annotation(
        self,
        annotation_id: int,
        *,
        version: int,
        regions: list[dict[str, Any]] | None = None,
        status: str | None = None,
    ) -> AnnotationOut:
        """Change your annotation; raises Conflict if someone saved since ``version``."""
        body = {"version": version, "regions": regions, "status": status}
        return self._one(
            AnnotationOut,
            "PUT",
            f"/annotations/{annotation_id}",
            json={k: v for k, v in body.items() if v is not None},
        )

    def annotation(self, annotation_id: int) -> AnnotationOut:
        return self._one(AnnotationOut, "GET", f"/annotations/{annotation_id}")

    def annotations(self, project_id: int, *, status: str | None = None) -> Iterator[AnnotationOut]:
        return self._pages(AnnotationOut, f"/projects/{project_id}/annotations", {"status": status})

    def add_prediction(
        self,
        item_id: int,
        regions: list[dict[str, Any]],
        *,
        model_name: str,
        model_version: str = "",
        score: float | None = None,
    ) -> PredictionOut:
        return self._one(
            PredictionOut,
            "POST",
            f"/items/{item_id}/predictions",
            json={
                "regions": regions,
                "model_name": model_name,
                "model_version": model_version,
                "score": score,
            },
        )

    # -- weak supervision ----------------------------------------------------------------
    def upload_lf_votes(
        self, project_id: int, lf: str, votes: Iterable[tuple[int, str | None]]
    ) -> int:
        """Upload a Python labeling function's votes: ``(item_id, label)``, ``None`` abstains.

        The function runs here, next to your data; only its votes reach the server. Sent in
        batches; returns how many non-abstain votes were stored.
        """
        stored = 0
        it = iter(votes)
        while batch := list(islice(it, VOTE_BATCH)):
            body = {"lf": lf, "votes": [{"item_id": i, "label": label} for i, label in batch]}
            response = self._request("POST", f"/projects/{project_id}/lf-votes", json=body)
            stored += int(response.json()["stored"])
        return stored

    # -- export --------------------------------------------------------------------------
    def export(
        self, project_id: int, *, format: str = "jsonl", include_drafts: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Stream the export, one item (with its annotations) at a time."""
        params = {"format": format, "include_drafts": include_drafts}
        with self._http.stream("GET", f"/projects/{project_id}/export", params=params) as r:
            if r.status_code >= 400:
                r.read()
                raise_for(r)
            for line in r.iter_lines():
                if line:
                    yield orjson.loads(line)

    def export_to(self, project_id: int, path: str | Path, *, format: str = "jsonl") -> int:
        """Download the export into ``path``; returns the number of lines written."""
        count = 0
        params = {"format": format}
        with (
            open(path, "wb") as out,
            self._http.stream("GET", f"/projects/{project_id}/export", params=params) as r,
        ):
            if r.status_code >= 400:
                r.read()
                raise_for(r)
            for chunk in r.iter_bytes():
                count += chunk.count(b"\n")
                out.write(chunk)
        return count
