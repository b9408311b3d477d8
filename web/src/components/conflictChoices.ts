/**
 * What the conflict dialog sends for a record: which fields only PEMS changed, and the strategy
 * and per-field choices of a resolution. Pure, so it is tested without a browser.
 */
import type { RecordConflict, ResolveStrategy } from "../api/types";

export type Choice = "mine" | "theirs";

export const chooseAll = (c: RecordConflict, choice: Choice): Record<string, Choice> =>
  Object.fromEntries(Object.keys(c.fields).map((f) => [f, choice]));

/** The fields only PEMS changed on a record: the server's list (every change since the draft
 * began), else what this screen saw PEMS change while it was open. */
export function pemsOnlyChanges(
  c: RecordConflict,
  seenHere: Record<string, { before: unknown; theirs: unknown }>,
): Record<string, { base: unknown; theirs: unknown }> {
  const out: Record<string, { base: unknown; theirs: unknown }> = {};
  for (const [f, v] of Object.entries(seenHere))
    if (!(f in c.fields)) out[f] = { base: v.before, theirs: v.theirs };
  for (const [f, v] of Object.entries(c.pemsChanged ?? {})) out[f] = { base: v.base, theirs: v.theirs };
  return out;
}

/** What to send for a record: the strategy and, when anything is chosen field by field, every
 * choice (conflicts and the fields only PEMS changed set back to the value seen before). */
export function resolution(
  strategy: ResolveStrategy,
  conflictChoices: Record<string, Choice>,
  otherChoices: Record<string, Choice>,
): { strategy: ResolveStrategy; fields?: Record<string, Choice> } {
  if (strategy === "use_theirs") return { strategy };
  const back = Object.entries(otherChoices).filter(([, c]) => c === "mine");
  if (strategy === "keep_mine" && back.length === 0) return { strategy };
  const forConflicts =
    strategy === "keep_mine"
      ? Object.fromEntries(Object.keys(conflictChoices).map((f) => [f, "mine" as Choice]))
      : conflictChoices;
  return { strategy: "merge", fields: { ...forConflicts, ...Object.fromEntries(back) } };
}
