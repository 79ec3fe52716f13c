"""Background jobs for the web app: bounded concurrency, progress, cancellation, results to poll.

A long computation (a stress run, a plan) is submitted as a job. It runs on a small pool of
worker threads, independent of the request that started it: a client that disconnects loses
nothing, and whatever the job saves is saved. ``max_running`` bounds the jobs computing at once
and ``max_queued`` bounds the jobs waiting; beyond that :class:`JobsBusy` is raised (HTTP 429),
so one client cannot exhaust the machine.

A job is cancelled with :meth:`JobManager.cancel`: a queued job never starts; a running job
stops at its next progress report (the job body's progress callback raises
:class:`JobCancelled`), so a computation that reports no progress runs to its end.
:meth:`JobManager.shutdown` cancels every queued job, gives the running ones a grace period to
finish (and save), then cancels them. The workers are daemon threads, unlike those of
``concurrent.futures.ThreadPoolExecutor``, which the interpreter joins at exit: a job that
reports no progress cannot hold the process past its shutdown.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import FriendshoreError, UnknownNameError

__all__ = ["Job", "JobCancelled", "JobManager", "JobsBusy"]

log = logging.getLogger(__name__)

#: A job body: called with a progress callback taking a fraction in [0, 1].
JobFn = Callable[[Callable[[float], None]], Any]

#: Job states that do not change any more.
FINISHED = ("done", "error", "cancelled")


class JobsBusy(FriendshoreError):
    """Too many jobs are running or waiting; the client should retry later."""


class JobCancelled(FriendshoreError):
    """The job was cancelled (``DELETE /api/jobs/{id}`` or server shutdown) before it ended."""


@dataclass
class Job:
    """One submitted computation and what is known about it so far."""

    id: str
    kind: str
    status: str = "queued"  # queued | running | done | error | cancelled
    progress: float = 0.0
    result: Any = None
    error: dict[str, Any] | None = None
    cancel_requested: bool = False
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    finished_at: str | None = None
    future: Future = field(default_factory=Future, repr=False)
    exception: BaseException | None = field(default=None, repr=False)

    def public(self, with_result: bool = True) -> dict[str, Any]:
        """The job as JSON for ``GET /api/jobs/{id}``."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": self.progress,
            "cancel_requested": self.cancel_requested,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "error": self.error,
        }
        if with_result:
            out["result"] = self.result
        return out


class JobManager:
    """Runs jobs on ``max_running`` daemon threads, with at most ``max_queued`` waiting."""

    def __init__(self, max_running: int = 2, max_queued: int = 32, keep: int = 200) -> None:
        self.max_running, self.max_queued, self.keep = max_running, max_queued, keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._todo: queue.SimpleQueue[tuple[Job, JobFn] | None] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._closed = False

    def active(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return self._active()

    def submit(self, kind: str, fn: JobFn) -> Job:
        """Queue ``fn`` as a job; raises :class:`JobsBusy` when the queue is full or closed."""
        with self._lock:
            if self._closed:
                raise JobsBusy("the server is shutting down")
            active = self._active()
            if active >= self.max_running + self.max_queued:
                raise JobsBusy(
                    f"{active} jobs are running or queued (limit "
                    f"{self.max_running + self.max_queued}); retry later"
                )
            job = Job(id=uuid.uuid4().hex[:12], kind=kind)
            self._jobs[job.id] = job
            self._evict()
            if len(self._workers) < self.max_running:  # threads start on first use
                worker = threading.Thread(target=self._work, daemon=True,
                                          name=f"fs-job-{len(self._workers)}")
                worker.start()
                self._workers.append(worker)
        self._todo.put((job, fn))
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

    def cancel(self, job_id: str) -> Job:
        """Cancel a job: a queued one at once, a running one at its next progress report.

        A finished job is left as it is; the caller reads the outcome from its ``status``.
        """
        job = self.get(job_id)
        with self._lock:
            if job.status not in FINISHED:
                job.cancel_requested = True
                if job.future.cancel():  # still queued: it never starts
                    self._finish(job, JobCancelled(f"job {job.id} was cancelled"))
        return job

    def shutdown(self, grace_s: float = 5.0, cancel_wait_s: float = 1.0) -> None:
        """Refuse new jobs, cancel the queued ones, give the running ones ``grace_s`` to finish.

        Jobs still running after the grace period are cancelled and given ``cancel_wait_s``
        to reach a progress report; any left then are abandoned (their threads are daemons).
        """
        with self._lock:
            self._closed = True
            pending = [j for j in self._jobs.values() if j.status not in FINISHED]
        for job in pending:
            if job.status == "queued":
                self.cancel(job.id)
        queued = sum(j.status == "cancelled" for j in pending)
        if queued:
            log.warning("shutdown: cancelled %d queued job(s)", queued)
        running = [j for j in pending if j.status not in FINISHED]
        futures.wait([j.future for j in running], timeout=grace_s)
        for job in running:
            self.cancel(job.id)
        futures.wait([j.future for j in running], timeout=cancel_wait_s)
        left = [j.id for j in running if j.status not in FINISHED]
        if left:
            log.warning("shutdown: abandoned %d job(s) still running after the cancel "
                        "(no progress report yet): %s", len(left), ", ".join(left))
        for _ in self._workers:
            self._todo.put(None)

    def _active(self) -> int:
        """Jobs queued or running (caller holds the lock)."""
        return sum(j.status in ("queued", "running") for j in self._jobs.values())

    def _work(self) -> None:
        """A worker thread: run queued jobs until handed ``None``."""
        while (item := self._todo.get()) is not None:
            job, fn = item
            if job.future.set_running_or_notify_cancel():  # False: cancelled while queued
                self._run(job, fn)

    def _run(self, job: Job, fn: JobFn) -> None:
        job.status = "running"

        def progress(fraction: float) -> None:
            if job.cancel_requested:
                raise JobCancelled(f"job {job.id} was cancelled")
            job.progress = min(1.0, max(job.progress, float(fraction)))

        outcome: BaseException | None = None
        try:
            progress(0.0)  # cancelled between leaving the queue and starting
            job.result = fn(progress)
        except FriendshoreError as exc:
            outcome = exc
        except Exception as exc:  # reported to the client and logged, never swallowed
            log.exception("job %s failed", job.id)
            outcome = exc
        with self._lock:
            self._finish(job, outcome)

    def _finish(self, job: Job, exc: BaseException | None) -> None:
        """Record how ``job`` ended and wake its waiters (caller holds the lock)."""
        if exc is None:
            job.progress, job.status = 1.0, "done"
        else:
            internal = not isinstance(exc, FriendshoreError)
            message = f"internal error: {exc}" if internal else str(exc)
            job.exception = exc
            job.error = {"type": type(exc).__name__, "message": message}
            job.status = "cancelled" if isinstance(exc, JobCancelled) else "error"
        job.finished_at = datetime.now(UTC).isoformat()
        if not job.future.done():
            job.future.set_result(None)

    def _evict(self) -> None:
        """Forget the oldest finished jobs beyond ``keep`` (caller holds the lock)."""
        finished = [k for k, j in self._jobs.items() if j.status in FINISHED]
        for key in finished[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[key]
