"""Rate limiters the emulators share: a fixed-window request counter and a leaky bucket."""
from __future__ import annotations

import threading
import time


class RequestsPerSecond:
    """At most `limit` requests in any one-second window (PowerOffice: 10/s per subscription key)."""

    def __init__(self, limit: float):
        self.limit = limit
        self.lock = threading.Lock()
        self.windows: dict[str, list[float]] = {}

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until a slot frees up)."""
        if not self.limit:
            return True, 0.0
        now = time.monotonic()
        with self.lock:
            window = [t for t in self.windows.get(key, []) if now - t < 1.0]
            if len(window) >= self.limit:
                self.windows[key] = window
                return False, max(0.0, 1.0 - (now - window[0]))
            window.append(now)
            self.windows[key] = window
            return True, 0.0


class LeakyBucket:
    """A bucket of points that refills at `restore_rate` per second (Shopify's cost budget)."""

    def __init__(self, maximum: float, restore_rate: float):
        self.maximum = maximum
        self.restore_rate = restore_rate
        self.available = maximum
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self.available = min(self.maximum, self.available + (now - self.updated) * self.restore_rate)
        self.updated = now

    def take(self, cost: float) -> bool:
        with self.lock:
            self._refill()
            if cost > self.available:
                return False
            self.available -= cost
            return True

    def give_back(self, points: float) -> None:
        with self.lock:
            self._refill()
            self.available = min(self.maximum, self.available + points)

    def status(self) -> dict:
        with self.lock:
            self._refill()
            return {
                "maximumAvailable": float(self.maximum),
                "currentlyAvailable": int(self.available),
                "restoreRate": float(self.restore_rate),
            }
