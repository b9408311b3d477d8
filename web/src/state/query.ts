/** Client-side filter and sort over the in-memory records (merged values, as shown). */
import { toDay } from "../domain/values";

/** What the from/to dates select by the forecast window: it meets the range, starts or ends in it. */
export type DateMode = "overlaps" | "starts" | "ends";

export const DATE_MODES: { value: DateMode; label: string }[] = [
  { value: "overlaps", label: "runs during (overlaps)" },
  { value: "starts", label: "starts in" },
  { value: "ends", label: "ends in" },
];

/** The columns filtered by value, by their names in the filters and the query string. */
export type ColumnKey = "category" | "source" | "area" | "dor";

export const COLUMN_KEYS: readonly ColumnKey[] = ["category", "source", "area", "dor"];

/** The record field each column filter reads. */
export const COLUMN_FIELDS: Readonly<Record<ColumnKey, string>> = {
  category: "category",
  source: "source",
  area: "areaSilo",
  dor: "dor",
};

export interface Filters {
  category: string;
  source: string;
  area: string;
  dor: string;
  from: string;
  to: string;
  dateMode: DateMode;
  q: string;
  draftsOnly: boolean;
  /** Only these record ids (an AI answer's records), when set. */
  ids?: ReadonlySet<string>;
  /** The forecast ends in this year ("2026") or month ("2026-03"); empty: any. */
  ends?: string;
  /** Only the records whose draft is in conflict with PEMS (the grid's filter). */
  conflictsOnly?: boolean;
  /**
   * Per-column filters with several values: the record's value must be one of them (category IN
   * {Crane, Generator}), together with the column's single value above when both are set (the
   * API's repeated parameters: `category=Crane&category=Generator`). Absent or empty: no filter.
   */
  columns?: Readonly<Partial<Record<ColumnKey, readonly string[]>>>;
}

export const EMPTY_FILTERS: Filters = {
  category: "",
  source: "",
  area: "",
  dor: "",
  from: "",
  to: "",
  dateMode: "overlaps",
  q: "",
  draftsOnly: false,
};

export interface Sort {
  field: string;
  dir: "asc" | "desc";
}

/**
 * The fields a search looks in, in the API's order, joined the API's way (a space between the
 * values present): a search selects the same records in the grid as in what the API computes
 * for the same view (its totals, exports), a match across two neighbouring fields included.
 */
const TEXT_FIELDS = [
  "pfaId",
  "description",
  "category",
  "forecastCategory",
  "areaSilo",
  "class",
  "equipment",
  "manufacturer",
  "model",
  "contract",
];

type View = (id: string) => Record<string, unknown> | undefined;

/** Does the forecast window [start, end] overlap [from, to] (either bound may be open)? */
export function overlaps(start: unknown, end: unknown, from: string, to: string): boolean {
  const s = toDay(start);
  const e = toDay(end);
  const f = from ? toDay(from) : null;
  const t = to ? toDay(to) : null;
  if (f === null && t === null) return true;
  if (s === null || e === null) return false;
  return (t === null || s <= t) && (f === null || e >= f);
}

/** The record's forecast window against the from/to filter, as its date mode says (the API's twin). */
export function inWindow(
  data: Record<string, unknown>,
  filters: Pick<Filters, "from" | "to" | "dateMode">,
): boolean {
  const mode = filters.dateMode ?? "overlaps";
  if (mode === "overlaps") return overlaps(data.forecastStart, data.forecastEnd, filters.from, filters.to);
  const day = toDay(mode === "starts" ? data.forecastStart : data.forecastEnd);
  if (day === null) return false;
  const f = filters.from ? toDay(filters.from) : null;
  const t = filters.to ? toDay(filters.to) : null;
  return (f === null || day >= f) && (t === null || day <= t);
}

const searchTexts = new WeakMap<object, string>();

/** The record's searchable text, lower-cased once per record object (records are immutable). */
export function searchText(data: Record<string, unknown>): string {
  let text = searchTexts.get(data);
  if (text === undefined) {
    text = TEXT_FIELDS.map((f) => data[f])
      .filter((v) => v !== null && v !== undefined)
      .map(String)
      .join(" ")
      .toLowerCase();
    searchTexts.set(data, text);
  }
  return text;
}

