/** Cost rules (docs/domain.md), the same numbers as src/pfa_vanguard/domain/costs.py. */
import { WINDOWS } from "./fields";
import { type Rec, toBool, toDay, toNumber } from "./values";

export const DAYS_PER_MONTH = 30.44;

const cents = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;

export function windowDays(start: number | null, end: number | null): number {
  if (start === null || end === null) return 0;
  return Math.max(end - start, 0);
}

export function windowCost(
  source: unknown,
  start: number | null,
  end: number | null,
  monthlyRate: number | null,
  purchasePrice: number | null,
): number {
  if (start === null || end === null) return 0;
  if (source === "Purchase") return cents(purchasePrice ?? 0);
  if (source === "Rental") return cents((windowDays(start, end) * (monthlyRate ?? 0)) / DAYS_PER_MONTH);
  return 0;
}

export interface RecordCosts {
  plan: number;
  forecast: number;
  actual: number;
  hasPlan: boolean;
  hasActuals: boolean;
}

export function recordCosts(record: Rec): RecordCosts {
  const rate = toNumber(record.monthlyRate);
  const price = toNumber(record.purchasePrice);
  const cost = (window: keyof typeof WINDOWS): [number, boolean] => {
    const [s, e] = WINDOWS[window];
    const start = toDay(record[s]);
    const end = toDay(record[e]);
    return [windowCost(record.source, start, end, rate, price), start !== null && end !== null];
  };
  const [plan, hasPlan] = cost("plan");
  const [forecast] = cost("forecast");
  const [actual, hasActuals] = cost("actual");
  return { plan, forecast, actual: hasActuals ? actual : 0, hasPlan, hasActuals };
}

/** The record with hasPlan, hasActuals and the three costs, as the API serves it. */
export function withDerived(record: Rec): Record<string, unknown> {
  const c = recordCosts(record);
  return {
    ...record,
    hasPlan: c.hasPlan,
    hasActuals: c.hasActuals,
    planCost: c.plan,
    forecastCost: c.forecast,
    actualCost: c.actual,
  };
}

/** KPI rule: discontinued or funds-transferable records are left out. */
export function countsInKpi(record: Rec): boolean {
  return !toBool(record.isDiscontinued) && !toBool(record.isFundsTransferable);
}
