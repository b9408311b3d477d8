/**
 * Many cell values at once (a paste, a fill-down, a bulk change) as ONE sandbox step: each
 * value is checked with the draft rules on its own record; a value the rules refuse is left out
 * and listed with the rules' reason, the others are applied together (one undo step).
 */
import { FIELDS_BY_NAME } from "../domain/fields";
import { type Changes, ValidationFailed, applyChanges } from "../domain/validation";
import type { Json, Rec } from "../domain/values";
import type { Sandbox } from "../state/sandbox";

export interface Proposed {
  recordId: string;
  field: string;
  value: Json;
}

export interface Skipped {
  recordId: string;
  field: string;
  value: Json;
  why: string;
}

export interface Checked {
  accepted: { recordId: string; changes: Changes }[];
  skipped: Skipped[];
}

interface Source {
  readonly sandbox: Sandbox;
  baselineOf(id: string): Rec | undefined;
  stateOf(id: string): string;
  readonly canEdit: boolean;
}

/** Check every proposed value against its record's rules (with the record's other new values). */
export function checkProposals(store: Source, proposals: readonly Proposed[]): Checked {
  const byRecord = new Map<string, Changes>();
  const skipped: Skipped[] = [];
  for (const p of proposals) {
    const field = FIELDS_BY_NAME.get(p.field);
    if (!store.canEdit) skipped.push({ ...p, why: "your role can only read" });
    else if (!field?.editable) skipped.push({ ...p, why: `${field?.label ?? p.field} is not editable` });
    else if (store.stateOf(p.recordId) === "orphaned" || !store.baselineOf(p.recordId)) {
      skipped.push({ ...p, why: "the record was removed from PEMS" });
    } else {
      const changes = byRecord.get(p.recordId) ?? {};
      changes[p.field] = p.value;
      byRecord.set(p.recordId, changes);
    }
  }
  const accepted: Checked["accepted"] = [];
  for (const [recordId, changes] of byRecord) {
    const baseline = store.baselineOf(recordId) ?? {};
    const existing = store.sandbox.draftOf(recordId) ?? {};
    const left: Changes = { ...changes };
    // Drop the refused fields one round at a time: a window rule may only hold once both ends moved.
    while (Object.keys(left).length > 0) {
      try {
        applyChanges(baseline, existing, left);
        accepted.push({ recordId, changes: left });
        break;
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error;
        const bad = Object.keys(error.fields).filter((f) => f in left);
        if (bad.length === 0) {
          for (const f of Object.keys(left))
            skipped.push({ recordId, field: f, value: left[f] ?? null, why: error.message });
          break;
        }
        for (const f of bad) {
          skipped.push({ recordId, field: f, value: left[f] ?? null, why: error.fields[f] ?? "refused" });
          delete left[f];
        }
      }
    }
  }
  return { accepted, skipped };
}

/** Apply what the check accepted as one undo step; returns the number of values applied. */
export function applyChecked(sandbox: Sandbox, label: string, checked: Checked): number {
  if (checked.accepted.length === 0) return 0;
  sandbox.edit(label, checked.accepted);
  return checked.accepted.reduce((n, a) => n + Object.keys(a.changes).length, 0);
}
