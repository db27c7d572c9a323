"""Every kind of background job and the function that runs it: the one place to add one.

A plain dict, not a registration decorator, so what can run in the background is visible in
one file and nothing registers itself by being imported.
"""

from __future__ import annotations

from annota.services import active_learning, export_jobs, prelabeling, weak_supervision
from annota.services.job_context import Handler

HANDLERS: dict[str, Handler] = {
    "export": export_jobs.run_export,
    "prelabel": prelabeling.run_prelabel,
    "al_retrain": active_learning.run_retrain,
    "lf_apply": weak_supervision.run_weak_supervision,
}
