/**
 * The user's arrangement of the grid's columns: order, hidden ones, widths and how many are
 * pinned (frozen at the left). Kept in the address with the view (so a shared link shows the
 * same columns) and in the browser per organization (so it survives a visit without a link).
 * Pure apart from `loadLayout` / `saveLayout`.
 */
import type { Column } from "./columns";

export interface ColumnLayout {
  /** Column keys in the order shown (columns not listed follow in their default order). */
  order: readonly string[];
  hidden: readonly string[];
  widths: Readonly<Record<string, number>>;
  /** How many leading columns stay frozen at the left (at least 1: the record's id). */
  pinned: number;
}

export const DEFAULT_LAYOUT: ColumnLayout = { order: [], hidden: [], widths: {}, pinned: 1 };
export const MIN_WIDTH = 48;
export const MAX_WIDTH = 800;
const KEY = /^[A-Za-z_][\w.-]{0,63}$/;

const clampWidth = (w: number) => Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w)));

/** The columns as the layout shows them, and how many of them are pinned. */
export function applyLayout(
  columns: readonly Column[],
  layout: ColumnLayout,
): { columns: Column[]; pinned: number } {
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const listed = layout.order.filter((k) => byKey.has(k));
  const seen = new Set(listed);
  const ordered = [...listed, ...columns.map((c) => c.key).filter((k) => !seen.has(k))];
  const hidden = new Set(layout.hidden);
  const shown = ordered
    .filter((k) => !hidden.has(k))
    .map((k) => {
      const c = byKey.get(k) as Column;
      const w = layout.widths[k];
      return w === undefined ? c : { ...c, width: clampWidth(w) };
    });
  const out = shown.length > 0 ? shown : columns.slice(0, 1);
  return { columns: out, pinned: Math.max(1, Math.min(layout.pinned, out.length)) };
}

const keysOf = (columns: readonly Column[], layout: ColumnLayout) =>
  applyLayout(columns, { ...layout, hidden: [] }).columns.map((c) => c.key);

/** `key` moved `by` places (−1: left) among all columns, hidden ones included. */
export function moveColumn(
  columns: readonly Column[],
  layout: ColumnLayout,
  key: string,
  by: number,
): ColumnLayout {
  const keys = keysOf(columns, layout);
  const from = keys.indexOf(key);
  const to = Math.max(0, Math.min(keys.length - 1, from + by));
  if (from < 0 || from === to) return layout;
  keys.splice(to, 0, ...keys.splice(from, 1));
  return { ...layout, order: keys };
}

export function setHidden(layout: ColumnLayout, key: string, hidden: boolean): ColumnLayout {
  const rest = layout.hidden.filter((k) => k !== key);
  return { ...layout, hidden: hidden ? [...rest, key] : rest };
}

export function setWidth(layout: ColumnLayout, key: string, width: number): ColumnLayout {
  return { ...layout, widths: { ...layout.widths, [key]: clampWidth(width) } };
}

/** Pin every shown column up to and including `key` (or, when it is the last pinned one,
 * unpin it). */
export function pinThrough(columns: readonly Column[], layout: ColumnLayout, key: string): ColumnLayout {
  const { columns: shown, pinned } = applyLayout(columns, layout);
  const at = shown.findIndex((c) => c.key === key);
  if (at < 0) return layout;
  return { ...layout, pinned: at + 1 === pinned ? Math.max(1, at) : at + 1 };
}

export const isDefault = (l: ColumnLayout) =>
  l.order.length === 0 && l.hidden.length === 0 && Object.keys(l.widths).length === 0 && l.pinned === 1;

/** The layout as address parameters: `cols` (keys in order), `widths` (key:px), `hide`, `pin`. */
export function layoutToParams(layout: ColumnLayout): [string, string][] {
  const params: [string, string][] = [];
  if (layout.order.length > 0) params.push(["cols", layout.order.join(",")]);
  const widths = Object.entries(layout.widths);
  if (widths.length > 0) params.push(["widths", widths.map(([k, w]) => `${k}:${w}`).join(",")]);
  if (layout.hidden.length > 0) params.push(["hide", layout.hidden.join(",")]);
  if (layout.pinned !== 1) params.push(["pin", String(layout.pinned)]);
  return params;
}

const PARAMS = ["cols", "widths", "hide", "pin"];

/** The layout in an address query, or null when it holds none. Bad parts are left out. */
export function layoutFromQuery(query: string): ColumnLayout | null {
  const params = new URLSearchParams(query.replace(/^\?/, ""));
  if (!PARAMS.some((p) => params.has(p))) return null;
  const list = (name: string) => (params.get(name) ?? "").split(",").filter(Boolean);
  const order = [...new Set(list("cols").filter((k) => KEY.test(k)))];
  const widths: Record<string, number> = {};
  for (const part of list("widths")) {
    const [key = "", width = ""] = part.split(":");
    const w = Number(width);
    if (KEY.test(key) && width !== "" && Number.isFinite(w)) widths[key] = clampWidth(w);
  }
  const hidden = [...new Set(list("hide").filter((k) => KEY.test(k)))];
  const pin = Number(params.get("pin") ?? "1");
  return { order, hidden, widths, pinned: Number.isInteger(pin) && pin >= 1 && pin <= 50 ? pin : 1 };
}

/** The address parameters the layout owns (the view's other parameters are the filters'). */
export const isLayoutParam = (name: string) => PARAMS.includes(name);

const storageKey = (code: string) => `pfa.columns.${code}`;

export function loadLayout(code: string): ColumnLayout {
  try {
    const raw = globalThis.localStorage?.getItem(storageKey(code));
    return (raw && layoutFromQuery(raw)) || DEFAULT_LAYOUT;
  } catch {
    return DEFAULT_LAYOUT;
  }
}

export function saveLayout(code: string, layout: ColumnLayout): void {
  try {
    const query = new URLSearchParams(layoutToParams(layout)).toString();
    if (query) globalThis.localStorage?.setItem(storageKey(code), query);
    else globalThis.localStorage?.removeItem(storageKey(code));
  } catch {
    // private browsing or a full storage: the address still keeps it
  }
}
