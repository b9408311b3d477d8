/**
 * The grid's view (filters and sort) as a query string: in the address (#/org/CODE/grid?…) so a
 * view survives a reload and can be sent as a link, saved as a named view, and passed as is to
 * the API's read, totals and export endpoints (the same parameter names).
 */
import { DATE_MODES, type DateMode, EMPTY_FILTERS, type Filters, type Sort } from "./query";

export function toQuery(filters: Filters, sort: Sort | null): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string) => value && params.set(name, value);
  put("category", filters.category);
  put("source", filters.source);
  put("area", filters.area);
  put("dor", filters.dor);
  put("from", filters.from);
  put("to", filters.to);
  if (filters.dateMode !== "overlaps") put("dateMode", filters.dateMode);
  put("q", filters.q);
  if (filters.draftsOnly) params.set("hasDraft", "true");
  if (sort) params.set("sort", `${sort.dir === "desc" ? "-" : ""}${sort.field}`);
  return params.toString();
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function fromQuery(query: string): { filters: Filters; sort: Sort | null } {
  const params = new URLSearchParams(query.replace(/^\?/, ""));
  const text = (name: string) => params.get(name) ?? "";
  const day = (name: string) => (DAY.test(text(name)) ? text(name) : "");
  const mode = text("dateMode");
  const filters: Filters = {
    ...EMPTY_FILTERS,
    category: text("category"),
    source: text("source"),
    area: text("area"),
    dor: text("dor"),
    from: day("from"),
    to: day("to"),
    dateMode: DATE_MODES.some((m) => m.value === mode) ? (mode as DateMode) : "overlaps",
    q: text("q"),
    draftsOnly: text("hasDraft") === "true",
  };
  const raw = text("sort");
  const sort: Sort | null = raw
    ? { field: raw.replace(/^-/, ""), dir: raw.startsWith("-") ? "desc" : "asc" }
    : null;
  return { filters, sort };
}

/** The query part of a location hash ("#/org/X/grid?a=b" → "a=b"). */
export function hashQuery(hash: string): string {
  const at = hash.indexOf("?");
  return at < 0 ? "" : hash.slice(at + 1);
}
