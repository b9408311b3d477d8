/**
 * Adapters from the API's JSON to the UI's shapes, for bodies whose layout the contract leaves
 * open (KPI board, admin sync status, runs). Tolerant on purpose: a missing figure reads as 0 or
 * null, never as a crash of the screen.
 */
import type { KpiBoard, KpiFigures, KpiGroup, SyncRun, SyncStatus } from "./types";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" ? Number(v) || 0 : 0);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const pick = (o: Obj, ...names: string[]): unknown => {
  for (const n of names) if (n in o) return o[n];
  return undefined;
};

export function figures(raw: unknown): KpiFigures {
  const o = isObj(raw) ? raw : {};
  const part = (name: string, kind: "rental" | "purchase"): number | undefined => {
    const nested = o[name];
    if (isObj(nested)) return num(nested[kind]);
    const flat = pick(o, `${name}${kind === "rental" ? "Rental" : "Purchase"}`);
    return flat === undefined ? undefined : num(flat);
  };
  const total = (name: string): number => {
    const nested = o[name];
    if (isObj(nested)) return num(pick(nested, "total", "value"));
    return num(pick(o, name, `${name}Cost`));
  };
  const plan = total("plan");
  const forecast = total("forecast");
  const variance = o.variance !== undefined ? num(o.variance) : forecast - plan;
  const pct = pick(o, "variancePct", "variancePercent");
  return {
    plan,
    forecast,
    actual: total("actual"),
    planRental: part("plan", "rental"),
    planPurchase: part("plan", "purchase"),
    forecastRental: part("forecast", "rental"),
    forecastPurchase: part("forecast", "purchase"),
    actualRental: part("actual", "rental"),
    actualPurchase: part("actual", "purchase"),
    variance,
    variancePct: pct !== undefined ? num(pct) : plan === 0 ? 0 : (variance / plan) * 100,
    records: o.records !== undefined ? num(o.records) : o.count !== undefined ? num(o.count) : undefined,
  };
}

/** `{current, pending}` from either a pair or a single set of figures. */
function pair(raw: unknown): { current: KpiFigures; pending: KpiFigures } {
  if (isObj(raw) && ("current" in raw || "pending" in raw)) {
    const current = figures(raw.current ?? raw.pending);
    return { current, pending: raw.pending ? figures(raw.pending) : current };
  }
  const f = figures(raw);
  return { current: f, pending: f };
}

function groups(raw: unknown, keyNames: string[]): KpiGroup[] {
  if (Array.isArray(raw)) {
    return raw.filter(isObj).map((g) => {
      const key = String(pick(g, ...keyNames, "key", "name") ?? "—");
      return { key, ...pair(g) };
    });
  }
  if (isObj(raw)) return Object.entries(raw).map(([key, v]) => ({ key, ...pair(v) }));
  return [];
}

export function normalizeKpi(raw: unknown): KpiBoard {
  const o = isObj(raw) ? raw : {};
  // Either {current: {...board}, pending: {...board}} or a board whose figures are pairs.
  if (isObj(o.current) && isObj(o.pending) && ("byCategory" in o.current || "total" in o.current)) {
    const cur = normalizeKpi(o.current);
    const pen = normalizeKpi(o.pending);
    const join = (a: KpiGroup[], b: KpiGroup[]): KpiGroup[] => {
      const byKey = new Map(b.map((g) => [g.key, g.current]));
      return a.map((g) => ({ key: g.key, current: g.current, pending: byKey.get(g.key) ?? g.current }));
    };
    return {
      total: { current: cur.total.current, pending: pen.total.current },
      byCategory: join(cur.byCategory, pen.byCategory),
      bySource: join(cur.bySource, pen.bySource),
    };
  }
  return {
    total: pair(pick(o, "total", "totals", "organization", "org")),
    byCategory: groups(pick(o, "byCategory", "categories"), ["category"]),
    bySource: groups(pick(o, "bySource", "sources"), ["source"]),
  };
}

function run(raw: unknown): SyncRun {
  const o = isObj(raw) ? raw : {};
  const n = (k: string, ...alt: string[]): number | null => {
    const v = pick(o, k, ...alt);
    return v === undefined || v === null ? null : num(v);
  };
  return {
    id: num(pick(o, "id", "runId")),
    org: str(pick(o, "org", "code", "organization")) ?? undefined,
    trigger: str(o.trigger),
    status: str(o.status) ?? "unknown",
    startedAt: str(pick(o, "startedAt", "started")),
    finishedAt: str(pick(o, "finishedAt", "finished")),
    fetched: n("fetched"),
    inserted: n("inserted"),
    updated: n("updated"),
    unchanged: n("unchanged"),
    deleted: n("deleted"),
    durationMs: n("durationMs"),
    error: str(o.error),
  };
}

export function normalizeRuns(raw: unknown): SyncRun[] {
  const list = Array.isArray(raw) ? raw : isObj(raw) ? (pick(raw, "runs", "items") as unknown) : [];
  return Array.isArray(list) ? list.map(run) : [];
}

export function normalizeSyncStatus(raw: unknown): SyncStatus[] {
  const list = Array.isArray(raw) ? raw : isObj(raw) ? (pick(raw, "orgs", "organizations") as unknown) : [];
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((o) => {
    const last = pick(o, "lastRun");
    return {
      code: String(pick(o, "code", "org") ?? ""),
      name: str(o.name) ?? undefined,
      schedule: str(pick(o, "schedule", "cron", "syncSchedule")) ?? "",
      paused: Boolean(pick(o, "paused", "syncPaused")),
      running: Boolean(o.running),
      lastRun: isObj(last) ? run(last) : null,
      nextRun: str(pick(o, "nextRun", "nextRunAt")),
      lastSyncedAt: str(o.lastSyncedAt),
      stale: Boolean(o.stale),
      late: Boolean(o.late),
      records: o.records === undefined ? null : num(o.records),
    };
  });
}
