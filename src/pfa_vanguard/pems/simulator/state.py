"""What the simulated PEMS holds: organizations of alias-level rows (canonical text, with the
tenant's record counter `recordid`), the writes it accepted, schema drift, faults and the
tenant's options. Thread-safe (one lock): the server
thread answers calls while a test or the benchmark inspects and changes the state directly."""

from __future__ import annotations

import bisect
import random
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pfa_vanguard.pems.simulator.faults import Faults
from pfa_vanguard.pems.simulator.formats import canonical, day_of, format_modified, grid_value
from pfa_vanguard.pems.simulator.generator import (
    CATEGORIES,
    CODES,
    COLUMNS,
    LABELS,
    generate_org,
)
from pfa_vanguard.pems.simulator.options import TenantOptions

_ONE_MS = timedelta(milliseconds=1)


class SimError(ValueError):
    """A request PEMS refuses with HTTP 400 and an ErrorAlert (`name`, message)."""

    def __init__(self, message: str, name: str = "WSR-INVALID-REQUEST") -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class Column:
    """One grid column: its alias, DATATYPE, FIELDLABEL, and the value drift columns carry."""

    alias: str
    datatype: str
    label: str
    value: str = ""


class OrgData:
    """One organization's rows (pfs_id -> row, rows never mutated in place: a change replaces
    the row) and the sorted pfs_id list. Generated lazily on first use."""

    def __init__(self, code: str, count: int, seed: int) -> None:
        self.code = code
        self.count = count
        self.seed = seed
        self._rows: dict[str, dict[str, str]] | None = None
        self._ids: list[str] = []
        # pfs_id -> (row, its DATARECORD JSON): serving a page re-encodes only changed rows
        # (cleared when the columns or the formats change).
        self.encoded: dict[str, tuple[dict[str, str], bytes]] = {}

    @property
    def rows(self) -> dict[str, dict[str, str]]:
        if self._rows is None:
            self.install(generate_org(self.code, self.count, self.seed))
        assert self._rows is not None
        return self._rows

    @property
    def generated(self) -> bool:
        return self._rows is not None

    def install(self, generated: list[dict[str, str]]) -> None:
        """Take the generated rows (sorted on pfs_id), unless rows are already there."""
        if self._rows is None:
            self._ids = [row["pfs_id"] for row in generated]
            self._rows = dict(zip(self._ids, generated, strict=True))

    @property
    def ids(self) -> list[str]:
        _ = self.rows
        return self._ids

    @property
    def size(self) -> int:
        """Number of records (without generating them if not done yet)."""
        return self.count if self._rows is None else len(self._ids)

    def put(self, row: dict[str, str]) -> None:
        rows = self.rows
        pfa_id = row["pfs_id"]
        if pfa_id not in rows:
            bisect.insort(self._ids, pfa_id)
        rows[pfa_id] = row

    def remove(self, pfa_id: str) -> bool:
        rows = self.rows
        if rows.pop(pfa_id, None) is None:
            return False
        self.encoded.pop(pfa_id, None)
        index = bisect.bisect_left(self._ids, pfa_id)
        del self._ids[index]
        return True


