"""The async PEMS client: the grid reader (cursor pages) and the screen writer (one record per
call, optimistic lock), with transient failures retried and terminal ones reported at once.

    async with PemsClient(config) as client:
        async for page in client.iter_pages("RIO"):
            ...
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import operator
import random
import time
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Literal, NoReturn, Self

import httpx
import orjson

from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.errors import PemsError, PemsTerminalError, PemsTransientError, where
from pfa_vanguard.pems.mapping import (
    FieldMapping,
    RowError,
    load_mapping,
    map_pairs,
    map_row,
    normalize_value,
    screen_value,
)
from pfa_vanguard.pems.metrics import pems_metrics
from pfa_vanguard.pems.records import PemsRecord
from pfa_vanguard.pems.screen import ScreenRecord, screen_record
from pfa_vanguard.pems.wire import (
    GridPage,
    GridRecord,
    Row,
    ScreenAnswer,
    WireError,
    decode_grid_page,
    error_alerts,
    grid_body,
    is_modified_by_another_user,
    is_record_missing,
    parse_screen_answer,
    record_to_row,
    screen_get_body,
    screen_update_body,
)

log = logging.getLogger(__name__)

GRIDS = "/grids"
SCREENS = "/userdefinedscreenservices"
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_PAIR = operator.itemgetter("FIELDNAME", "FIELDVALUE")
_FIELD = operator.attrgetter("FIELDNAME", "FIELDVALUE")
_GONE = "the record is no longer in PEMS"
MAX_STALE_RECORDIDS = 3  # GET-then-UPDATE rounds lost to other writers before giving up


@dataclass(frozen=True)
class WriteResult:
    """Outcome of one record update.

    accepted: PEMS holds our values (`record` is its echo, or the read that proved it);
    `written` is False when PEMS already held them and nothing was sent. conflict: PEMS holds
    other values than the user saw in a changed field (`record` is what PEMS holds now).
    rejected: PEMS (or our own type check) refused the values; `message` says why.
    """

    status: Literal["accepted", "conflict", "rejected"]
    record: PemsRecord | None
    message: str = ""
    written: bool = True


@dataclass
class ClientStats:
    """Counters for logs, metrics and tests."""

    requests: int = 0
    retries: int = 0


class _Retry(Exception):
    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


def _describe(exc: httpx.RequestError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    text = str(exc) or type(exc).__name__
    return f"connection failed ({type(exc).__name__}: {text})"


def _observe(operation: str, status: str, started: float) -> None:
    metrics = pems_metrics()
    metrics.duration.labels(operation).observe(time.perf_counter() - started)
    metrics.requests.labels(operation, status).inc()


def _json(response: httpx.Response) -> object:
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise WireError(f"the answer is not JSON ({exc})") from None


def _json_or_none(response: httpx.Response) -> object:
    try:
        return _json(response)
    except WireError:
        return None


def _same(held: Any, wanted: Any) -> bool:
    numbers = (int, float)
    if (
        isinstance(held, numbers)
        and isinstance(wanted, numbers)
        and not isinstance(held, bool)
        and not isinstance(wanted, bool)
    ):
        return abs(held - wanted) <= 1e-9 * max(1.0, abs(wanted))
    return bool(held == wanted)


class PemsClient:
    """One tenant's PEMS over HTTP. Use as `async with PemsClient(config) as client`.

    Guarantees: reads are retried on transient failures (timeouts, dropped connections, 5xx,
    429 honouring Retry-After) with jittered exponential backoff, at most `max_retries` times,
    then raise PemsTransientError; terminal failures (401, 400 with an ErrorAlert, unparsable
    answers) raise PemsTerminalError at once. Writes are never sent twice: after a failure that
    may have reached PEMS, the record is read back before anything is resent.
    """

    def __init__(self, config: PemsConfig, *, mapping: FieldMapping | None = None) -> None:
        self.config = config
        try:
            self.mapping = (mapping or load_mapping(config.field_map_path)).with_formats(
                config.formats
            )
        except ValueError as exc:
            raise PemsTerminalError(str(exc)) from None
        self.stats = ClientStats()
        self._http: httpx.AsyncClient | None = None
        self._jitter = random.Random()

    async def __aenter__(self) -> Self:
        headers = {
            "tenant": self.config.tenant,
            "organization": self.config.organization,
            "Accept": "application/json",
        }
        if self.config.api_key:
            headers["X-API-KEY"] = self.config.api_key
        auth = (
            httpx.BasicAuth(self.config.user, self.config.password or "")
            if self.config.user
            else None
        )
        self._http = httpx.AsyncClient(
            base_url=self.config.base_url.rstrip("/"),
            headers=headers,
            auth=auth,
            timeout=httpx.Timeout(self.config.timeout_s),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    # --- reading ------------------------------------------------------------------------------

    async def iter_pages(
        self, org: str, *, changed_since: datetime | None = None
    ) -> AsyncGenerator[list[PemsRecord], None]:
        """The organization's records (only those changed after `changed_since` if given),
        one list per PEMS page, in pfs_id order, as the pages arrive.

        Stops when NEXTCURSORPOSITION is empty/null or not larger than the cursor sent, or when
        a page comes back without DATARECORD; no total count is trusted. The next page is
        fetched (and converted) while the caller works on the current one; a caller that stops
        early should close the generator (`contextlib.aclosing`) to cancel that fetch.
        """

        async def fetch(cursor: int) -> tuple[list[PemsRecord] | None, int | None]:
            body = grid_body(
                self.mapping, org, cursor, self.config.page_size, changed_since=changed_since
            )
            page = await self._grid(org, body, cursor)
            if not page.records:
                return None, None
            return self._records(page, org, cursor), page.next_cursor

        cursor = 0
        pending = asyncio.ensure_future(fetch(cursor))
        try:
            while True:
                records, next_cursor = await pending
                if records is None:
                    return
                more = next_cursor is not None and next_cursor > cursor
                if more:
                    assert next_cursor is not None
                    cursor = next_cursor
                    pending = asyncio.ensure_future(fetch(cursor))
                yield records
                if not more:
                    return
        finally:
            if not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, PemsError):
                    await pending
            elif not pending.cancelled():
                pending.exception()  # retrieved: a prefetch nobody waits for fails silently

    async def read_record(self, org: str, pfa_id: str) -> PemsRecord | None:
        """The record as PEMS holds it now (grid filtered on pfs_id), or None if it is gone."""
        body = grid_body(self.mapping, org, 0, 10, pfa_id=pfa_id)
        page = await self._grid(org, body, 0, pfa_id)
        for record in self._records(page, org, 0):
            if record.pfa_id == pfa_id:
                return record
        return None

    async def read_rows(self, org: str, limit: int, pfa_id: str | None = None) -> list[Row]:
        """The first page (at most `limit` rows) of `org` as the tenant sent it (alias -> text),
        unconverted: for diagnostics."""
        body = grid_body(self.mapping, org, 0, limit, pfa_id=pfa_id)
        page = await self._grid(org, body, 0, pfa_id)
        try:
            return page.rows()
        except WireError as exc:
            raise PemsTerminalError(f"{where(org, 0)}: {exc}", org=org, cursor=0) from None

    def _records(self, page: GridPage, org: str, cursor: int) -> list[PemsRecord]:
        """The page's records through the field mapping; PemsTerminalError for a record that
        is malformed or has no pfs_id / integer recordid."""
        mapping = self.mapping
        records = []
        try:
            for index, record in enumerate(page.records or ()):
                try:
                    if record.__class__ is GridRecord:
                        pairs = map(_FIELD, record.DATAFIELD)
                    else:
                        pairs = map(_PAIR, record["DATAFIELD"])
                    records.append(map_pairs(pairs, mapping))
                except (TypeError, KeyError):  # malformed: check it field by field
                    records.append(map_row(record_to_row(record, index), mapping))
        except (RowError, WireError) as exc:
            raise PemsTerminalError(
                f"{where(org, cursor)}: unusable record: {exc}", org=org, cursor=cursor
            ) from None
        return records

    async def _grid(
        self, org: str, body: dict[str, Any], cursor: int, pfa_id: str | None = None
    ) -> GridPage:
        place = where(org, cursor, pfa_id)
        attempt = 0
        while True:
            try:
                response = await self._post(GRIDS, body, "grid")
                if response.status_code == 200:
                    try:
                        return decode_grid_page(response.content)
                    except WireError as exc:
                        alerts = "; ".join(error_alerts(_json_or_none(response)))
                        detail = f"{place}: unparsable grid answer: {exc}"
                        detail += f" (ErrorAlert: {alerts})" if alerts else ""
                        raise PemsTerminalError(detail, org=org, cursor=cursor) from None
                self._raise_for_status(response, place, org, cursor)
            except httpx.RequestError as exc:  # timeouts, drops, undecodable bodies
                failure = _Retry(_describe(exc))
            except _Retry as retry:
                failure = retry
            attempt = await self._next_attempt(attempt, failure, place, org, cursor, "grid")

    # --- writing ------------------------------------------------------------------------------

    async def get_screen_record(self, org: str, pfa_id: str) -> ScreenRecord | None:
        """The record as the screen service holds it now (every screen field and its update
        counter), or None when PEMS says it does not exist. Retried like a grid read."""
        place = where(org, pfa_id=pfa_id)
        body = screen_get_body(self.mapping, org, pfa_id)
        attempt = 0
        while True:
            try:
                response = await self._post(SCREENS, body, "screen_get")
                payload = _json_or_none(response)
                if response.status_code == 200:
                    try:
                        return screen_record(parse_screen_answer(payload), self.mapping, pfa_id)
                    except WireError as exc:
                        raise PemsTerminalError(
                            f"{place}: unparsable screen answer: {exc}", org=org
                        ) from None
                if response.status_code == 400 and is_record_missing(error_alerts(payload)):
                    return None
                self._raise_for_status(response, place, org, None)
            except httpx.RequestError as exc:
                failure = _Retry(_describe(exc))
            except _Retry as retry:
                failure = retry
            attempt = await self._next_attempt(attempt, failure, place, org, None, "screen_get")

    async def update_record(
        self,
        org: str,
        pfa_id: str,
        changes: Mapping[str, Any],
        base: Mapping[str, Any] | None = None,
    ) -> WriteResult:
        """Write `changes` (PFA field names) to one record, as the tenant wants it: GET the
        record, check it, then UPDATE the whole row with the GET's `recordid`.

        The optimistic check: for each changed field in `base` (the value the user saw), a
        different value in PEMS now is a conflict (unless PEMS already holds the user's
        value); fields without a base are not checked. `record` of a conflict is PEMS's record
        now. PEMS refusing the GET's `recordid` (someone wrote in between) starts over from
        the GET, so the check runs again on the new values. After a timeout, dropped
        connection or 5xx the record is read again before anything is resent: PEMS holding
        our values means the write landed (accepted, not resent). Values the mapping or PEMS
        refuse are rejected, with PEMS's message (ErrorAlert or ConfirmationAlert).
        Raises PemsTransientError when PEMS stays unavailable, PemsTerminalError on 401.
        """
        place = where(org, pfa_id=pfa_id)
        try:
            values, expected = self._screen_values(changes)
            seen = self._normalized(base or {}, expected)
        except ValueError as exc:
            return WriteResult("rejected", None, f"{place}: {exc}")
        attempt = stale = 0
        doubt: str | None = None  # why an earlier attempt may have landed
        while True:
            current = await self.get_screen_record(org, pfa_id)
            if current is None:
                return WriteResult("rejected", None, f"{place}: {_GONE}")
            held = current.record.data
            if all(_same(held.get(name), want) for name, want in expected.items()):
                if doubt:
                    return WriteResult("accepted", current.record, f"applied despite {doubt}")
                why = "PEMS already holds these values"
                return WriteResult("accepted", current.record, why, written=False)
            moved = sorted(
                name
                for name, saw in seen.items()
                if not _same(held.get(name), saw) and not _same(held.get(name), expected[name])
            )
            if moved:
                return WriteResult(
                    "conflict",
                    current.record,
                    f"{place}: changed in PEMS since it was read: {', '.join(moved)}",
                )
            body = screen_update_body(self.mapping, current.recordid, current.full_row(values))
            outcome = await self._send_update(body, org, place)
            if isinstance(outcome, httpx.Response):
                payload = _json_or_none(outcome)
                if outcome.status_code == 200:
                    return self._accepted(payload, current, values, pfa_id)
                messages = error_alerts(payload)
                if is_record_missing(messages):
                    return WriteResult("rejected", None, f"{place}: {_GONE}")
                if not is_modified_by_another_user(messages):
                    reason = "; ".join(messages) or "HTTP 400"
                    return WriteResult("rejected", None, f"{place}: PEMS refused: {reason}")
                stale += 1  # someone wrote between our GET and UPDATE: check again
                if stale > MAX_STALE_RECORDIDS:
                    why = f"{place}: PEMS kept reporting the record modified by another user"
                    return WriteResult("conflict", current.record, why)
                continue
            failure, ambiguous = outcome
            if ambiguous:
                doubt = failure.problem
                if attempt >= self.config.max_retries:  # a last look before giving up
                    now = await self.get_screen_record(org, pfa_id)
                    if now is not None and all(
                        _same(now.record.data.get(name), want) for name, want in expected.items()
                    ):
                        return WriteResult("accepted", now.record, f"applied despite {doubt}")
            attempt = await self._next_attempt(attempt, failure, place, org, None, "update")

    async def _send_update(
        self, body: dict[str, Any], org: str, place: str
    ) -> httpx.Response | tuple[_Retry, bool]:
        """One attempt: the answer when PEMS decided (200 or 400), else the transient failure
        and whether PEMS may have applied the write. Raises PemsTerminalError (401 etc.)."""
        try:
            response = await self._post(SCREENS, body, "update")
            if response.status_code in (200, 400):
                return response
            self._raise_for_status(response, place, org, None)
        except _NOT_SENT as exc:
            return _Retry(_describe(exc)), False
        except httpx.RequestError as exc:  # it may have reached PEMS
            return _Retry(_describe(exc)), True
        except _Retry as retry:
            return retry, response.status_code >= 500

    def _screen_values(
        self, changes: Mapping[str, Any]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        """(screen field -> typed value, PFA field -> value as PEMS will give it back)."""
        values: dict[str, dict[str, Any]] = {}
        expected: dict[str, Any] = {}
        problems = []
        formats = self.mapping.formats
        for name, value in changes.items():
            spec = self.mapping.by_field.get(name)
            if spec is None:
                problems.append(f"{name}: not a mapped PEMS field")
                continue
            try:
                values[spec.screen] = screen_value(spec, value, formats)
                expected[name] = normalize_value(spec, value)
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        if not values:
            raise ValueError("no changes to send")
        return values, expected

    def _normalized(self, base: Mapping[str, Any], expected: Mapping[str, Any]) -> dict[str, Any]:
        """The base values of the changed fields, in the form PEMS's values are compared in."""
        seen: dict[str, Any] = {}
        for name, value in base.items():
            if name not in expected:
                continue
            try:
                seen[name] = normalize_value(self.mapping.by_field[name], value)
            except ValueError:
                seen[name] = value  # compared as it is: a value PEMS cannot hold is a change
        return seen

    def _accepted(
        self,
        payload: object,
        sent_from: ScreenRecord,
        values: Mapping[str, Any],
        pfa_id: str,
    ) -> WriteResult:
        """PEMS accepted: its echo is the record now. Without a usable echo, the row we sent
        (the GET with our values) stands in for it."""
        try:
            echoed = screen_record(parse_screen_answer(payload), self.mapping, pfa_id)
            return WriteResult("accepted", echoed.record)
        except WireError:
            pass
        answer = ScreenAnswer(sent_from.recordid, sent_from.full_row(values))
        try:
            record = screen_record(answer, self.mapping, pfa_id).record
        except WireError:
            record = None
        return WriteResult("accepted", record, "PEMS accepted without echoing the record")

    # --- transport ----------------------------------------------------------------------------

    async def _post(self, path: str, body: dict[str, Any], operation: str) -> httpx.Response:
        if self._http is None:
            raise RuntimeError("PemsClient used outside `async with`")
        self.stats.requests += 1
        started = time.perf_counter()
        try:
            response = await self._http.post(
                path,
                content=orjson.dumps(body),
                headers={"Content-Type": "application/json"},
            )
        except httpx.RequestError:  # no answer (a cancelled request is not counted)
            _observe(operation, "error", started)
            raise
        _observe(operation, str(response.status_code), started)
        return response

    def _raise_for_status(
        self, response: httpx.Response, place: str, org: str, cursor: int | None
    ) -> NoReturn:
        """Raise _Retry for a transient status, PemsTerminalError for any other non-200."""
        status = response.status_code
        if status == 429:
            raise _Retry("throttled (HTTP 429)", self._retry_after(response))
        if status >= 500:
            raise _Retry(f"HTTP {status}")
        alerts = "; ".join(error_alerts(_json_or_none(response)))
        if status in (401, 403):
            what = f"PEMS refused the credentials (HTTP {status})"
        elif status == 400:
            what = "PEMS rejected the request (HTTP 400)"
        else:
            what = f"unexpected HTTP {status}"
        detail = f"{place}: {what}" + (f": {alerts}" if alerts else "")
        raise PemsTerminalError(detail, org=org, cursor=cursor)

    def _retry_after(self, response: httpx.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                moment = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            seconds = (moment - datetime.now(UTC)).total_seconds()
        return min(max(seconds, 0.0), max(self.config.backoff_max_s, self.config.timeout_s))

    async def _next_attempt(
        self,
        attempt: int,
        failure: _Retry,
        place: str,
        org: str,
        cursor: int | None,
        operation: str,
    ) -> int:
        """Wait before attempt `attempt + 1`, or raise PemsTransientError when out of retries."""
        if attempt >= self.config.max_retries:
            raise PemsTransientError(
                f"{place}: PEMS still failing after {attempt + 1} attempts: {failure.problem}",
                org=org,
                cursor=cursor,
            )
        if failure.retry_after is not None:
            delay = failure.retry_after
        else:
            cap = min(self.config.backoff_max_s, self.config.backoff_base_s * 2**attempt)
            delay = cap / 2 + self._jitter.random() * cap / 2
        self.stats.retries += 1
        pems_metrics().retries.labels(operation).inc()
        log.warning("%s: %s; retry %d in %.2fs", place, failure.problem, attempt + 1, delay)
        await asyncio.sleep(delay)
        return attempt + 1
