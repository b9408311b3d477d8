/**
 * Draft rules (docs/domain.md) with the messages of src/pfa_vanguard/domain/drafts.py, so that the
 * grid refuses a bad edit at once with the text the API would send back. Both sides pass the cases
 * of tests/fixtures/domain_rules.json (shared-cases.test.ts here, test_shared_cases.py there).
 */
import { EDITABLE_FIELDS, FIELDS_BY_NAME, MAX_TEXT_LENGTH, WINDOWS } from "./fields";
import { type Json, type Rec, fromDay, pyRepr, sameValue, toBool, toDay } from "./values";

export type Changes = Record<string, Json>;

/** A refused draft: one message per bad field (as the API's 422 `fields`). */
export class ValidationFailed extends Error {
  readonly fields: Record<string, string>;

  constructor(fields: Record<string, string>) {
    super(
      Object.entries(fields)
        .map(([name, why]) => `${name}: ${why}`)
        .join("; "),
    );
    this.name = "ValidationFailed";
    this.fields = fields;
  }
}

export function merge(baseline: Rec, changes: Rec): Record<string, unknown> {
  return { ...baseline, ...changes };
}

/** The years a draft may set a date to: the server's defaults (PFA_DATE_MIN_YEAR /
 * PFA_DATE_MAX_YEAR); a server configured otherwise still refuses with its own range. */
export const DATE_MIN_YEAR = 1990;
export const DATE_MAX_YEAR = 2100;

function typeError(name: string, value: Json): string | null {
  const field = FIELDS_BY_NAME.get(name);
  if (!field) return null;
  if (field.type === "date") {
    if (typeof value !== "string" || toDay(value) === null) {
      return `must be a date as YYYY-MM-DD (ASCII digits), got ${pyRepr(value)}`;
    }
    const year = Number(value.slice(0, 4));
    if (year < DATE_MIN_YEAR || year > DATE_MAX_YEAR) {
      return `must be a date in the years ${DATE_MIN_YEAR} to ${DATE_MAX_YEAR}, got ${pyRepr(value)}`;
    }
  } else if (field.type === "bool") {
    if (typeof value !== "boolean") return `must be true or false, got ${pyRepr(value)}`;
  } else if (field.type === "text") {
    if (typeof value !== "string") return `must be text, got ${pyRepr(value)}`;
    if (field.choices && !field.choices.includes(value)) {
      return `must be one of ${field.choices.join(", ")}, got ${pyRepr(value)}`;
    }
    if (value.length > MAX_TEXT_LENGTH) {
      return `must be at most ${MAX_TEXT_LENGTH} characters, got ${value.length}`;
    }
  }
  return null;
}

/**
 * The new draft after `incoming` is saved over `existing`, validated against `baseline`.
 * Returns only the fields that differ from the baseline (possibly empty: no draft left).
 * Throws ValidationFailed naming every bad field; nothing is applied then.
 */
export function applyChanges(baseline: Rec, existing: Rec, incoming: Changes): Changes {
  const errors: Record<string, string> = {};
  const names = Object.keys(incoming);
  if (names.length === 0) {
    throw new ValidationFailed({ changes: "must be a non-empty object of field: value" });
  }
  for (const name of names) {
    const value = incoming[name] ?? null;
    if (!EDITABLE_FIELDS.includes(name)) {
      errors[name] = `is not editable in a draft; editable fields are: ${EDITABLE_FIELDS.join(", ")}`;
    } else if (value !== null) {
      const why = typeError(name, value);
      if (why !== null) errors[name] = why;
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);

  const changes: Changes = { ...(existing as Changes) };
  for (const name of names) {
    const value = incoming[name] ?? null;
    if (value === null || sameValue(value, baseline[name])) delete changes[name];
    else changes[name] = value;
  }
  Object.assign(errors, ruleErrors(baseline, changes));
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);
  return changes;
}

function ruleErrors(baseline: Rec, changes: Changes): Record<string, string> {
  const errors: Record<string, string> = {};
  const merged = merge(baseline, changes);
  for (const [window, [startField, endField]] of Object.entries(WINDOWS)) {
    if (!(startField in changes) && !(endField in changes)) continue;
    const start = toDay(merged[startField]);
    const end = toDay(merged[endField]);
    if (start !== null && end !== null && start > end) {
      const bad = endField in changes ? endField : startField;
      errors[bad] =
        `the ${window} window would start (${fromDay(start)}) after it ends (${fromDay(end)}); ` +
        `${startField} must not be after ${endField}`;
    }
  }
  if (changes.isDiscontinued === false && toBool(baseline.isDiscontinued)) {
    errors.isDiscontinued = "a discontinued record cannot be reactivated";
  }
  if ("actualEnd" in changes) {
    if (!toBool(baseline.isActualized)) {
      errors.actualEnd = "may only be changed on an actualized record";
    } else {
      const before = toDay(baseline.actualEnd);
      const after = toDay(changes.actualEnd);
      if (before !== null && after !== null && after <= before) {
        errors.actualEnd = `may only move later than ${fromDay(before)}, got ${fromDay(after)}`;
      }
    }
  }
  return errors;
}
