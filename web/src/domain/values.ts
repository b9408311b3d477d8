/** Lenient value parsing with the semantics of domain/values.py (and the SQL pfa_to_* functions). */

export type Json = string | number | boolean | null;
export type Rec = Readonly<Record<string, unknown>>;

// ASCII digits only (as Python and SQL read them), years PARSE_MIN_YEAR..PARSE_MAX_YEAR.
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/;
export const PARSE_MIN_YEAR = 1900;
export const PARSE_MAX_YEAR = 2199;
/** Numbers of a larger magnitude are no number (domain/values.py MAX_NUMBER). */
export const MAX_NUMBER = 1e12;
const TRUE = new Set(["-1", "true", "+", "yes", "y", "1"]);

/** Days since the epoch of an ISO `YYYY-MM-DD` string, or null when it is not a real date. */
export function toDay(value: unknown): number | null {
  if (typeof value !== "string" || !DATE.test(value)) return null;
  const y = Number(value.slice(0, 4));
  if (y < PARSE_MIN_YEAR || y > PARSE_MAX_YEAR) return null;
  const m = Number(value.slice(5, 7));
  const d = Number(value.slice(8, 10));
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    return null;
  }
  return Math.round(t / 86_400_000);
}

/** The ISO date of a day number (inverse of toDay). */
export function fromDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Shift an ISO date by whole days; null when the input is not a date. */
export function addDays(value: unknown, days: number): string | null {
  const day = toDay(value);
  return day === null ? null : fromDay(day + days);
}

export function toNumber(value: unknown): number | null {
  let n: number | null = null;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && NUMBER.test(value.replace(/^ +| +$/g, ""))) {
    n = Number(value.replace(/^ +| +$/g, ""));
  }
  return n !== null && Number.isFinite(n) && Math.abs(n) <= MAX_NUMBER ? n : null;
}

export function toBool(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "boolean") return value;
  return TRUE.has(String(value).trim().toLowerCase());
}

/** Python's repr() of a JSON value, so that messages match the API's (tests/fixtures/domain_rules.json). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") {
    return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : String(value);
  }
  if (typeof value === "string") {
    const useDouble = value.includes("'") && !value.includes('"');
    const quote = useDouble ? '"' : "'";
    const body = value
      .replace(/\\/g, "\\\\")
      .replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t");
    return quote + (useDouble ? body : body.replace(/'/g, "\\'")) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
  return String(value);
}

/** Equality of two JSON scalars as drafts compare them (baseline value vs draft value). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return false;
}
