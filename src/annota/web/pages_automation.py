"""Automation pages for managers: labeling functions and their analysis, the label model,
pre-labeling, and how often people kept each model version's suggestions.

Long work (the label model, pre-labeling) starts a background job; the page shows the job
as a fragment that asks for itself again every second (htmx) until the job has finished,
so progress is live without any page script of our own.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from annota.automation import STRATEGIES
from annota.errors import AnnotaError, InvalidInput, NotFound
from annota.schema import load_schema
from annota.services import (
    active_learning,
    automation_jobs,
    jobs,
    labeling_functions,
    model_backends,
    prelabeling,
    projects,
    weak_supervision,
)
from annota.services.jobs import JobRecord
from annota.services.runtime import JobQueue
from annota.web.charts import bar_chart
from annota.web.pages_projects import can_browse, require_manager
from annota.web.session import DB, CheckedUser, PageRoute, PageUser, User, status_of
from annota.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RULE_KINDS = ("keyword", "regex")
JOB_KINDS = ("lf_apply", "prelabel", "al_retrain")


def _queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


def _controls(db: DB, user: PageUser, project_id: int) -> dict[str, list[str]]:
    """The schema's choices controls and their options (what LFs and models can label)."""
    schema = load_schema(projects.get_schema(db, user.actor, project_id).document)
    return {
        c.name: [o.value for o in getattr(c, "options", [])]
        for c in schema.controls
        if c.type == "choices"
    }


def _context(
    db: DB, user: PageUser, project_id: int, control: str | None, **extra: Any
) -> dict[str, Any]:
    project = projects.get_project(db, user.actor, project_id)
    require_manager(project, user)
    controls = _controls(db, user, project_id)
    if control is not None and control not in controls:
        raise InvalidInput(f"{control!r} is not a choices control", location="control")
    chosen = control or next(iter(controls), None)
    analysis = weak_supervision.analyse(db, user.actor, project_id, chosen) if chosen else None
    lfs = analysis.lfs if analysis else []
    acceptance = prelabeling.acceptance(db, user.actor, project_id)
    context: dict[str, Any] = {
        "project": project,
        "can_browse": can_browse(project, user),
        "can_manage": True,
        "tab": "automation",
        "controls": controls,
        "control": chosen,
        "analysis": analysis,
        "lf_list": labeling_functions.list_lfs(db, user.actor, project_id),
        "coverage_chart": bar_chart([(s.name, s.coverage) for s in lfs], scale_max=1, percent=True),
        "conflict_chart": bar_chart(
            [(s.name, s.conflicts) for s in lfs], scale_max=1, percent=True
        ),
        "acceptance": acceptance,
        "acceptance_chart": bar_chart(
            [(f"{a.model_name} {a.model_version[:10]}", a.rate) for a in acceptance],
            scale_max=1,
            percent=True,
        ),
        "settings": active_learning.get_settings(db, user.actor, project_id),
        "recent_jobs": [
            j for j in jobs.list_jobs(db, user.actor, project_id, limit=30) if j.kind in JOB_KINDS
        ][:8],
        "strategies": STRATEGIES,
        "backends": model_backends.list_backends(db, user.actor, project_id),
        "health": None,
        "rule_kinds": RULE_KINDS,
        "errors": {},
        "saved": None,
    }
    context.update(extra)
    return context


@router.get("/projects/{project_id}/automation")
def automation_page(
    request: Request,
    project_id: int,
    db: DB,
    user: User,
    control: str | None = None,
    saved: str = "",
) -> Response:
    context = _context(db, user, project_id, control or None, saved=saved[:20] or None)
    return render(request, "automation.html", context)


@router.post("/projects/{project_id}/automation/lfs")
def add_rule(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    control: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=20)] = "keyword",
    terms: Annotated[str, Form(max_length=10_000)] = "",
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A keyword rule (comma-separated words) or a regular expression voting one class."""
    if kind not in RULE_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(RULE_KINDS)}", location="kind")
    spec: dict[str, Any]
    if kind == "keyword":
        spec = {"keywords": [w.strip() for w in terms.split(",") if w.strip()]}
    else:
        spec = {"pattern": terms}
    try:
        labeling_functions.create_lf(
            db, user.actor, project_id, name=name.strip(), kind=kind, spec=spec, label=label
        )
    except AnnotaError as exc:
        context = _context(db, user, project_id, control or None, errors={"rule": exc.message})
        return render(request, "automation.html", context, status_of(exc))
    target = f"/projects/{project_id}/automation"
    return RedirectResponse(target + (f"?control={control}" if control else ""), status_code=303)


@router.post("/projects/{project_id}/automation/lfs/{lf_id}/delete")
def delete_rule(project_id: int, lf_id: int, db: DB, user: CheckedUser) -> Response:
    labeling_functions.delete_lf(db, user.actor, project_id, lf_id)
    return RedirectResponse(f"/projects/{project_id}/automation", status_code=303)


def _model_spec(model: str) -> dict[str, Any] | None:
    """The form's model choice: ``text_classifier:<control>``, ``backend:<id>``, or none."""
    kind, _, arg = model.partition(":")
    if kind == "text_classifier" and arg:
        return {"kind": "text_classifier", "control": arg}
    if kind == "backend" and arg.isdigit():
        return {"kind": "backend", "backend_id": int(arg)}
    if model in ("", "project"):
        return None
    raise InvalidInput("choose a model from the list", location="model")


