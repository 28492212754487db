"""A rate limit per respondent, never per community link.

A community link may serve a whole town hall from one router, so nothing here looks at the
link or the network address: each respondent (the random id their session names) has a
token bucket of ``burst`` requests, refilled at ``rate`` a second. A person voting one
statement at a time never meets it; a script replaying one session does, and gets 429
with ``Retry-After``.

Buckets live in the memory of one process: with several workers each keeps its own, so a
respondent's ceiling is the rate times the number of workers (docs/architecture.md).

Configured by ``TRACKTWO_RESPONDENT_RATE`` (requests a second; ``0`` turns the limit off)
and ``TRACKTWO_RESPONDENT_BURST``.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tracktwo.errors import ConfigurationError

RATE_ENV = "TRACKTWO_RESPONDENT_RATE"
BURST_ENV = "TRACKTWO_RESPONDENT_BURST"
# Ten requests a second with a burst of 30: a full ballot is one request, and a person on
# the voting page sends one vote every second or two.
DEFAULT_RATE = 10.0
DEFAULT_BURST = 30
# Idle buckets (full again) are dropped once there are this many, so memory stays bounded.
PRUNE_AT = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RespondentLimits:
    """Token buckets by respondent id; thread-safe."""

    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate) and self.rate >= 0):
            raise ConfigurationError(f"{RATE_ENV} must be a number of requests a second, >= 0")
        if self.burst < 1:
            raise ConfigurationError(f"{BURST_ENV} must be at least 1")

    @classmethod
    def from_environment(cls) -> RespondentLimits:
        """Read the rate and burst from the environment, naming a bad value."""
        rate, burst = os.environ.get(RATE_ENV), os.environ.get(BURST_ENV)
        try:
            return cls(
                rate=float(rate) if rate else DEFAULT_RATE,
                burst=int(burst) if burst else DEFAULT_BURST,
            )
        except ValueError:
            raise ConfigurationError(
                f"{RATE_ENV}={rate!r} and {BURST_ENV}={burst!r}: give numbers"
            ) from None

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, respondent: str) -> float:
        """Spend one request of ``respondent``'s bucket; return 0 when allowed, or the
        seconds to wait before the next request will be."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(respondent)
            if bucket is None:
                if len(self._buckets) >= PRUNE_AT:
                    self._prune(now)
                bucket = self._buckets[respondent] = _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = self.burst / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.at >= full]:
            del self._buckets[key]
