"""Per-client token buckets for the endpoints that start a computation.

A client may send ``burst`` heavy requests at once; its bucket then refills at ``rate`` tokens
per second. The arithmetic is the pure function :func:`take` (tested with a fake clock);
:class:`RateLimiter` keeps one bucket per client address behind a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Bucket", "RateLimiter", "take"]

#: Buckets kept before full ones are dropped. A full bucket is the same as no bucket, so
#: dropping them changes no answer; it only bounds the memory many addresses could take.
PRUNE_AT = 1024


@dataclass(frozen=True)
class Bucket:
    """``tokens`` left at clock reading ``at`` (seconds)."""

    tokens: float
    at: float


def take(bucket: Bucket | None, now: float, rate: float, burst: int) -> tuple[Bucket, float]:
    """Take one token from ``bucket`` (None: a new client, full) at time ``now``.

    Returns the bucket after the request and 0.0 when the request may go ahead, or the
    bucket (refilled to ``now``, nothing taken) and the seconds until a token is due.
    """
    tokens = float(burst) if bucket is None else min(
        float(burst), bucket.tokens + max(0.0, now - bucket.at) * rate)
    if tokens >= 1.0:
        return Bucket(tokens - 1.0, now), 0.0
    return Bucket(tokens, now), (1.0 - tokens) / rate


class RateLimiter:
    """One token bucket per client: ``burst`` requests at once, then ``rate`` per second."""

    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1 (got {rate}, {burst})")
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def wait_s(self, client: str) -> float:
        """Take a token for ``client``: 0.0 if it may go ahead, else the seconds to wait."""
        with self._lock:
            now = self.clock()
            bucket, wait = take(self._buckets.get(client), now, self.rate, self.burst)
            self._buckets[client] = bucket
            if len(self._buckets) > PRUNE_AT:
                self._buckets = {k: b for k, b in self._buckets.items()
                                 if b.tokens + (now - b.at) * self.rate < self.burst}
            return wait
