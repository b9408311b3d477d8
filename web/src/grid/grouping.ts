/**
 * Grouping the grid by a column, as a row model: a pure function from the filtered, sorted
 * record ids to the rows the grid draws — a header per group (its value, how many records, and
 * their plan, forecast and actual cost and variance counted as every figure counts them:
 * discontinued and funds-transferable records left out) followed by its records, unless the
 * group is collapsed. Groups come in the order of their values (records without one last);
 * records keep their order within their group.
 */
import { countsInKpi } from "../domain/costs";

/** The columns the grid groups by (the record field), with their labels. */
export const GROUP_FIELDS: readonly { field: string; label: string }[] = [
  { field: "category", label: "Category" },
  { field: "forecastCategory", label: "Forecast category" },
  { field: "areaSilo", label: "Area" },
  { field: "source", label: "Source" },
  { field: "dor", label: "DOR" },
  { field: "class", label: "Class" },
  { field: "manufacturer", label: "Manufacturer" },
];

export const NO_VALUE = "(none)";

export interface GroupTotals {
  plan: number;
  forecast: number;
  actual: number;
  variance: number;
}

export interface GroupRow {
  kind: "group";
  key: string;
  count: number;
  /** records the totals leave out (discontinued or funds-transferable) */
  excluded: number;
  totals: GroupTotals;
  collapsed: boolean;
}

export interface RecordRow {
  kind: "record";
  id: string;
  /** position among the records shown (the grid's row index) */
  index: number;
}

export type GridItem = GroupRow | RecordRow;

export interface RowModel {
  items: GridItem[];
  /** the records shown, in the order drawn (collapsed groups' records left out) */
  ids: string[];
  /** the item each shown record is drawn at */
  itemOf: number[];
}

type View = (id: string) => Record<string, unknown> | undefined;

const round = (n: number) => Math.round(n * 100) / 100;
const cost = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** The key a record groups under: its value as text, NO_VALUE when it has none. */
export function groupKey(data: Record<string, unknown> | undefined, field: string): string {
  const value = data?.[field];
  return value === null || value === undefined || value === "" ? NO_VALUE : String(value);
}

export function groupRows(
  ids: readonly string[],
  view: View,
  field: string,
  collapsed: ReadonlySet<string> = new Set(),
): RowModel {
  const members = new Map<string, string[]>();
  for (const id of ids) {
    const key = groupKey(view(id), field);
    let list = members.get(key);
    if (!list) members.set(key, (list = []));
    list.push(id);
  }
  const keys = [...members.keys()].sort((a, b) =>
    a === NO_VALUE ? 1 : b === NO_VALUE ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const model: RowModel = { items: [], ids: [], itemOf: [] };
  for (const key of keys) {
    const list = members.get(key) ?? [];
    const totals = { plan: 0, forecast: 0, actual: 0, variance: 0 };
    let excluded = 0;
    for (const id of list) {
      const data = view(id);
      if (!data || !countsInKpi(data)) {
        excluded += 1;
        continue;
      }
      totals.plan += cost(data.planCost);
      totals.forecast += cost(data.forecastCost);
      totals.actual += cost(data.actualCost);
    }
    totals.variance = totals.forecast - totals.plan;
    const shut = collapsed.has(key);
    model.items.push({
      kind: "group",
      key,
      count: list.length,
      excluded,
      totals: {
        plan: round(totals.plan),
        forecast: round(totals.forecast),
        actual: round(totals.actual),
        variance: round(totals.variance),
      },
      collapsed: shut,
    });
    if (shut) continue;
    for (const id of list) {
      model.itemOf.push(model.items.length);
      model.items.push({ kind: "record", id, index: model.ids.length });
      model.ids.push(id);
    }
  }
  return model;
}
