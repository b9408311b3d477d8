"""Time as the sync worker sees it: injectable, so schedules are tested without sleeping."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


def worker_name() -> str:
    """`host:pid` of this process, written on the sync runs it performs."""
    return f"{socket.gethostname()}:{os.getpid()}"
