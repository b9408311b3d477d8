/** The KPI answer (`current` and `pending` boards) as current → pending pairs per row. */
import type { KpiBoard, KpiFigures, KpiGroup, KpiResponse } from "./types";

function pairs<T extends KpiFigures>(
  current: T[],
  pending: T[] | undefined,
  key: (row: T) => string,
): KpiGroup[] {
  const after = new Map((pending ?? current).map((row) => [key(row), row]));
  const seen = new Set<string>();
  const out: KpiGroup[] = current.map((row) => {
    const k = key(row);
    seen.add(k);
    return { key: k, current: row, pending: after.get(k) ?? row };
  });
  // A group that only exists with the drafts (e.g. a record moved to a new category).
  for (const [k, row] of after)
    if (!seen.has(k)) out.push({ key: k, current: { ...row, ...ZERO }, pending: row });
  return out;
}

const NO_COST = { rental: 0, purchase: 0, total: 0 };
const ZERO: KpiFigures = {
  plan: NO_COST,
  forecast: NO_COST,
  actual: NO_COST,
  variance: 0,
  variancePct: 0,
  overBudget: false,
  recordCount: 0,
};

export function kpiBoard(answer: KpiResponse): KpiBoard {
  const { current, pending } = answer;
  return {
    total: { current: current.totals, pending: (pending ?? current).totals },
    byCategory: pairs(current.byCategory, pending?.byCategory, (r) => r.category),
    bySource: pairs(current.bySource, pending?.bySource, (r) => r.source),
    draftCount: answer.draftCount,
    impact: answer.impact ?? null,
    exclusions: answer.exclusions,
    rule: answer.rule,
    currency: answer.currency,
  };
}
