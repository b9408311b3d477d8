"""The application's state: one typed object, built by `create_app`'s lifespan at start-up and
attached to the app; routes and dependencies reach it through `app_state` (or `request_state`),
never through untyped `app.state` attributes.

The lifespans of `api/routes/__init__.py: LIFESPANS` fill in what they own: `replica`
(api/read_replica.py), `pems_client` (api/routes/commit.py), `ai` (api/routes/ai.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request

from pfa_vanguard.drafts.commit_store import ViewRefresher

if TYPE_CHECKING:
    from pfa_vanguard.ai.service import AiService
    from pfa_vanguard.api.auth import LoginLimiter, TokenService
    from pfa_vanguard.api.login_guard import HashGate, Network
    from pfa_vanguard.db.queries import Pool
    from pfa_vanguard.db.replica import ReadReplica
    from pfa_vanguard.drafts.commit import RecordWriter
    from pfa_vanguard.mirror.merged_read import Caches
    from pfa_vanguard.settings import Settings


@dataclass
class AppState:
    """What every request of this process shares."""

    settings: Settings
    database_url: str
    pool: Pool  # dict-row connections of the primary
    tokens: TokenService
    login_limiter: LoginLimiter
    hash_gate: HashGate  # bounds the concurrent password hashes of logins
    trusted_proxies: tuple[Network, ...]  # the parsed PFA_TRUSTED_PROXIES
    caches: Caches  # the mirror's snapshots, drafted records, re-compressed chunks, bodies
    replica: ReadReplica | None = None  # None: no PFA_DATABASE_REPLICA_URL
    pems_client: RecordWriter | None = None  # None: no PFA_PEMS_URL (commits answer 503)
    view_refresher: ViewRefresher = field(default_factory=ViewRefresher)
    ai: AiService | None = None  # the assistant, once its lifespan opened its pools


def attach_state(app: FastAPI, state: AppState) -> None:
    app.state.pfa = state


def started_state(app: FastAPI) -> AppState | None:
    """The app's state, or None before its lifespan attached it (e.g. an error raised while
    starting, or an app used without starting it)."""
    state = getattr(app.state, "pfa", None)
    return state if isinstance(state, AppState) else None


def app_state(app: FastAPI) -> AppState:
    """The app's state; RuntimeError before the lifespan attached it."""
    state = started_state(app)
    if state is None:
        raise RuntimeError("the app has not started: its lifespan attaches the state")
    return state


def request_state(request: Request) -> AppState:
    return app_state(request.app)
