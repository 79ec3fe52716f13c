"""Background jobs for the web app: bounded concurrency, progress, and results to poll.

A long computation (a stress run, a plan) is submitted as a job. It runs on a small thread
pool, independent of the request that started it: a client that disconnects loses nothing,
and whatever the job saves is saved. ``max_running`` bounds the jobs computing at once and
``max_queued`` bounds the jobs waiting; beyond that :class:`JobsBusy` is raised (HTTP 429),
so one client cannot exhaust the machine.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import FriendshoreError, UnknownNameError

__all__ = ["Job", "JobManager", "JobsBusy"]

log = logging.getLogger(__name__)

#: A job body: called with a progress callback taking a fraction in [0, 1].
JobFn = Callable[[Callable[[float], None]], Any]


class JobsBusy(FriendshoreError):
    """Too many jobs are running or waiting; the client should retry later."""


@dataclass
class Job:
    """One submitted computation and what is known about it so far."""

    id: str
    kind: str
    status: str = "queued"  # queued | running | done | error
    progress: float = 0.0
    result: Any = None
    error: dict[str, Any] | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    finished_at: str | None = None
    future: Future | None = field(default=None, repr=False)
    exception: BaseException | None = field(default=None, repr=False)

    def public(self, with_result: bool = True) -> dict[str, Any]:
        """The job as JSON for ``GET /api/jobs/{id}``."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": self.progress,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "error": self.error,
        }
        if with_result:
            out["result"] = self.result
        return out


class JobManager:
    """Runs jobs on ``max_running`` threads, with at most ``max_queued`` waiting."""

    def __init__(self, max_running: int = 2, max_queued: int = 32, keep: int = 200) -> None:
        self.max_running, self.max_queued, self.keep = max_running, max_queued, keep
        self._pool = ThreadPoolExecutor(max_workers=max_running, thread_name_prefix="fs-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def active(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return sum(j.status in ("queued", "running") for j in self._jobs.values())

    def submit(self, kind: str, fn: JobFn) -> Job:
        """Queue ``fn`` as a job; raises :class:`JobsBusy` when the queue is full."""
        with self._lock:
            active = sum(j.status in ("queued", "running") for j in self._jobs.values())
            if active >= self.max_running + self.max_queued:
                raise JobsBusy(
                    f"{active} jobs are running or queued (limit "
                    f"{self.max_running + self.max_queued}); retry later"
                )
            job = Job(id=uuid.uuid4().hex[:12], kind=kind)
            self._jobs[job.id] = job
            self._evict()
        job.future = self._pool.submit(self._run, job, fn)
        return job

    def get(self, job_id: str) -> Job:
        """The job called ``job_id``."""
        with self._lock:
            if job_id not in self._jobs:
                raise UnknownNameError("job", job_id, list(self._jobs))
            return self._jobs[job_id]

    def list(self) -> list[Job]:
        """All remembered jobs, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def shutdown(self) -> None:
        """Stop accepting jobs and wait for those running to finish (their saves included)."""
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _run(self, job: Job, fn: JobFn) -> None:
        job.status = "running"

        def progress(fraction: float) -> None:
            job.progress = min(1.0, max(job.progress, float(fraction)))

        try:
            job.result = fn(progress)
        except FriendshoreError as exc:
            job.exception = exc
            job.error = {"type": type(exc).__name__, "message": str(exc)}
            job.status = "error"
        except Exception as exc:  # reported to the client and logged, never swallowed
            log.exception("job %s failed", job.id)
            job.exception = exc
            job.error = {"type": type(exc).__name__, "message": f"internal error: {exc}"}
            job.status = "error"
        else:
            job.progress = 1.0
            job.status = "done"
        finally:
            job.finished_at = datetime.now(UTC).isoformat()

    def _evict(self) -> None:
        """Forget the oldest finished jobs beyond ``keep`` (caller holds the lock)."""
        finished = [k for k, j in self._jobs.items() if j.status in ("done", "error")]
        for key in finished[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[key]
