"""A labeling team around one project, driven through the REST API only.

``lab.make(...)`` creates the project (as its manager), adds annotators and a reviewer,
and imports items; ``lab.h(name)`` gives a person's bearer headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "controls": [
        {
            "name": "sentiment",
            "type": "choices",
            "field": "text",
            "options": ["positive", "negative", "neutral"],
        },
        {"name": "entities", "type": "spans", "field": "text", "labels": ["PER", "ORG", "LOC"]},
    ],
}
TEXT = "Alice works at Acme in Paris."


def choice(label: str) -> list[dict[str, Any]]:
    return [{"control": "sentiment", "value": {"choices": [label]}}]


def spans(*triples: tuple[int, int, str], label: str = "neutral") -> list[dict[str, Any]]:
    regions = choice(label)
    regions += [
        {"control": "entities", "value": {"start": s, "end": e, "label": t}} for s, e, t in triples
    ]
    return regions


@dataclass
class Lab:
    client: Any
    people: Any
    project_id: int = 0
    items: dict[str, int] = field(default_factory=dict)

    def h(self, name: str) -> dict[str, str]:
        return self.people.headers(name)

    def api(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        return self.client.request(method, f"/api/v1{path}", headers=self.h(who), **kwargs)

    def make(
        self,
        n_items: int,
        *,
        annotators: int = 3,
        settings: dict[str, Any] | None = None,
        name: str = "quality",
    ) -> int:
        for user in ("lead", "rev", *(f"a{i}" for i in range(annotators))):
            if user not in self.people.actors:
                self.people.add(user)
        self.people.add("root", admin=True)
        r = self.api(
            "POST",
            "/projects",
            "root",
            json={"name": name, "schema": SCHEMA, "settings": settings or {}},
        )
        assert r.status_code == 201, r.text
        self.project_id = r.json()["id"]
        for user, role in [("lead", "manager"), ("rev", "reviewer")] + [
            (f"a{i}", "annotator") for i in range(annotators)
        ]:
            r = self.api(
                "POST",
                f"/projects/{self.project_id}/members",
                "root",
                json={"username": user, "role": role},
            )
            assert r.status_code in (200, 201), r.text
        r = self.api(
            "POST",
            f"/projects/{self.project_id}/items",
            "lead",
            json={"items": [{"id": f"x{i}", "data": {"text": TEXT}} for i in range(n_items)]},
        )
        assert r.status_code == 200, r.text
        page = self.api("GET", f"/projects/{self.project_id}/items?limit=500", "lead").json()
        self.items = {it["external_id"]: it["id"] for it in page["items"]}
        return self.project_id

    def next(self, who: str) -> Any:
        return self.api("GET", f"/projects/{self.project_id}/next", who)

    def submit(self, who: str, item_id: int, regions: list[dict[str, Any]], **extra: Any) -> Any:
        r = self.api(
            "POST", f"/items/{item_id}/annotations", who, json={"regions": regions, **extra}
        )
        assert r.status_code == 201, r.text
        return r.json()

    def set_gold(self, external_id: str, regions: list[dict[str, Any]]) -> None:
        r = self.api(
            "PUT", f"/items/{self.items[external_id]}/gold", "lead", json={"regions": regions}
        )
        assert r.status_code == 200, r.text


@pytest.fixture
def lab(client: Any, people: Any) -> Lab:
    return Lab(client, people)
