"""Automation: model backends, the project's model, pre-labeling, active learning, rules."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from annota.api.deps import DB, CurrentActor, Queue, current_actor
from annota.services import (
    active_learning,
    automation_jobs,
    labeling_functions,
    model_backends,
    model_specs,
    prelabeling,
    weak_supervision,
)
from annota.wire.automation import (
    AcceptanceOut,
    AutomationOut,
    AutomationUpdate,
    BackendIn,
    BackendOut,
    HealthOut,
    LabelModelRunOut,
    LFAnalysisOut,
    LFIn,
    LFOut,
    LFRunIn,
    LFVotesIn,
    LFVotesOut,
    ModelKindsOut,
    PrelabelIn,
    RetrainOut,
)
from annota.wire.jobs import JobOut

router = APIRouter(tags=["automation"])


@router.post(
    "/projects/{project_id}/backends",
    response_model=BackendOut,
    status_code=201,
    operation_id="register_backend",
)
def register_backend(project_id: int, body: BackendIn, db: DB, actor: CurrentActor) -> BackendOut:
    """Register an HTTP model backend (managers); its URL must pass the SSRF checks."""
    return BackendOut.model_validate(
        model_backends.register_backend(
            db,
            actor,
            project_id,
            name=body.name,
            url=body.url,
            token=body.token,
            timeout_seconds=body.timeout_seconds,
        )
    )


@router.get(
    "/projects/{project_id}/backends",
    response_model=list[BackendOut],
    operation_id="list_backends",
)
def list_backends(project_id: int, db: DB, actor: CurrentActor) -> list[BackendOut]:
    return [
        BackendOut.model_validate(b) for b in model_backends.list_backends(db, actor, project_id)
    ]


@router.delete(
    "/projects/{project_id}/backends/{backend_id}", status_code=204, operation_id="delete_backend"
)
def delete_backend(project_id: int, backend_id: int, db: DB, actor: CurrentActor) -> None:
    model_backends.delete_backend(db, actor, project_id, backend_id)


@router.post(
    "/projects/{project_id}/backends/{backend_id}/health",
    response_model=HealthOut,
    operation_id="check_backend",
)
def check_backend(project_id: int, backend_id: int, db: DB, actor: CurrentActor) -> HealthOut:
    """Call the backend's ``GET /health`` now (a POST, so browsers need the CSRF token)."""
    return HealthOut.model_validate(model_backends.check_health(db, actor, project_id, backend_id))


@router.get(
    "/automation/models",
    response_model=ModelKindsOut,
    operation_id="model_kinds",
    dependencies=[Depends(current_actor)],
)
def model_kinds() -> ModelKindsOut:
    """The model kinds a project can choose on this server (signed-in callers)."""
    kinds = model_specs.available_kinds()
    return ModelKindsOut(kinds=kinds, embedder_installed="embedder_knn" in kinds)


@router.get(
    "/projects/{project_id}/automation",
    response_model=AutomationOut,
    operation_id="get_automation",
)
def get_automation(project_id: int, db: DB, actor: CurrentActor) -> AutomationOut:
    return AutomationOut.model_validate(active_learning.get_settings(db, actor, project_id))


@router.patch(
    "/projects/{project_id}/automation",
    response_model=AutomationOut,
    operation_id="update_automation",
)
def update_automation(
    project_id: int, body: AutomationUpdate, db: DB, actor: CurrentActor
) -> AutomationOut:
    """Choose the project's model and set the active-learning loop (managers)."""
    return AutomationOut.model_validate(
        active_learning.update_settings(
            db,
            actor,
            project_id,
            model=body.model,
            al_strategy=body.al_strategy,
            al_batch=body.al_batch,
            al_enabled=body.al_enabled,
        )
    )


@router.post(
    "/projects/{project_id}/prelabel",
    response_model=JobOut,
    status_code=202,
    operation_id="start_prelabel",
)
def start_prelabel(
    project_id: int, db: DB, queue: Queue, actor: CurrentActor, body: PrelabelIn | None = None
) -> JobOut:
    """Pre-label the project's items in the background; poll the job for progress."""
    args = body or PrelabelIn()
    return JobOut.model_validate(
        automation_jobs.start_prelabel(
            db,
            queue,
            actor,
            project_id,
            model=args.model,
            batch_size=args.batch_size,
            unlabelled_only=args.unlabelled_only,
            fit_backend=args.fit_backend,
        )
    )


