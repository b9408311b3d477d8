"""Real `pfa serve` and `pfa worker` processes for the tests that need more than one of them.

Each process gets a clean environment (no PFA_* variable of the caller's), its own log file,
and is stopped with SIGTERM (SIGKILL after a grace period) when its context exits.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PFA = str(Path(sys.executable).with_name("pfa"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**pfa: str) -> dict[str, str]:
    """The environment of a child process: ours without PFA_* variables, plus `pfa`
    (keys without the prefix: database_url -> PFA_DATABASE_URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PFA_")}
    env.update({f"PFA_{k.upper()}": v for k, v in pfa.items()})
    return env


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def stop(proc: Process, grace_s: float = 15.0) -> None:
    if proc.popen.poll() is None:
        proc.popen.send_signal(signal.SIGTERM)
        try:
            proc.popen.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.popen.kill()
            proc.popen.wait()


@contextmanager
def started(args: list[str], env: Mapping[str, str], log: Path, cwd: Path) -> Iterator[Process]:
    with log.open("ab") as out:
        popen = subprocess.Popen(
            [PFA, *args], stdout=out, stderr=subprocess.STDOUT, env=dict(env), cwd=cwd
        )
    proc = Process(popen, log)
    try:
        yield proc
    finally:
        stop(proc)


def wait_healthy(proc: Process, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            pytest.fail(
                f"{proc.popen.args!r} exited with {proc.popen.returncode}:\n{proc.output()}"
            )
        try:
            if httpx.get(f"{proc.url}/api/health", timeout=2).status_code in (200, 503):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{proc.popen.args!r} did not become healthy:\n{proc.output()}")


@contextmanager
def serve(env: Mapping[str, str], workdir: Path, name: str = "api") -> Iterator[Process]:
    """`pfa serve` on a free loopback port, healthy when yielded."""
    port = free_port()
    with started(["serve", "--port", str(port)], env, workdir / f"{name}.log", workdir) as proc:
        proc.url = f"http://127.0.0.1:{port}"
        wait_healthy(proc)
        yield proc


@contextmanager
def worker(env: Mapping[str, str], workdir: Path, name: str = "worker") -> Iterator[Process]:
    """`pfa worker` (its PEMS URL from PFA_PEMS_URL in `env`)."""
    with started(["worker"], env, workdir / f"{name}.log", workdir) as proc:
        yield proc
