"""The clocks the daemon and the air worker read: the real ones, or a test's."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The wall clock, aware, UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds that never go back (a jump of the wall clock shows against it)."""
        ...


class SystemClock:
    """The real clocks; tests pass their own."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()
