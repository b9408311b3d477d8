/** Relative date changes: shift an ISO date by whole days, weeks or months. */
import { addDays, fromDay, toDay } from "../domain/values";

export type Unit = "days" | "weeks" | "months";

/** `value` moved by `amount` units (a month keeps the day, clamped to the month's last day);
 * null when `value` is no date. */
export function shiftDate(value: unknown, amount: number, unit: Unit): string | null {
  if (unit === "days") return addDays(value, amount);
  if (unit === "weeks") return addDays(value, amount * 7);
  const day = toDay(value);
  if (day === null) return null;
  const d = new Date(day * 86_400_000);
  const months = d.getUTCFullYear() * 12 + d.getUTCMonth() + amount;
  const y = Math.floor(months / 12);
  const m = months - y * 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return fromDay(Math.round(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / 86_400_000));
}
