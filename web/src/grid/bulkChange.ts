/**
 * A bulk change of many records ("shift the forecast end by 30 days", "set DOR to PROJECT",
 * "discontinue"): the proposed values per record, then the preview the dialog shows (before →
 * after, forecast cost impact) from the values the draft rules accept.
 */
import { recordCosts, countsInKpi } from "../domain/costs";
import type { Json, Rec } from "../domain/values";
import { type Checked, type Proposed, checkProposals } from "./bulkEdit";
import { type Unit, shiftDate } from "./relative";
import type { Sandbox } from "../state/sandbox";
import { type Condition, type Evaluate, meets } from "./expressions";

export type BulkAction =
  | { kind: "shift"; fields: readonly string[]; amount: number; unit: Unit }
  | { kind: "set"; field: string; value: Json }
  | { kind: "discontinue" }
  /** Global Change: the records meeting every condition get every assignment. */
  | {
      kind: "global";
      where: readonly Condition[];
      set: readonly { field: string; evaluate: Evaluate; text: string }[];
    };

export interface PreviewRow {
  recordId: string;
  pfaId: string;
  description: string;
  fields: { name: string; before: unknown; after: unknown }[];
  costBefore: number;
  costAfter: number;
}

export interface Preview extends Checked {
  rows: PreviewRow[];
  impact: number;
  /** Records the action leaves as they are (e.g. already discontinued). */
  unchanged: number;
}

interface Source {
  readonly sandbox: Sandbox;
  readonly canEdit: boolean;
  baselineOf(id: string): Rec | undefined;
  stateOf(id: string): string;
  view(id: string): Record<string, unknown> | undefined;
}

export function describeAction(a: BulkAction, label: (field: string) => string): string {
  if (a.kind === "discontinue") return "discontinue";
  if (a.kind === "global")
    return `global change: ${a.set.map((s) => `${label(s.field)} = ${s.text}`).join(", ")}`;
  if (a.kind === "set") return `set ${label(a.field)} to ${String(a.value)}`;
  const sign = a.amount >= 0 ? "+" : "−";
  return `shift ${a.fields.map(label).join(" and ")} by ${sign}${Math.abs(a.amount)} ${a.unit}`;
}

function propose(a: BulkAction, id: string, data: Record<string, unknown>): Proposed[] {
  if (a.kind === "discontinue")
    return data.isDiscontinued === true ? [] : [{ recordId: id, field: "isDiscontinued", value: true }];
  if (a.kind === "set") return [{ recordId: id, field: a.field, value: a.value }];
  if (a.kind === "global") {
    if (!a.where.every((c) => meets(data, c))) return [];
    // Every assignment reads the record as it was (P6: the expressions see the old values).
    return a.set
      .map((s) => ({ recordId: id, field: s.field, value: s.evaluate(data) }))
      .filter((p) => p.value !== null && p.value !== data[p.field]);
  }
  const out: Proposed[] = [];
  for (const field of a.fields) {
    const after = shiftDate(data[field], a.amount, a.unit);
    if (after !== null && after !== data[field]) out.push({ recordId: id, field, value: after });
  }
  return out;
}

/** What `action` would do to `ids` (nothing is applied). */
export function previewBulk(store: Source, ids: readonly string[], action: BulkAction): Preview {
  const proposals: Proposed[] = [];
  let unchanged = 0;
  for (const id of ids) {
    const data = store.view(id);
    const p = data ? propose(action, id, data) : [];
    if (p.length === 0) unchanged += 1;
    proposals.push(...p);
  }
  const checked = checkProposals(store, proposals);
  let impact = 0;
  const rows: PreviewRow[] = checked.accepted.map(({ recordId, changes }) => {
    const before = store.view(recordId) ?? {};
    const after = { ...before, ...changes };
    const costBefore = recordCosts(before).forecast;
    const costAfter = recordCosts(after).forecast;
    impact += (countsInKpi(after) ? costAfter : 0) - (countsInKpi(before) ? costBefore : 0);
    return {
      recordId,
      pfaId: String(before.pfaId ?? recordId),
      description: String(before.description ?? ""),
      fields: Object.keys(changes).map((name) => ({ name, before: before[name], after: changes[name] })),
      costBefore,
      costAfter,
    };
  });
  return { ...checked, rows, impact, unchanged };
}
