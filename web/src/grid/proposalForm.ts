/**
 * An AI change proposal as a Global Change form to review and finish: the proposal's records as
 * the scope, the values they share as conditions, and per changed field the expression that
 * explains every proposed value ("forecastEnd + 14 days", a value set on all of them) — or an
 * empty expression to fill in where no single one does. Pure, so it is tested without a browser.
 */
import type { AiProposal } from "../api/types";
import { FIELDS_BY_NAME } from "../domain/fields";
import type { Assignment, Condition } from "./expressions";

export interface ProposalForm {
  ids: string[];
  where: Condition[];
  assign: Assignment[];
}

/** The fields whose shared value makes a readable condition. */
const CONDITION_FIELDS = ["category", "areaSilo", "source", "dor", "forecastCategory"];
const DAY_MS = 86_400_000;

const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

function months(from: string, to: string): number | null {
  if (from.slice(8) !== to.slice(8)) return null;
  const [fy, fm] = from.split("-").map(Number);
  const [ty, tm] = to.split("-").map(Number);
  if (fy === undefined || fm === undefined || ty === undefined || tm === undefined) return null;
  return (ty - fy) * 12 + (tm - fm);
}

const signed = (field: string, n: number, unit: string) =>
  n === 0 ? field : `${field} ${n < 0 ? "-" : "+"} ${Math.abs(n)} ${unit}`;

function literal(value: unknown): string {
  if (value === true) return "yes";
  if (value === false) return "no";
  return value === null || value === undefined ? "" : String(value);
}

/** The expression every proposed value of `field` follows, or "" when none does. */
function expressionFor(field: string, pairs: { before: unknown; after: unknown }[]): string {
  const first = pairs[0];
  if (!first) return "";
  if (pairs.every((p) => p.after === first.after)) return literal(first.after);
  if (FIELDS_BY_NAME.get(field)?.type !== "date") return "";
  const dated = pairs.every((p) => typeof p.before === "string" && typeof p.after === "string");
  if (!dated) return "";
  const text = pairs as { before: string; after: string }[];
  const d = days(text[0]!.before, text[0]!.after);
  if (text.every((p) => days(p.before, p.after) === d)) {
    return d % 7 === 0 && d !== 0 ? signed(field, d / 7, "weeks") : signed(field, d, "days");
  }
  const m = months(text[0]!.before, text[0]!.after);
  if (m !== null && text.every((p) => months(p.before, p.after) === m)) return signed(field, m, "months");
  return "";
}

export function formFromProposal(
  proposal: AiProposal,
  view: (id: string) => Record<string, unknown> | undefined,
  chosen?: ReadonlySet<string>,
): ProposalForm {
  const changes = proposal.changes.filter((c) => !chosen || chosen.has(c.recordId));
  const ids = changes.map((c) => c.recordId);
  const fields = [...new Set(changes.flatMap((c) => Object.keys(c.changes)))];
  const assign = fields.map((field) => ({
    field,
    expression: expressionFor(
      field,
      changes
        .filter((c) => field in c.changes)
        .map((c) => ({ before: c.base[field] ?? view(c.recordId)?.[field], after: c.changes[field] })),
    ),
  }));
  const records = ids.map((id) => view(id) ?? {});
  const where: Condition[] = [];
  for (const field of CONDITION_FIELDS) {
    if (fields.includes(field) || records.length === 0) continue;
    const value = records[0]?.[field];
    if (typeof value === "string" && value && records.every((r) => r[field] === value)) {
      where.push({ field, op: "=", value });
    }
  }
  return { ids, where, assign };
}
