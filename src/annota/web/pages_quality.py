"""Quality pages: the dashboard (SVG charts), the review queue, gold and qualification for
leads, and each annotator's feedback.

Reviewers and managers see the dashboard and the review queue; gold and qualification are
for managers; every member sees the reviews of their own answers. Review actions are htmx
posts that answer the re-rendered queue entry (or, without JavaScript, a redirect back).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from annota.errors import AnnotaError, InvalidInput, NotFound, PermissionDenied
from annota.schema import load_schema
from annota.services import (
    annotating,
    assignment,
    consensus,
    dashboards,
    gold,
    label_issues,
    projects,
    qualification,
    review,
)
from annota.services.records import ProjectInfo
from annota.web.charts import bar_chart, heatmap, series_chart
from annota.web.pages_projects import can_browse, can_manage, require_manager
from annota.web.session import DB, CheckedUser, PageRoute, PageUser, User, status_of
from annota.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_HEATMAPS = 24
METHODS = ("majority_vote", "dawid_skene", "none")
Action = Literal["accept", "reject", "fix"]


def _project(
    db: DB, user: PageUser, project_id: int, *, need: str
) -> tuple[ProjectInfo, dict[str, Any]]:
    """The project and the template basics; refuses roles below ``need`` with 403."""
    project = projects.get_project(db, user.actor, project_id)
    if need == "manage":
        require_manager(project, user)
    elif need == "browse" and not can_browse(project, user):
        raise PermissionDenied("only reviewers and managers may see this page", location="project")
    base = {
        "project": project,
        "can_browse": can_browse(project, user),
        "can_manage": can_manage(project, user),
    }
    return project, base


def _choices(db: DB, user: PageUser, project_id: int) -> dict[str, list[str]]:
    schema = load_schema(projects.get_schema(db, user.actor, project_id).document)
    return {
        c.name: [o.value for o in getattr(c, "options", [])]
        for c in schema.controls
        if c.type == "choices"
    }


@router.get("/projects/{project_id}/quality")
def dashboard(request: Request, project_id: int, db: DB, user: User) -> Response:
    """Progress over time, agreement overall and per label, annotators, confusion matrices."""
    _, base = _project(db, user, project_id, need="browse")
    days = dashboards.progress(db, user.actor, project_id)
    agreement = dashboards.agreement(db, user.actor, project_id)
    people = dashboards.annotators(db, user.actor, project_id)
    matrices = dashboards.confusion(db, user.actor, project_id)
    label_charts = [
        (
            control,
            bar_chart(
                [(lab.label, lab.specific_agreement) for lab in control.labels],
                scale_max=1,
                percent=True,
            ),
        )
        for control in agreement.controls
    ]
    context = base | {
        "tab": "quality",
        "days": days,
        "progress_chart": series_chart([(d.day, d.submitted, d.cumulative) for d in days]),
        "agreement": agreement,
        "label_charts": label_charts,
        "annotators": people,
        "throughput_chart": bar_chart([(p.username, p.submitted) for p in people]),
        "gold_chart": bar_chart(
            [(p.username, p.gold_accuracy) for p in people], scale_max=1, percent=True
        ),
        "consensus_chart": bar_chart(
            [(p.username, p.consensus_agreement) for p in people], scale_max=1, percent=True
        ),
        "heatmaps": [(m, heatmap(m.classes, m.matrix)) for m in matrices[:MAX_HEATMAPS]],
        "more_heatmaps": max(0, len(matrices) - MAX_HEATMAPS),
    }
    return render(request, "quality.html", context)


def _entry(db: DB, user: PageUser, item_id: int) -> dict[str, Any]:
    """One review-queue item: its data, every answer to it, and the reviews so far."""
    item = assignment.get_item(db, user.actor, item_id)
    answers = [
        a for a in annotating.list_item_annotations(db, user.actor, item_id) if a.status != "draft"
    ]
    reviews = review.item_reviews(db, user.actor, item_id)
    return {"item": item, "answers": answers, "reviews": reviews}


def _summary(db: DB, user: PageUser, item_id: int) -> dict[str, Any] | None:
    """The entry header after an action: the item's consensus as it now stands."""
    try:
        found = consensus.get_consensus(db, user.actor, item_id)
    except NotFound:
        return None
    labels = [
        str(choice)
        for region in found.regions
        if isinstance(region.get("value"), dict)
        for choice in region["value"].get("choices", [])
    ]
    return {
        "agreement": found.agreement,
        "n_sources": found.n_sources,
        "labels": labels,
        "suspect": False,
    }