@dataclass
class SimulatorState:
    """The simulated tenant. `sizes` maps organization code -> generated record count.

    Credentials: when `api_key` or `user` is set, calls must carry that X-API-KEY or Basic
    user/password (else 401); when `tenant` is set, the tenant header must match.
    `initial_options` is the tenant's set-up; `options` the current one (reset restores it).
    """

    sizes: dict[str, int]
    seed: int = 42
    tenant: str | None = None
    user: str | None = None
    password: str | None = None
    api_key: str | None = None
    grid_name: str = "CUPFAG"
    screen_name: str = "CUPFA2"
    initial_options: TenantOptions = field(default_factory=TenantOptions)
    orgs: dict[str, OrgData] = field(init=False)
    faults: Faults = field(init=False, default_factory=Faults)
    options: TenantOptions = field(init=False)
    drift: dict[str, tuple[str, str]] = field(init=False, default_factory=dict)
    writes: list[dict[str, Any]] = field(init=False, default_factory=list)
    stats: Counter[str] = field(init=False, default_factory=Counter)
    lock: threading.RLock = field(init=False, default_factory=threading.RLock, repr=False)
    rng: random.Random = field(init=False, repr=False)
    generation: int = field(init=False, default=0)  # raised by reset()
    # org -> (count, every seconds): PEMS users changing records by themselves over time.
    auto_mutate: dict[str, tuple[int, float]] = field(init=False, default_factory=dict)
    _last_stamp: datetime = field(init=False, repr=False)
    _columns: tuple[Column, ...] = field(init=False, repr=False, default=())

    def __post_init__(self) -> None:
        self.reset()

    @classmethod
    def generate(
        cls, orgs: Sequence[str], records: int, seed: int, **settings: Any
    ) -> SimulatorState:
        """A tenant with `records` generated rows in each of `orgs` (rows made on first use).
        `settings`: credentials (tenant, user, password, api_key) and TenantOptions fields."""
        option_names = set(TenantOptions.__dataclass_fields__)
        options = TenantOptions(**{k: v for k, v in settings.items() if k in option_names})
        credentials = {k: v for k, v in settings.items() if k not in option_names}
        return cls(dict.fromkeys(orgs, records), seed, initial_options=options, **credentials)

    def reset(self) -> None:
        """Back to the generated data: no faults, no drift, no writes, the initial options."""
        with self.lock:
            self.generation += 1
            self.orgs = {code: OrgData(code, n, self.seed) for code, n in self.sizes.items()}
            self.faults = Faults()
            self.options = replace(self.initial_options)
            self.drift = {}
            self.auto_mutate = {}
            self.writes = []
            self.stats = Counter()
            self.rng = random.Random(f"pfa-sim-events:{self.seed}")
            self._last_stamp = datetime(2000, 1, 1, tzinfo=UTC)
            self._refresh_columns()

    def set_options(self, options: TenantOptions) -> None:
        """Change the tenant's set-up from now on (cached grid rows are re-encoded)."""
        with self.lock:
            self.options = options
            self._refresh_columns()

    def _refresh_columns(self) -> None:
        columns = [
            Column(alias, datatype, LABELS[alias])
            for alias, datatype in COLUMNS.items()
            if alias != "recordid" or self.options.grid_counter
        ]
        columns += [
            Column(alias, datatype, alias.replace("_", " ").title(), value)
            for alias, (value, datatype) in self.drift.items()
            if alias not in COLUMNS
        ]
        self._columns = tuple(columns)
        for data in self.orgs.values():
            data.encoded.clear()

    def warm(self, codes: Iterable[str] | None = None) -> None:
        """Generate organizations now (all by default) instead of on first use. Generation
        runs outside the lock, so a server using this state keeps answering meanwhile."""
        for code in list(self.orgs) if codes is None else codes:
            data = self.orgs.get(code)
            if data is None or data.generated:
                continue
            rows = generate_org(data.code, data.count, data.seed)
            with self.lock:
                data.install(rows)

    # --- reading ------------------------------------------------------------------------------

    def org(self, code: str) -> OrgData:
        """The organization, or SimError naming the valid codes."""
        data = self.orgs.get(code)
        if data is None:
            raise SimError(
                f"Organization {code!r} is not valid (known: {', '.join(self.orgs)})",
                "WSR-INVALID-ORGANIZATION",
            )
        return data

    @property
    def columns(self) -> tuple[Column, ...]:
        """The grid's columns as served now: without `recordid` unless the counter option is
        on, with the drift columns last."""
        return self._columns

    def view(self, row: Mapping[str, str]) -> dict[str, str]:
        """A stored row as the grid serves it: the served columns, values formatted for the
        API user (call with the lock held)."""
        order = self.options.date_order
        return {
            c.alias: grid_value(c.datatype, row.get(c.alias, c.value), order) for c in self._columns
        }

    def records(self, org: str) -> list[dict[str, str]]:
        """Every row of `org` as the grid would serve it, in pfs_id order. For bulk loads
        without HTTP (benchmark setup)."""
        with self.lock:
            data = self.org(org)
            return [self.view(data.rows[pfa_id]) for pfa_id in data.ids]

    def row(self, org: str, pfa_id: str) -> dict[str, str] | None:
        """One row as the grid would serve it, None when it does not exist."""
        with self.lock:
            found = self.org(org).rows.get(pfa_id)
            return None if found is None else self.view(found)

    def stored(self, org: str, pfa_id: str) -> dict[str, str] | None:
        """One row as stored: canonical text with `recordid` (for tests)."""
        with self.lock:
            found = self.org(org).rows.get(pfa_id)
            return None if found is None else dict(found)

    def stored_records(self, org: str) -> list[dict[str, str]]:
        """Every row of `org` as stored (canonical text with `recordid`), in pfs_id order."""
        with self.lock:
            data = self.org(org)
            return [dict(data.rows[pfa_id]) for pfa_id in data.ids]

    def writes_for(self, org: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(w) for w in self.writes if org is None or w["org"] == org]

    # --- changing ------------------------------------------------------------------------------

    def stamp(self) -> str:
        """A new pfs_lastmodified: now, and strictly later than every earlier one."""
        with self.lock:
            now = datetime.now(UTC)
            now = now.replace(microsecond=now.microsecond // 1000 * 1000)
            self._last_stamp = max(now, self._last_stamp + _ONE_MS)
            return format_modified(self._last_stamp)

    def bump(self, row: Mapping[str, str], changes: Mapping[str, str]) -> dict[str, str]:
        """`row` with `changes` applied, `recordid` raised and `pfs_lastmodified` renewed."""
        changed = {**row, **changes}
        changed["recordid"] = str(int(row.get("recordid") or 0) + 1)
        changed["pfs_lastmodified"] = self.stamp()
        return changed

    def set_faults(self, faults: Faults) -> None:
        with self.lock:
            self.faults = faults

    def add_drift(self, alias: str, value: str = "", datatype: str = "VARCHAR") -> None:
        """Every row gains column `alias` (with `value`) from now on; versions do not move."""
        with self.lock:
            self.drift[alias] = (value, datatype)
            self._refresh_columns()

    def delete(self, org: str, pfa_ids: Iterable[str]) -> list[str]:
        """Remove records; returns the pfs_ids that existed."""
        with self.lock:
            data = self.org(org)
            return [pfa_id for pfa_id in pfa_ids if data.remove(pfa_id)]

    def put_rows(self, org: str, rows: Iterable[Mapping[str, object]]) -> list[str]:
        """Create or overwrite rows (as a PEMS-side edit would), creating the organization if
        needed. Values may be ISO or in the user's formats and are stored canonical (codes in
        upper case); a value of no known form is kept as given. `recordid` and
        `pfs_lastmodified` are raised unless given."""
        order = self.options.date_order
        with self.lock:
            if org not in self.orgs:
                self.sizes[org] = 0
                self.orgs[org] = OrgData(org, 0, self.seed)
            data = self.orgs[org]
            ids = []
            for raw in rows:
                values = {}
                for alias, value in raw.items():
                    text = "" if value is None else str(value)
                    datatype = COLUMNS.get(alias) or self.drift.get(alias, ("", "VARCHAR"))[1]
                    text = canonical(datatype, text, order)
                    values[alias] = text.upper() if alias in CODES else text
                pfa_id = values.get("pfs_id")
                if not pfa_id:
                    raise SimError("every row needs a pfs_id")
                current = data.rows.get(pfa_id) or {
                    "pfs_id": pfa_id,
                    "pfs_a_org": org,
                    "recordid": "0",
                }
                row = self.bump(current, values)
                for kept in ("recordid", "pfs_lastmodified"):
                    if kept in values:
                        row[kept] = values[kept]
                data.put(row)
                ids.append(pfa_id)
            return ids

    def mutate(self, org: str, count: int) -> list[str]:
        """Change `count` random records as a PEMS user would (forecast dates, forecast
        category, DOR, flags, equipment), raising their versions. Returns their pfs_ids."""
        with self.lock:
            data = self.org(org)
            chosen = sorted(self.rng.sample(data.ids, min(count, len(data.ids))))
            for pfa_id in chosen:
                row = data.rows[pfa_id]
                data.put(self.bump(row, self._user_edit(row)))
            return chosen

    def _user_edit(self, row: Mapping[str, str]) -> dict[str, str]:
        rng = self.rng
        kind = rng.choices(
            ("shift", "extend", "category", "dor", "funds", "equipment", "discontinue"),
            (35, 20, 10, 10, 8, 12, 5),
        )[0]
        start, end = day_of(row.get("pfs_f_startdate", "")), day_of(row.get("pfs_f_enddate", ""))
        if kind == "discontinue" and row.get("pfs_f_actualized") != "-1":
            return {"pfs_f_discontinued": "-1"}
        if kind == "category":
            names = [c.name for c in CATEGORIES if c.name != row.get("pfs_f_catdesc")]
            return {"pfs_f_catdesc": rng.choice(names)}
        if kind == "dor":
            return {"pfs_f_dor": "BEO" if row.get("pfs_f_dor") != "BEO" else "PROJECT"}
        if kind == "funds":
            return {"pfs_f_fundstrans": "0" if row.get("pfs_f_fundstrans") == "-1" else "-1"}
        if kind == "equipment":
            return {"pfs_equipment_tag": f"EQ-{rng.randint(10000, 99999)}"}
        if start is None or end is None:
            return {"pfs_f_dor": "BEO" if row.get("pfs_f_dor") != "BEO" else "PROJECT"}
        if kind == "extend":
            new_end = max(end + timedelta(days=rng.choice((-20, -10, 7, 14, 30, 45))), start)
            return {"pfs_f_enddate": new_end.isoformat()}
        delta = timedelta(days=rng.choice((-30, -14, -7, 7, 14, 21, 30, 60)))
        return {
            "pfs_f_startdate": (start + delta).isoformat(),
            "pfs_f_enddate": (end + delta).isoformat(),
        }

    def record_write(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry["seq"] = len(self.writes) + 1
            self.writes.append(entry)
