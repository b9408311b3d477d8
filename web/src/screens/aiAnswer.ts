/** Pure helpers of the AI tab's answers: which answers get a chart, and the grid's filter. */
import { EMPTY_FILTERS, type Filters } from "../state/query";

export interface AnswerChart {
  label: string; // the column naming the groups
  value: string; // the numeric column
  data: { name: string; value: number }[];
}

export const CHART_MIN_ROWS = 2;
export const CHART_MAX_ROWS = 30;

/**
 * A bar chart of a grouped answer: exactly one label column and one numeric column, 2–30 rows,
 * every value a number. Anything else (one total, a listing, several measures) gets none.
 */
export function chartOf(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): AnswerChart | null {
  if (columns.length !== 2 || rows.length < CHART_MIN_ROWS || rows.length > CHART_MAX_ROWS) return null;
  const numeric = (j: number) => rows.every((r) => typeof r[j] === "number" && Number.isFinite(r[j]));
  const labels = (j: number) => rows.every((r) => typeof r[j] !== "number");
  let v: number;
  if (numeric(1) && labels(0)) v = 1;
  else if (numeric(0) && labels(1)) v = 0;
  else return null;
  const l = 1 - v;
  return {
    label: columns[l] ?? "",
    value: columns[v] ?? "",
    data: rows.map((r) => ({
      name: r[l] === null || r[l] === undefined || r[l] === "" ? "(none)" : String(r[l]),
      value: r[v] as number,
    })),
  };
}

/** The grid's filters showing exactly `ids` (every other filter cleared). */
export function answerFilters(ids: readonly string[]): Filters {
  return { ...EMPTY_FILTERS, ids: new Set(ids) };
}

export function recordsLabel(n: number): string {
  return `${n.toLocaleString("en-US")} record${n === 1 ? "" : "s"}`;
}
