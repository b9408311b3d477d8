/** Small pure helpers for keeping an open organization fresh (OrgStore.poll). */
import { DERIVED_FIELDS } from "../domain/fields";
import type { Rec } from "../domain/values";

/** What one refresh brought, and the sentence the screen shows for it ("" when nothing). */
export interface ChangeSummary {
  updated: number;
  conflicts: number;
  removed: number;
  reloaded: boolean;
  text: string;
}

/** Milliseconds between two delta reads while the page is visible. */
export const POLL_MS = 12_000;

const DERIVED = new Set(DERIVED_FIELDS);

/** A record without the fields the API derives (the sandbox's baselines hold stored fields only). */
export function withoutDerived(data: Rec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!DERIVED.has(k)) out[k] = v;
  return out;
}

/** Same stored values (derived fields and key order ignored). */
export function sameRecord(a: Rec, b: Rec): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (DERIVED.has(k)) continue;
    const x = a[k] ?? null;
    const y = b[k] ?? null;
    if (x !== y && JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "14 records updated from PEMS · 1 conflict with your drafts" (empty when nothing happened). */
export function describeChanges(s: Omit<ChangeSummary, "text">): string {
  const parts: string[] = [];
  if (s.updated > 0) parts.push(`${plural(s.updated, "record", "records")} updated from PEMS`);
  if (s.removed > 0) parts.push(`${plural(s.removed, "record", "records")} removed in PEMS`);
  if (s.conflicts > 0) parts.push(`${plural(s.conflicts, "conflict", "conflicts")} with your drafts`);
  return parts.join(" · ");
}