def _queue_filters(max_agreement: str, label: str, suspect: str, annotator: str) -> dict[str, Any]:
    try:
        limit = float(max_agreement) if max_agreement else None
    except ValueError:
        raise InvalidInput("max agreement must be a number", location="max_agreement") from None
    if annotator and not annotator.isdigit():
        raise InvalidInput("choose an annotator from the list", location="annotator")
    return {
        "max_agreement": limit,
        "label": label or None,
        "suspect": True if suspect == "yes" else None,
        "annotator_id": int(annotator) if annotator else None,
    }


@router.get("/projects/{project_id}/review")
def review_page(
    request: Request,
    project_id: int,
    db: DB,
    user: User,
    max_agreement: str = "",
    label: str = "",
    suspect: str = "",
    annotator: str = "",
    after: str = "",
    scanned: str = "",
    refitted: str = "",
) -> Response:
    """The reviewer's queue: low-agreement items by default, filterable; actions inline."""
    _, base = _project(db, user, project_id, need="browse")
    filters = _queue_filters(max_agreement, label, suspect, annotator)
    page = review.review_queue(
        db,
        user.actor,
        project_id,
        after=int(after) if after.isdigit() else 0,
        limit=20,
        **filters,
    )
    entries = [(e, _entry(db, user, e.item_id)) for e in page.items]
    context = base | {
        "tab": "review",
        "entries": entries,
        "next_cursor": page.next_cursor,
        "choices": _choices(db, user, project_id),
        "annotators": dashboards.annotators(db, user.actor, project_id),
        "form": {
            "max_agreement": max_agreement,
            "label": label,
            "suspect": suspect,
            "annotator": annotator,
        },
        "error": None,
        "scanned": scanned if scanned.isdigit() else None,
        "refitted": refitted if refitted.isdigit() else None,
    }
    return render(request, "review.html", context)


@router.post("/projects/{project_id}/review/scan")
def scan_label_issues(project_id: int, db: DB, user: CheckedUser) -> Response:
    """Flag consensus labels that stored model predictions confidently contradict (managers)."""
    found = label_issues.scan(db, user.actor, project_id)
    return RedirectResponse(
        f"/projects/{project_id}/review?suspect=yes&scanned={found}", status_code=303
    )


@router.post("/projects/{project_id}/review/refit")
def refit_consensus(project_id: int, db: DB, user: CheckedUser) -> Response:
    """Recompute every consensus (with Dawid-Skene, refit the confusions first; managers)."""
    items = consensus.refit_project(db, user.actor, project_id)
    return RedirectResponse(f"/projects/{project_id}/review?refitted={items}", status_code=303)