/** The values a column filter accepts: its single value and its several ones, each once, in
 * that order; empty: the column does not filter. */
export function columnValues(filters: Filters, key: ColumnKey): string[] {
  const single = filters[key];
  const several = filters.columns?.[key] ?? [];
  return [...new Set(single ? [single, ...several] : several)];
}

/** The filters with column `key` accepting exactly `values`: one value is the column's single
 * filter, several its per-column list, none clears it. */
export function withColumnValues(filters: Filters, key: ColumnKey, values: readonly string[]): Filters {
  const unique = [...new Set(values.filter((v) => v !== ""))];
  const columns: Partial<Record<ColumnKey, readonly string[]>> = { ...filters.columns };
  delete columns[key];
  if (unique.length > 1) columns[key] = unique;
  const next: Filters = { ...filters, [key]: unique.length === 1 ? unique[0] : "" };
  if (Object.keys(columns).length > 0) next.columns = columns;
  else delete next.columns;
  return next;
}

function sameColumns(a: Filters, b: Filters): boolean {
  return COLUMN_KEYS.every((key) => {
    const x = a.columns?.[key] ?? [];
    const y = b.columns?.[key] ?? [];
    return x.length === y.length && x.every((v) => y.includes(v));
  });
}

export function matches(data: Record<string, unknown>, filters: Filters, hasDraft: boolean): boolean {
  if (filters.draftsOnly && !hasDraft) return false;
  for (const key of COLUMN_KEYS) {
    const single = filters[key];
    const several = filters.columns?.[key];
    if (!single && !several?.length) continue;
    const value = data[COLUMN_FIELDS[key]];
    if (typeof value !== "string") return false;
    if (value !== single && !several?.includes(value)) return false;
  }
  if ((filters.from || filters.to) && !inWindow(data, filters)) return false;
  if (filters.ends && !String(data.forecastEnd ?? "").startsWith(filters.ends)) return false;
  if (filters.q) {
    const needle = filters.q.trim().toLowerCase();
    if (needle && !searchText(data).includes(needle)) return false;
  }
  return true;
}

