/**
 * The merged read as columns (`Accept: application/vnd.pfa.columns+json`), the layout the grid
 * asks for: a fraction of the JSON rows' bytes (codes dictionary-encoded, numbers as numbers).
 * Decoded back into the rows the JSON read gives (`PfaPage`), in slices that yield to the
 * browser between them, so a 50K-record answer never blocks a frame for long.
 */
import type { PfaPage, PfaRow, RecordState } from "./types";

export const COLUMNS_TYPE = "application/vnd.pfa.columns+json";

interface DictField {
  name: string;
  dict: unknown[];
  codes: number[];
}

interface SameAsIdField {
  name: string;
  sameAs: "id";
}

interface PlainField {
  name: string;
  values: unknown[];
  absent?: number[];
}

export interface ColumnsBody {
  columns: 1;
  count: number;
  ids: string[];
  drafted: number[];
  states: Partial<Record<RecordState, number[]>>;
  fields: (DictField | SameAsIdField | PlainField)[];
  total: number;
  nextCursor: string | null;
  lastSyncedAt: string | null;
  stale: boolean;
  hasDrafts: boolean;
}

/** Rows decoded per slice: a few milliseconds of work each. */
const SLICE = 4000;

interface Prepared {
  drafted: Set<number>;
  states: Map<number, RecordState>;
  /** Per plain field with absent values: which rows lack it. */
  absent: Map<string, Uint8Array>;
}

function prepare(body: ColumnsBody): Prepared {
  const states = new Map<number, RecordState>();
  for (const [state, rows] of Object.entries(body.states))
    for (const i of rows ?? []) states.set(i, state as RecordState);
  const absent = new Map<string, Uint8Array>();
  for (const field of body.fields) {
    if (!("values" in field) || !field.absent?.length) continue;
    const mask = new Uint8Array(body.count);
    for (const i of field.absent) mask[i] = 1;
    absent.set(field.name, mask);
  }
  return { drafted: new Set(body.drafted), states, absent };
}

/** Rows [from, to) of the body, appended to `out`. */
function decodeRange(body: ColumnsBody, from: number, to: number, out: PfaRow[], prepared: Prepared): void {
  const datas: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) datas.push({});
  for (const field of body.fields) {
    const name = field.name;
    if ("sameAs" in field) {
      for (let i = from; i < to; i++) (datas[i - from] as Record<string, unknown>)[name] = body.ids[i];
      continue;
    }
    if ("dict" in field) {
      const { dict, codes } = field;
      for (let i = from; i < to; i++) {
        const code = codes[i] as number;
        if (code >= 0) (datas[i - from] as Record<string, unknown>)[name] = dict[code];
      }
      continue;
    }
    const { values } = field;
    const mask = prepared.absent.get(name);
    for (let i = from; i < to; i++) {
      if (!mask || !mask[i]) (datas[i - from] as Record<string, unknown>)[name] = values[i];
    }
  }
  const { drafted, states } = prepared;
  for (let i = from; i < to; i++) {
    out.push({
      id: body.ids[i] as string,
      data: datas[i - from] as PfaRow["data"],
      hasDraft: drafted.has(i),
      state: states.get(i) ?? "pristine",
    });
  }
}

function page(body: ColumnsBody, records: PfaRow[]): PfaPage {
  return {
    records,
    total: body.total,
    nextCursor: body.nextCursor,
    lastSyncedAt: body.lastSyncedAt,
    stale: body.stale,
    hasDrafts: body.hasDrafts,
  } as PfaPage;
}

/** The whole body at once (small answers, tests). */
export function decodeColumns(body: ColumnsBody): PfaPage {
  const records: PfaRow[] = [];
  decodeRange(body, 0, body.count, records, prepare(body));
  return page(body, records);
}

const yieldToBrowser = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Characters parsed between two yields to the browser. */
const PARSE_SLICE = 1_000_000;

/**
 * The body's text parsed a field at a time (the server puts each field on a line of its own),
 * the browser free to draw a frame between slices. Any other layout of valid JSON is parsed
 * at once.
 */
export async function parseColumnsInSlices(text: string): Promise<ColumnsBody> {
  const lines = text.split("\n");
  const first = lines[0] ?? "";
  if (lines.length < 3 || !first.endsWith('"fields":[')) return JSON.parse(text) as ColumnsBody;
  const body = JSON.parse(`${first}]}`) as ColumnsBody;
  let since = first.length;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    if (since > PARSE_SLICE) {
      await yieldToBrowser();
      since = 0;
    }
    since += line.length;
    body.fields.push(
      JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as ColumnsBody["fields"][number],
    );
  }
  return body;
}

/** The body decoded slice by slice, the browser free to draw a frame between slices. */
export async function decodeColumnsInSlices(body: ColumnsBody): Promise<PfaPage> {
  const records: PfaRow[] = [];
  const prepared = prepare(body);
  for (let from = 0; from < body.count; from += SLICE) {
    await yieldToBrowser();
    decodeRange(body, from, Math.min(body.count, from + SLICE), records, prepared);
  }
  return page(body, records);
}