@router.get(
    "/projects/{project_id}/predictions/acceptance",
    response_model=list[AcceptanceOut],
    operation_id="prediction_acceptance",
)
def prediction_acceptance(project_id: int, db: DB, actor: CurrentActor) -> list[AcceptanceOut]:
    """Per model version: how many predicted regions people kept when they submitted."""
    return [AcceptanceOut.model_validate(a) for a in prelabeling.acceptance(db, actor, project_id)]


def _retrain(job: object, reason: str) -> RetrainOut:
    return RetrainOut(
        queued=job is not None,
        reason=reason,
        job=None if job is None else JobOut.model_validate(job),
    )


@router.post(
    "/projects/{project_id}/al/retrain", response_model=RetrainOut, operation_id="al_retrain"
)
def al_retrain(project_id: int, db: DB, queue: Queue, actor: CurrentActor) -> RetrainOut:
    """Retrain and reorder the queue now (managers); one retrain is queued at a time."""
    job, reason = automation_jobs.request_retrain(db, queue, actor, project_id, force=True)
    return _retrain(job, reason)


@router.post("/projects/{project_id}/al/tick", response_model=RetrainOut, operation_id="al_tick")
def al_tick(project_id: int, db: DB, queue: Queue, actor: CurrentActor) -> RetrainOut:
    """Queue a retrain if K labels arrived since the last one (any member; cheap to call)."""
    job, reason = automation_jobs.request_retrain(db, queue, actor, project_id, force=False)
    return _retrain(job, reason)


@router.post(
    "/projects/{project_id}/lfs", response_model=LFOut, status_code=201, operation_id="create_lf"
)
def create_lf(project_id: int, body: LFIn, db: DB, actor: CurrentActor) -> LFOut:
    """Add a labeling function: a declarative rule, or a `python` one whose votes you upload."""
    return LFOut.model_validate(
        labeling_functions.create_lf(
            db, actor, project_id, name=body.name, kind=body.kind, spec=body.spec, label=body.label
        )
    )


@router.get("/projects/{project_id}/lfs", response_model=list[LFOut], operation_id="list_lfs")
def list_lfs(project_id: int, db: DB, actor: CurrentActor) -> list[LFOut]:
    return [LFOut.model_validate(lf) for lf in labeling_functions.list_lfs(db, actor, project_id)]


@router.delete("/projects/{project_id}/lfs/{lf_id}", status_code=204, operation_id="delete_lf")
def delete_lf(project_id: int, lf_id: int, db: DB, actor: CurrentActor) -> None:
    labeling_functions.delete_lf(db, actor, project_id, lf_id)


@router.post(
    "/projects/{project_id}/lf-votes", response_model=LFVotesOut, operation_id="upload_lf_votes"
)
def upload_lf_votes(project_id: int, body: LFVotesIn, db: DB, actor: CurrentActor) -> LFVotesOut:
    """Store the votes of a labeling function run in the SDK (created on first upload)."""
    stored = labeling_functions.upload_votes(
        db,
        actor,
        project_id,
        lf_name=body.lf,
        votes=[(v.item_id, v.label) for v in body.votes],
    )
    return LFVotesOut(stored=stored)


@router.get(
    "/projects/{project_id}/lfs/analysis",
    response_model=LFAnalysisOut,
    operation_id="lf_analysis",
)
def lf_analysis(project_id: int, control: str, db: DB, actor: CurrentActor) -> LFAnalysisOut:
    """Coverage, overlaps, conflicts and accuracy on labelled items, per labeling function."""
    return LFAnalysisOut.model_validate(weak_supervision.analyse(db, actor, project_id, control))


@router.post(
    "/projects/{project_id}/lfs/run",
    response_model=JobOut,
    status_code=202,
    operation_id="run_lfs",
)
def run_lfs(project_id: int, body: LFRunIn, db: DB, queue: Queue, actor: CurrentActor) -> JobOut:
    """Run the rules and the label model; its labels become rule-authored annotations."""
    return JobOut.model_validate(
        automation_jobs.start_weak_supervision(db, queue, actor, project_id, control=body.control)
    )


@router.get(
    "/projects/{project_id}/label-model-runs/{run_id}",
    response_model=LabelModelRunOut,
    operation_id="get_label_model_run",
)
def get_label_model_run(
    project_id: int, run_id: int, db: DB, actor: CurrentActor
) -> LabelModelRunOut:
    """A label-model run: the lineage named by its rule annotations (`label-model:run-<id>`)."""
    return LabelModelRunOut.model_validate(weak_supervision.get_run(db, actor, project_id, run_id))