function compare(a: unknown, b: unknown): number {
  const an = a === null || a === undefined || a === "";
  const bn = b === null || b === undefined || b === "";
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * A prepared search over many records: their search texts (`searchText`) joined into one
 * string, searched with the engine's `indexOf` instead of record by record. It only narrows:
 * `select` still runs `matches` on every record it finds (and on the records `except` names,
 * whose shown values may differ from the indexed ones), so the filters' meaning stays `matches`.
 */
export class SearchIndex {
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly positions: Map<string, number>;

  /** `records[i]` as indexed: its id and the values its text was taken from. */
  constructor(private readonly records: readonly { id: string; data: Record<string, unknown> }[]) {
    const texts = records.map((r) => searchText(r.data));
    this.starts = new Int32Array(texts.length + 1);
    let at = 0;
    texts.forEach((t, i) => {
      this.starts[i] = at;
      at += t.length + 1;
    });
    this.starts[texts.length] = at;
    this.text = texts.join("\u0002"); // a separator no search text holds: no match spans two
    this.positions = new Map(records.map((r, i) => [r.id, i]));
  }

  get size(): number {
    return this.records.length;
  }

  /** The indexed records whose text contains the search (as `matches` reads it). */
  candidates(q: string): { has: (id: string) => boolean; size: number } {
    const needle = q.trim().toLowerCase();
    const { text, starts, positions } = this;
    const count = this.records.length;
    const hits = new Uint8Array(count);
    let size = 0;
    if (!needle) {
      hits.fill(1);
      size = count;
    } else {
      let record = 0;
      let from = 0;
      for (;;) {
        const hit = text.indexOf(needle, from);
        if (hit < 0) break;
        // The record holding the hit: hits only move forward, so does the record.
        while ((starts[record + 1] as number) <= hit) record++;
        hits[record] = 1;
        size++;
        from = starts[record + 1] as number; // on to the next record
      }
    }
    return {
      has: (id: string) => {
        const at = positions.get(id);
        return at !== undefined && hits[at] === 1;
      },
      size,
    };
  }
}

/** A prepared search for `select`: the index, and the ids whose shown values it may not hold. */
export interface PreparedSearch {
  index: SearchIndex;
  except: ReadonlySet<string>;
}

/** Do the filters other than the search text select anything less than every record? */
function filtersBesideSearch(filters: Filters): boolean {
  return (
    filters.draftsOnly ||
    Boolean(filters.ids) ||
    Boolean(filters.from || filters.to || filters.ends) ||
    COLUMN_KEYS.some((key) => filters[key] !== "" || (filters.columns?.[key]?.length ?? 0) > 0)
  );
}

/** Ids of the records that pass the filters, in the sort's order (stable; nulls last). */
export function select(
  ids: readonly string[],
  view: View,
  hasDraft: (id: string) => boolean,
  filters: Filters,
  sort: Sort | null,
  prepared?: PreparedSearch,
): string[] {
  let out: string[] = [];
  const searching = filters.q.trim() !== "";
  const others = filtersBesideSearch(filters);
  if (!searching && !others) {
    out = ids.slice(); // no filter at all: every record (the common case, e.g. a cleared search)
  } else {
    const found = prepared && searching ? prepared.index.candidates(filters.q) : null;
    const except = prepared?.except;
    // A record the index found, with the values it was indexed from, matches the search: only
    // the other filters are left to check (none, often: then not even its values are read).
    const rest = found ? { ...filters, q: "" } : filters;
    for (const id of ids) {
      if (filters.ids && !filters.ids.has(id)) continue;
      if (found) {
        const exact = !except?.has(id);
        if (!found.has(id)) {
          if (exact) continue; // its text cannot match
        } else if (exact) {
          if (!others) {
            out.push(id);
            continue;
          }
          const data = view(id);
          if (data && matches(data, rest, hasDraft(id))) out.push(id);
          continue;
        }
      }
      const data = view(id);
      if (data && matches(data, filters, hasDraft(id))) out.push(id);
    }
  }
  if (sort) {
    const keys = new Map(out.map((id) => [id, view(id)?.[sort.field]]));
    const sign = sort.dir === "asc" ? 1 : -1;
    out.sort((x, y) => {
      const a = keys.get(x);
      const b = keys.get(y);
      const nullA = a === null || a === undefined || a === "";
      const nullB = b === null || b === undefined || b === "";
      if (nullA || nullB) return compare(a, b);
      return sign * compare(a, b);
    });
  }
  return out;
}

/** Distinct non-empty values of a field (for filter menus), sorted. */
export function distinct(ids: readonly string[], view: View, field: string, cap = 500): string[] {
  const seen = new Set<string>();
  for (const id of ids) {
    const v = view(id)?.[field];
    if (typeof v === "string" && v) seen.add(v);
    if (seen.size >= cap) break;
  }
  return [...seen].sort();
}

/** Do `a` and `b` differ at most in the search text? */
export function sameBesideSearch(a: Filters, b: Filters): boolean {
  return narrows({ ...a, q: "" }, { ...b, q: "x" });
}

/** `next` only narrows `previous` (same filters, a longer search text): filter the last result. */
export function narrows(previous: Filters, next: Filters): boolean {
  const p = previous.q.trim().toLowerCase();
  const n = next.q.trim().toLowerCase();
  return (
    n.startsWith(p) &&
    n !== p &&
    previous.category === next.category &&
    previous.source === next.source &&
    previous.area === next.area &&
    previous.dor === next.dor &&
    sameColumns(previous, next) &&
    previous.from === next.from &&
    previous.to === next.to &&
    previous.dateMode === next.dateMode &&
    (previous.ends ?? "") === (next.ends ?? "") &&
    Boolean(previous.conflictsOnly) === Boolean(next.conflictsOnly) &&
    previous.draftsOnly === next.draftsOnly &&
    previous.ids === next.ids
  );
}
