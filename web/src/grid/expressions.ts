/**
 * The Global Change form's language (after Primavera P6's): conditions on any field, and
 * assignments whose value is an expression — a literal (`2026-12-31`, `PROJECT`, `yes`), another
 * field (`originalEnd`), or a date field or date ± N days / weeks / months
 * (`forecastEnd + 30 days`).
 */
import { FIELDS_BY_NAME } from "../domain/fields";
import { type Json, toBool, toNumber } from "../domain/values";
import { parseDateText, parseInput } from "./parseInput";
import { type Unit, shiftDate } from "./relative";

export type Operator =
  "=" | "≠" | "<" | "≤" | ">" | "≥" | "contains" | "starts with" | "is empty" | "is not empty";
export const OPERATORS: readonly Operator[] = [
  "=",
  "≠",
  "<",
  "≤",
  ">",
  "≥",
  "contains",
  "starts with",
  "is empty",
  "is not empty",
];

export interface Condition {
  field: string;
  op: Operator;
  value: string;
}

export interface Assignment {
  field: string;
  expression: string;
}

type Data = Record<string, unknown>;
export type Evaluate = (data: Data) => Json;

const UNITS: Record<string, Unit> = {
  d: "days",
  day: "days",
  days: "days",
  w: "weeks",
  week: "weeks",
  weeks: "weeks",
  m: "months",
  month: "months",
  months: "months",
};

/** A function computing the assignment's value for a record, or the reason it cannot be read. */
export function compileExpression(field: string, expression: string): Evaluate | string {
  const target = FIELDS_BY_NAME.get(field);
  if (!target) return `unknown field ${field}`;
  const text = expression.trim();
  if (text === "") return `${target.label}: enter a value or an expression`;
  const shift = /^(.+?)\s*([+-])\s*(\d+)\s*([a-z]*)$/i.exec(text);
  if (shift && target.type === "date") {
    const [, base, sign, n, unitText] = shift;
    const unit = UNITS[(unitText ?? "").toLowerCase() || "days"];
    if (!unit) return `${target.label}: unknown unit ${unitText ?? ""} (days, weeks or months)`;
    const amount = Number(n) * (sign === "-" ? -1 : 1);
    const from = FIELDS_BY_NAME.get(base!.trim());
    if (from) {
      if (from.type !== "date") return `${target.label}: ${from.name} is not a date`;
      return (data) => shiftDate(data[from.name], amount, unit);
    }
    const day = parseDateText(base!);
    if (day) return () => shiftDate(day, amount, unit);
    return `${target.label}: cannot read ${base}`;
  }
  const source = FIELDS_BY_NAME.get(text);
  if (source) return (data) => (data[source.name] ?? null) as Json;
  const literal = parseInput(text, target.type, target.choices);
  return () => literal ?? null;
}

function compare(a: unknown, b: string, type: string): number | null {
  if (type === "number") {
    const x = toNumber(a);
    const y = toNumber(b);
    return x === null || y === null ? null : x - y;
  }
  if (a === null || a === undefined || a === "") return null;
  const right = type === "date" ? (parseDateText(b) ?? b) : b;
  const left = String(a);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Does the record meet the condition? */
export function meets(data: Data, c: Condition): boolean {
  const value = data[c.field];
  const type = FIELDS_BY_NAME.get(c.field)?.type ?? (typeof value === "number" ? "number" : "text");
  const empty = value === null || value === undefined || value === "";
  switch (c.op) {
    case "is empty":
      return empty;
    case "is not empty":
      return !empty;
    case "contains":
      return String(value ?? "")
        .toLowerCase()
        .includes(c.value.trim().toLowerCase());
    case "starts with":
      return String(value ?? "")
        .toLowerCase()
        .startsWith(c.value.trim().toLowerCase());
    default:
      break;
  }
  if (type === "bool") {
    const same = toBool(value) === (parseInput(c.value, "bool") === true);
    return c.op === "=" ? same : c.op === "≠" ? !same : false;
  }
  if (type === "text" && (c.op === "=" || c.op === "≠")) {
    const same = String(value ?? "").toLowerCase() === c.value.trim().toLowerCase();
    return c.op === "=" ? same : !same;
  }
  const d = compare(value, c.value.trim(), type);
  if (d === null) return c.op === "≠";
  switch (c.op) {
    case "=":
      return d === 0;
    case "≠":
      return d !== 0;
    case "<":
      return d < 0;
    case "≤":
      return d <= 0;
    case ">":
      return d > 0;
    default:
      return d >= 0;
  }
}
