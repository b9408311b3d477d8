/**
 * The grid's view (filters and sort) as a query string: in the address (#/org/CODE/grid?…) so a
 * view survives a reload and can be sent as a link, saved as a named view, and passed as is to
 * the API's read, totals and export endpoints (the same parameter names; a column filtered by
 * several values repeats its parameter: category=Crane&category=Generator).
 */
import {
  COLUMN_KEYS,
  DATE_MODES,
  type DateMode,
  EMPTY_FILTERS,
  type Filters,
  type Sort,
  columnValues,
  withColumnValues,
} from "./query";

/** The view as a query string; `group`: the column the grid groups its rows by (the API
 * ignores it: grouping changes how rows are drawn, not which). */
export function toQuery(filters: Filters, sort: Sort | null, group: string | null = null): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string) => value && params.set(name, value);
  // a column with several values repeats its parameter (the API reads it as "any of these")
  for (const key of COLUMN_KEYS) for (const value of columnValues(filters, key)) params.append(key, value);
  put("from", filters.from);
  put("to", filters.to);
  if (filters.dateMode !== "overlaps") put("dateMode", filters.dateMode);
  put("q", filters.q);
  if (filters.draftsOnly) params.set("hasDraft", "true");
  if (sort) params.set("sort", `${sort.dir === "desc" ? "-" : ""}${sort.field}`);
  if (group) params.set("group", group);
  return params.toString();
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function fromQuery(query: string): { filters: Filters; sort: Sort | null; group?: string } {
  const params = new URLSearchParams(query.replace(/^\?/, ""));
  const text = (name: string) => params.get(name) ?? "";
  const day = (name: string) => (DAY.test(text(name)) ? text(name) : "");
  const mode = text("dateMode");
  let filters: Filters = {
    ...EMPTY_FILTERS,
    from: day("from"),
    to: day("to"),
    dateMode: DATE_MODES.some((m) => m.value === mode) ? (mode as DateMode) : "overlaps",
    q: text("q"),
    draftsOnly: text("hasDraft") === "true",
  };
  for (const key of COLUMN_KEYS) filters = withColumnValues(filters, key, params.getAll(key));
  const raw = text("sort");
  const sort: Sort | null = raw
    ? { field: raw.replace(/^-/, ""), dir: raw.startsWith("-") ? "desc" : "asc" }
    : null;
  const group = text("group");
  return group && /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(group) ? { filters, sort, group } : { filters, sort };
}

/** The query part of a location hash ("#/org/X/grid?a=b" → "a=b"). */
export function hashQuery(hash: string): string {
  const at = hash.indexOf("?");
  return at < 0 ? "" : hash.slice(at + 1);
}