@router.post("/projects/{project_id}/review/{item_id}/{annotation_id}")
def review_action(
    request: Request,
    project_id: int,
    item_id: int,
    annotation_id: int,
    db: DB,
    user: CheckedUser,
    action: Annotated[str, Form(max_length=10)] = "",
    comment: Annotated[str, Form(max_length=review.MAX_COMMENT)] = "",
    fix_control: Annotated[str, Form(max_length=200)] = "",
    fix_choice: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Accept, reject (comment required) or fix (a corrected choice) one answer."""
    _, base = _project(db, user, project_id, need="browse")
    regions = None
    if action == "fix":
        regions = [{"control": fix_control, "value": {"choices": [fix_choice]}}]
    error = None
    try:
        review.review_annotation(
            db,
            user.actor,
            annotation_id,
            action=cast(Action, action),
            comment=comment,
            regions=regions,
        )
    except AnnotaError as exc:
        if not request.headers.get("hx-request"):
            raise
        error = exc.message  # shown in the entry: htmx swaps only 2xx answers
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/projects/{project_id}/review", status_code=303)
    context = base | _entry(db, user, item_id) | {"error": error}
    context |= {"choices": _choices(db, user, project_id), "entry": _summary(db, user, item_id)}
    return render(request, "review_entry.html", context)


@router.get("/projects/{project_id}/gold")
def gold_page(
    request: Request, project_id: int, db: DB, user: User, after: str = "", saved: str = ""
) -> Response:
    """Gold items with their answers, a form to add one, and the qualification attempts."""
    _, base = _project(db, user, project_id, need="manage")
    context = _gold_context(db, user, project_id, base, after, saved=bool(saved))
    return render(request, "quality_gold.html", context)


def _gold_context(
    db: DB, user: PageUser, project_id: int, base: dict[str, Any], after: str = "", **extra: Any
) -> dict[str, Any]:
    page = gold.list_gold(
        db, user.actor, project_id, after=int(after) if after.isdigit() else 0, limit=100
    )
    return base | {
        "tab": "gold",
        "gold": page.items,
        "next_cursor": page.next_cursor,
        "attempts": qualification.list_attempts(db, user.actor, project_id),
        "choices": _choices(db, user, project_id),
        "options": projects.parse_settings(base["project"].settings),
        "methods": METHODS,
        "error": None,
        "settings_error": None,
        "saved": False,
        **extra,
    }


@router.post("/projects/{project_id}/gold")
def add_gold(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    item_id: Annotated[str, Form(max_length=20)] = "",
    control: Annotated[str, Form(max_length=200)] = "",
    choice: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Mark an item of this project as gold with one choice as its answer."""
    _, base = _project(db, user, project_id, need="manage")
    try:
        if not item_id.isdigit():
            raise InvalidInput("give the item's id", location="item_id")
        if assignment.get_item(db, user.actor, int(item_id)).project_id != project_id:
            raise InvalidInput("that item belongs to another project", location="item_id")
        regions = [{"control": control, "value": {"choices": [choice]}}]
        gold.set_gold(db, user.actor, int(item_id), regions=regions)
    except AnnotaError as exc:
        context = _gold_context(db, user, project_id, base, error=exc.message)
        return render(request, "quality_gold.html", context, status_of(exc))
    return RedirectResponse(f"/projects/{project_id}/gold", status_code=303)


def _number(text: str, location: str, kind: type[float] | type[int] = float) -> float:
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput(
            f"{location.replace('_', ' ')} must be a number", location=location
        ) from None


@router.post("/projects/{project_id}/gold/settings")
def save_quality_settings(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    version: Annotated[int, Form()],
    gold_ratio: Annotated[str, Form(max_length=20)] = "0",
    qualification_size: Annotated[str, Form(max_length=20)] = "0",
    pass_score: Annotated[str, Form(max_length=20)] = "0.8",
    consensus_method: Annotated[str, Form(max_length=30)] = "majority_vote",
    agreement_threshold: Annotated[str, Form(max_length=20)] = "0.6",
) -> Response:
    """Honeypot rate, the qualification test, the consensus method and the review threshold."""
    project, base = _project(db, user, project_id, need="manage")
    try:
        current = projects.parse_settings(project.settings)
        changes = {
            "gold_ratio": _number(gold_ratio, "gold_ratio"),
            "qualification": {
                "size": _number(qualification_size, "qualification_size", int),
                "pass_score": _number(pass_score, "pass_score"),
            },
            "consensus": {
                "method": consensus_method,
                "iou_threshold": current.consensus.iou_threshold,
            },
            "review": {"agreement_threshold": _number(agreement_threshold, "agreement_threshold")},
        }
        projects.update_project(db, user.actor, project_id, version=version, settings=changes)
    except AnnotaError as exc:
        context = _gold_context(db, user, project_id, base, settings_error=exc.message)
        return render(request, "quality_gold.html", context, status_of(exc))
    return RedirectResponse(f"/projects/{project_id}/gold?saved=1", status_code=303)


@router.post("/projects/{project_id}/gold/{item_id}/remove")
def remove_gold(project_id: int, item_id: int, db: DB, user: CheckedUser) -> Response:
    project = projects.get_project(db, user.actor, project_id)
    require_manager(project, user)
    if assignment.get_item(db, user.actor, item_id).project_id != project_id:
        raise InvalidInput("that item belongs to another project", location="item_id")
    gold.remove_gold(db, user.actor, item_id)
    return RedirectResponse(f"/projects/{project_id}/gold", status_code=303)


@router.post("/projects/{project_id}/qualification/{user_id}/reset")
def reset_attempt(project_id: int, user_id: int, db: DB, user: CheckedUser) -> Response:
    qualification.reset_attempt(db, user.actor, project_id, user_id)
    return RedirectResponse(f"/projects/{project_id}/gold", status_code=303)


@router.get("/projects/{project_id}/feedback")
def feedback_page(
    request: Request, project_id: int, db: DB, user: User, after: str = ""
) -> Response:
    """What reviewers said about the caller's own answers, and their qualification state."""
    _, base = _project(db, user, project_id, need="member")
    page = review.my_feedback(
        db, user.actor, project_id, after=int(after) if after.isdigit() else 0, limit=50
    )
    try:
        status = qualification.my_status(db, user.actor, project_id)
    except AnnotaError:
        status = None
    context = base | {
        "tab": "feedback",
        "feedback": page.items,
        "next_cursor": page.next_cursor,
        "qualification": status,
    }
    return render(request, "quality_feedback.html", context)
