"""The simulator as a real HTTP server (uvicorn on a loopback port) in a background thread, for
tests, the demo and the benchmark."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

import uvicorn

from pfa_vanguard.pems.simulator.app import PEMS_PREFIX, create_app
from pfa_vanguard.pems.simulator.faults import Faults
from pfa_vanguard.pems.simulator.generator import DEMO_ORGS
from pfa_vanguard.pems.simulator.state import SimulatorState

_DROP_MESSAGE = "ASGI callable returned without completing response."


class _DeliberateDrops(logging.Filter):
    """Silence uvicorn's complaint about the connections the simulator drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DROP_MESSAGE


def silence_deliberate_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DeliberateDrops) for f in logger.filters):
        logger.addFilter(_DeliberateDrops())


class RunningSimulator:
    """A simulator serving `state` on `host:port` (port 0: a free one) until `stop()`.

    `url` is the PEMS base URL (…/axis/restservices) and `control_url` the root of `/_sim`.
    Also a context manager.
    """

    def __init__(self, state: SimulatorState, host: str = "127.0.0.1", port: int = 0,
                 *, log_level: str = "warning") -> None:  # fmt: skip
        self.state = state
        self._socket = socket.create_server((host, port), reuse_port=False)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(state),
            log_level=log_level,
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        silence_deliberate_drops()
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]},
            name=f"pems-sim:{self.port}", daemon=True,
        )  # fmt: skip
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the PEMS simulator did not start on {host}:{self.port}")
            time.sleep(0.01)

    @property
    def control_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.control_url}{PEMS_PREFIX}"

    def stop(self) -> None:
        """Stop serving and wait for the server thread (idempotent)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_simulator(
    orgs: Sequence[str] = DEMO_ORGS[:3],
    records: int = 2_000,
    seed: int = 42,
    port: int = 0,
    latency_ms: int = 0,
    fail_rate: float = 0.0,
    *,
    host: str = "127.0.0.1",
    **settings: Any,
) -> RunningSimulator:
    """Generate `orgs` of `records` each and serve them in a background thread.

    `settings`: credentials (tenant, user, password, api_key) make the simulator demand them;
    TenantOptions fields (year_format, date_order, page_cap, grid_counter, filter_format,
    api_organization, confirmation_alert, cursor_end, send_count) set the tenant up.
    """
    state = SimulatorState.generate(list(orgs), records, seed, **settings)
    if latency_ms or fail_rate:
        state.set_faults(Faults(fail_rate=fail_rate, latency_ms=latency_ms))
    return RunningSimulator(state, host, port)
