"""Labeling functions stored per project, and the votes of the ones that run in the SDK.

Declarative kinds run on the server (they are data, not code; see
:mod:`annota.automation.labeling_functions`):

- ``keyword``: ``{"keywords": [...], "field": "text", "case_sensitive": false}``
- ``regex``: ``{"pattern": "...", "field": "text", "case_sensitive": false}`` (RE2, linear time)
- ``threshold``: ``{"field": "meta.n_words", "low": null, "high": 3}``; ``meta.<key>`` reads
  item metadata, any other name an item data field
- ``model_output``: ``{"model_name": "...", "min_score": 0.8}``: votes the choice the newest
  stored prediction of that model made for the control being labelled

Kind ``python`` is a function the user runs next to their data with the SDK; its votes are
uploaded (``POST /projects/{id}/lf-votes``) and stored in ``lf_votes``, as are the votes of
declarative LFs after a run, so analysis and the label model read one table.
``label`` is a class name (an option of the choices control the run targets).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from annota.automation import KeywordLF, ModelOutputLF, RegexLF, ThresholdLF
from annota.errors import Conflict, InvalidInput, NotFound
from annota.services import audit
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.automation_records import LFInfo
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.models import Item, LFVote
from annota.store.models import LabelingFunction as LFRow

KINDS = ("keyword", "regex", "threshold", "model_output", "python")
MAX_VOTES = 50_000
VOTES = cast(Table, LFVote.__table__)
Rule = KeywordLF | RegexLF | ThresholdLF | ModelOutputLF


def _info(row: LFRow, votes: int) -> LFInfo:
    return LFInfo(
        id=row.id,
        project_id=row.project_id,
        name=row.name,
        kind=row.kind,
        spec=row.spec or {},
        label=row.label,
        votes=votes,
        created_at=row.created_at,
    )


def compile_lf(name: str, kind: str, spec: Mapping[str, Any], label: int) -> Rule:
    """The automation rule for a stored declarative LF, voting class id ``label``."""
    case = bool(spec.get("case_sensitive", False))
    if kind == "keyword":
        words = spec.get("keywords")
        if not isinstance(words, list):
            raise InvalidInput("keywords must be a list of strings", location="spec.keywords")
        return KeywordLF(name, tuple(words), label, field=_field(spec), case_sensitive=case)
    if kind == "regex":
        pattern = spec.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise InvalidInput("pattern must be a non-empty string", location="spec.pattern")
        return RegexLF(name, pattern, label, field=_field(spec), case_sensitive=case)
    if kind == "threshold":
        low, high = spec.get("low"), spec.get("high")
        for key, value in (("low", low), ("high", high)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise InvalidInput(f"{key} must be a number", location=f"spec.{key}")
        return ThresholdLF(name, _field(spec), label, low=low, high=high)
    if kind == "model_output":
        model = spec.get("model_name")
        score = spec.get("min_score", 0.5)
        if not isinstance(model, str) or not model:
            raise InvalidInput("model_name must be a model's name", location="spec.model_name")
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise InvalidInput("min_score must be a number", location="spec.min_score")
        return ModelOutputLF(
            name,
            min_score=float(score),
            label_field=f"model:{model}:label",
            score_field=f"model:{model}:score",
        )
    raise InvalidInput(f"{kind!r} labeling functions do not run on the server", location="kind")


def _field(spec: Mapping[str, Any]) -> str:
    field = spec.get("field", "text")
    if not isinstance(field, str) or not field:
        raise InvalidInput("field must be a field name", location="spec.field")
    return field


def create_lf(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    name: str,
    kind: str,
    spec: Mapping[str, Any] | None = None,
    label: str | None = None,
) -> LFInfo:
    """Store a labeling function (managers). Declarative ones are compiled now, so a bad
    pattern or keyword list is refused here rather than in a job."""
    if not name or len(name) > 200:
        raise InvalidInput("name must be 1 to 200 characters", location="name")
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", location="kind")
    body = dict(spec or {})
    if kind in ("keyword", "regex", "threshold"):
        if not label:
            raise InvalidInput("say which class this rule votes", location="label")
        compile_lf(name, kind, body, 0)
    elif kind == "model_output":
        compile_lf(name, kind, body, 0)
        label = None
    elif body or label:
        raise InvalidInput("python labeling functions carry no spec or label", location="spec")
    try:
        with db.write() as s:
            project_for(s, actor, project_id, Need.MANAGE)
            row = LFRow(
                project_id=project_id,
                name=name,
                kind=kind,
                spec=body,
                label=label,
                created_by=actor.user_id,
            )
            s.add(row)
            s.flush()
            audit.record(
                s,
                actor,
                "lf.create",
                object_type="labeling_function",
                object_id=row.id,
                project_id=project_id,
                details={"name": name, "kind": kind, "spec": body, "label": label},
            )
            return _info(row, 0)
    except IntegrityError:
        raise Conflict(f"a labeling function called {name!r} exists", location="name") from None


def list_lfs(db: Database, actor: Actor, project_id: int) -> list[LFInfo]:
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        counts = dict(
            s.execute(
                select(LFVote.lf_id, func.count())
                .where(LFVote.project_id == project_id)
                .group_by(LFVote.lf_id)
            ).all()
        )
        rows = s.execute(
            select(LFRow).where(LFRow.project_id == project_id).order_by(LFRow.id)
        ).scalars()
        return [_info(r, int(counts.get(r.id, 0))) for r in rows]


def delete_lf(db: Database, actor: Actor, project_id: int, lf_id: int) -> None:
    with db.write() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        row = s.get(LFRow, lf_id)
        if row is None or row.project_id != project_id:
            raise NotFound(f"labeling function {lf_id} not found", location="lf")
        audit.record(
            s,
            actor,
            "lf.delete",
            object_type="labeling_function",
            object_id=lf_id,
            project_id=project_id,
            details={"name": row.name},
        )
        s.delete(row)


def upload_votes(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    lf_name: str,
    votes: Sequence[tuple[int, str | None]],
) -> int:
    """Store an SDK labeling function's votes ``(item_id, label or None for abstain)``.

    The LF is created as kind ``python`` on first upload. A vote replaces the LF's earlier
    vote for that item; an abstain removes it. One transaction: all or nothing.
    """
    if len(votes) > MAX_VOTES:
        raise InvalidInput(f"send at most {MAX_VOTES} votes per request", location="votes")
    for i, (_, label) in enumerate(votes):
        if label is not None and not 1 <= len(label) <= 200:
            raise InvalidInput("labels are 1 to 200 characters", location=f"votes[{i}].label")
    with db.write() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        lf = s.execute(
            select(LFRow).where(LFRow.project_id == project_id, LFRow.name == lf_name)
        ).scalar_one_or_none()
        if lf is None:
            if not lf_name or len(lf_name) > 200:
                raise InvalidInput("lf name must be 1 to 200 characters", location="lf")
            lf = LFRow(
                project_id=project_id,
                name=lf_name,
                kind="python",
                spec={},
                created_by=actor.user_id,
            )
            s.add(lf)
            s.flush()
        elif lf.kind != "python":
            raise Conflict(
                f"{lf_name!r} is a {lf.kind} rule that runs on the server; votes are only "
                "uploaded for python labeling functions",
                location="lf",
            )
        item_ids = sorted({item_id for item_id, _ in votes})
        known: set[int] = set()
        for start in range(0, len(item_ids), 1000):
            chunk = item_ids[start : start + 1000]
            known.update(
                s.execute(
                    select(Item.id).where(Item.project_id == project_id, Item.id.in_(chunk))
                ).scalars()
            )
        for i, (item_id, _) in enumerate(votes):
            if item_id not in known:
                raise NotFound(f"item {item_id} not found", location=f"votes[{i}].item_id")
        latest = dict(votes)
        for start in range(0, len(item_ids), 1000):
            chunk = item_ids[start : start + 1000]
            s.execute(delete(VOTES).where(VOTES.c.lf_id == lf.id, VOTES.c.item_id.in_(chunk)))
        rows = [
            {"project_id": project_id, "lf_id": lf.id, "item_id": item_id, "label": label}
            for item_id, label in latest.items()
            if label is not None
        ]
        if rows:
            s.execute(insert(VOTES), rows)
        audit.record(
            s,
            actor,
            "lf.votes",
            object_type="labeling_function",
            object_id=lf.id,
            project_id=project_id,
            details={"votes": len(rows), "abstains": len(latest) - len(rows)},
        )
        return len(rows)