def _saved(project_id: int, what: str) -> Response:
    return RedirectResponse(f"/projects/{project_id}/automation?saved={what}", status_code=303)


@router.post("/projects/{project_id}/automation/settings")
def save_settings(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    model: Annotated[str, Form(max_length=200)] = "",
    al_strategy: Annotated[str, Form(max_length=50)] = "",
    al_batch: Annotated[str, Form(max_length=10)] = "",
    al_enabled: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    """The project's model and its active-learning loop (strategy, retrain every K labels)."""
    try:
        if al_batch and not al_batch.isdigit():
            raise InvalidInput("retrain every: a whole number of labels", location="al_batch")
        active_learning.update_settings(
            db,
            user.actor,
            project_id,
            model=_model_spec(model),
            al_strategy=al_strategy or None,
            al_batch=int(al_batch) if al_batch else None,
            al_enabled=al_enabled is not None,
        )
    except AnnotaError as exc:
        context = _context(db, user, project_id, None, errors={"settings": exc.message})
        return render(request, "automation.html", context, status_of(exc))
    return _saved(project_id, "settings")


@router.post("/projects/{project_id}/automation/backends")
def add_backend(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    name: Annotated[str, Form(max_length=200)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    token: Annotated[str, Form(max_length=2000)] = "",
    timeout_seconds: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Register an HTTP model backend; the service applies the SSRF rules to its URL."""
    try:
        try:
            timeout = float(timeout_seconds) if timeout_seconds else None
        except ValueError:
            raise InvalidInput("timeout must be a number", location="timeout_seconds") from None
        model_backends.register_backend(
            db,
            user.actor,
            project_id,
            name=name.strip(),
            url=url.strip(),
            token=token or None,
            timeout_seconds=timeout,
        )
    except AnnotaError as exc:
        context = _context(db, user, project_id, None, errors={"backend": exc.message})
        return render(request, "automation.html", context, status_of(exc))
    return _saved(project_id, "backend")


@router.post("/projects/{project_id}/automation/backends/{backend_id}/delete")
def delete_backend(project_id: int, backend_id: int, db: DB, user: CheckedUser) -> Response:
    model_backends.delete_backend(db, user.actor, project_id, backend_id)
    return _saved(project_id, "backend")


@router.post("/projects/{project_id}/automation/backends/{backend_id}/health")
def check_backend(
    request: Request, project_id: int, backend_id: int, db: DB, user: CheckedUser
) -> Response:
    """Ask the backend's ``/health`` now and show the answer on the page."""
    health = model_backends.check_health(db, user.actor, project_id, backend_id)
    context = _context(db, user, project_id, None, health=(backend_id, health))
    return render(request, "automation.html", context)


def _job_fragment(request: Request, project_id: int, job: JobRecord) -> Response:
    return render(
        request, "automation_job.html", {"project_id": project_id, "job": job, "error": None}
    )


def _job_error(request: Request, exc: AnnotaError) -> Response:
    """The refusal in place of the job; htmx swaps only 2xx answers, so it gets a 200."""
    context = {"project_id": 0, "job": None, "error": exc.message}
    status = 200 if request.headers.get("hx-request") else status_of(exc)
    return render(request, "automation_job.html", context, status)


@router.post("/projects/{project_id}/automation/label-model")
def run_label_model(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    control: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Apply the rules and fit the label model in a job; answers the polling fragment."""
    try:
        job = automation_jobs.start_weak_supervision(
            db, _queue(request), user.actor, project_id, control=control
        )
    except AnnotaError as exc:
        return _job_error(request, exc)
    return _job_fragment(request, project_id, job)


@router.post("/projects/{project_id}/automation/prelabel")
def start_prelabel(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    model: Annotated[str, Form(max_length=200)] = "",
    unlabelled_only: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    """Pre-label with the project's model, or a text classifier trained on one control."""
    try:
        job = automation_jobs.start_prelabel(
            db,
            _queue(request),
            user.actor,
            project_id,
            model=_model_spec(model),
            unlabelled_only=unlabelled_only is not None,
        )
    except AnnotaError as exc:
        return _job_error(request, exc)
    return _job_fragment(request, project_id, job)


@router.get("/projects/{project_id}/automation/jobs/{job_id}")
def job_progress(request: Request, project_id: int, job_id: int, db: DB, user: User) -> Response:
    """The job fragment again (htmx polls it every second while the job runs)."""
    job = jobs.get_job(db, user.actor, job_id)
    if job.project_id != project_id:
        raise NotFound(f"job {job_id} not found", location="job")
    return _job_fragment(request, project_id, job)


@router.get("/projects/{project_id}/automation/runs/{run_id}")
def label_model_run(request: Request, project_id: int, run_id: int, db: DB, user: User) -> Response:
    """A label-model run: the rules as they were (its annotations' lineage) and its result."""
    project = projects.get_project(db, user.actor, project_id)
    require_manager(project, user)
    run = weak_supervision.get_run(db, user.actor, project_id, run_id)
    context = {
        "project": project,
        "run": run,
        "can_browse": can_browse(project, user),
        "can_manage": True,
        "tab": "automation",
    }
    return render(request, "automation_run.html", context)
