"""Background work on a real queue: in-process threads for one machine, Redis for many.

The queue carries only job ids. What a job is, how far it got and what it produced live in the
``jobs`` table (written by :mod:`annota.services.jobs`), so a lost message costs a re-submit,
never the job's state.
"""

from annota.jobs.queue import InProcessQueue, JobQueue, RedisQueue, make_queue

__all__ = ["InProcessQueue", "JobQueue", "RedisQueue", "make_queue"]
