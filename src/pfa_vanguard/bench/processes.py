"""The processes of a benchmark run: the API (`pfa serve`), the PEMS simulator and the floor
server, each a child process that is always stopped when the run ends (context managers)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx


class ProcessFailed(RuntimeError):
    """A child process did not start (its output's tail is in the message)."""


def _tail(lines: list[str]) -> str:
    return "".join(lines[-30:])


def _drain(stream: Any, into: list[str]) -> None:
    for line in iter(stream.readline, ""):
        into.append(line)
        if len(into) > 500:
            del into[:250]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def announcing_child(
    argv: Sequence[str], *, timeout_s: float = 120.0, env: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """A child that prints one JSON line when ready and exits when its stdin closes; yields
    that JSON object."""
    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env) if env is not None else None,
    )
    errors: list[str] = []
    threading.Thread(target=_drain, args=(proc.stderr, errors), daemon=True).start()
    try:
        announced: dict[str, Any] = {}
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout_s)
        if not lines or not lines[0].strip():
            raise ProcessFailed(f"{argv[2:4]} did not start:\n{_tail(errors)}")
        announced = json.loads(lines[0])
        yield announced
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class Simulator:
    url: str
    control_url: str


@contextmanager
def simulator(
    codes: Sequence[str], records: int, seed: int, ready: Sequence[str]
) -> Iterator[Simulator]:
    argv = [
        sys.executable,
        "-m",
        "pfa_vanguard.bench.sim_process",
        "--orgs",
        ",".join(codes),
        "--records",
        str(records),
        "--seed",
        str(seed),
        "--ready",
        ",".join(ready),
    ]
    with announcing_child(argv, timeout_s=600) as info:
        yield Simulator(url=info["url"], control_url=info["control_url"])


@contextmanager
def floor_server(body_file: Path, encoding: str) -> Iterator[str]:
    argv = [sys.executable, "-m", "pfa_vanguard.bench.floor_server", str(body_file), encoding]
    with announcing_child(argv, timeout_s=60) as info:
        yield str(info["url"])


def pfa_executable() -> str:
    """`PFA_BENCH_PFA` when set (another build to measure), else the `pfa` script of this
    interpreter's environment."""
    override = os.environ.get("PFA_BENCH_PFA")
    if override:
        return override
    candidate = Path(sys.executable).with_name("pfa")
    return str(candidate) if candidate.exists() else "pfa"


@contextmanager
def api_server(
    database_url: str,
    pems_url: str,
    data_dir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    startup_timeout_s: float = 180.0,
) -> Iterator[str]:
    """`pfa serve` on a free loopback port against the benchmark database; yields its base URL
    once /api/health answers. Stopped with SIGINT (graceful), killed if it lingers."""
    port = free_port()
    env = {
        **os.environ,
        "PFA_DATABASE_URL": database_url,
        "PFA_PEMS_URL": pems_url,
        "PFA_DATA_DIR": str(data_dir),
        **(extra_env or {}),
    }
    argv = [pfa_executable(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    output: list[str] = []
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    threading.Thread(target=_drain, args=(proc.stdout, output), daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if proc.poll() is not None:
                raise ProcessFailed(f"pfa serve exited with {proc.returncode}:\n{_tail(output)}")
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise ProcessFailed(f"pfa serve did not answer in time:\n{_tail(output)}")
            time.sleep(0.25)
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
