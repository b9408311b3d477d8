/**
 * Text a person typed or pasted (from a spreadsheet) → the value of a field: dates in ISO or in
 * the user's locale order (3/15/2026, 15.03.2026, 15-Mar-2026), yes/no for flags, choices in any
 * case. What cannot be read is returned as the text itself, so the draft rules refuse it with
 * the API's own message.
 */
import type { FieldType } from "../domain/fields";
import type { Json } from "../domain/values";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** "dmy" or "mdy": the order of day and month in the locale's short dates. */
export function localeDateOrder(locale?: string): "dmy" | "mdy" | "ymd" {
  const parts = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(Date.UTC(2026, 10, 22)));
  const order = parts
    .filter((p) => p.type === "day" || p.type === "month" || p.type === "year")
    .map((p) => p.type[0]);
  const key = order.join("");
  return key === "mdy" ? "mdy" : key === "ymd" ? "ymd" : "dmy";
}

const pad = (n: number) => String(n).padStart(2, "0");

function iso(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 100) y += 2000;
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return null;
  return `${String(y).padStart(4, "0")}-${pad(m)}-${pad(d)}`;
}

/** An ISO date read from typed or pasted text, or null when the text is no date. */
export function parseDateText(text: string, order: "dmy" | "mdy" | "ymd" = localeDateOrder()): string | null {
  const t = text.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(t);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = Number(m[3]);
    // Dots are day-first everywhere; otherwise the locale decides, unless only one reading is a date.
    const dayFirst = t.includes(".") || order === "dmy" ? b <= 12 || a > 12 : a > 12;
    return dayFirst ? iso(y, b, a) : iso(y, a, b);
  }
  m = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*\.?[- ,]+(\d{2}|\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
    return month ? iso(Number(m[3]), month, Number(m[1])) : null;
  }
  m = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
    return month ? iso(Number(m[3]), month, Number(m[2])) : null;
  }
  return null;
}

const YES = new Set(["true", "yes", "y", "1", "-1", "x", "✓"]);
const NO = new Set(["false", "no", "n", "0", ""]);

/** The value of a field of type `type` from text; undefined when the text is empty. */
export function parseInput(
  text: string,
  type: FieldType | "money",
  choices?: readonly string[],
): Json | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (type === "date") return parseDateText(t) ?? t;
  if (type === "bool") {
    const k = t.toLowerCase();
    return YES.has(k) ? true : NO.has(k) ? false : t;
  }
  if (choices) return choices.find((c) => c.toLowerCase() === t.toLowerCase()) ?? t;
  return t;
}
