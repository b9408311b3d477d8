/** Display formatting shared by the screens. */

const money0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const money2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat("en-US");

export const fmtMoney = (n: number | null | undefined): string =>
  n === null || n === undefined || Number.isNaN(n) ? "" : money0.format(n);

export const fmtMoneyExact = (n: number | null | undefined): string =>
  n === null || n === undefined || Number.isNaN(n) ? "" : money2.format(n);

export const fmtCount = (n: number | null | undefined): string =>
  n === null || n === undefined ? "" : count.format(n);

export function fmtSigned(n: number): string {
  const s = fmtMoney(Math.abs(n));
  return n > 0 ? `+${s}` : n < 0 ? `−${s}` : "0";
}

export function fmtPct(n: number): string {
  return `${n > 0 ? "+" : ""}${n.toFixed(1)}%`;
}

export function fmtValue(value: unknown, type?: string): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (type === "number" && typeof value === "number") return money2.format(value);
  if (type === "money" && typeof value === "number") return money0.format(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const minutes = Math.max(0, Math.floor((now - t) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export function minutesSince(iso: string | null | undefined, now = Date.now()): number | null {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? null : (now - t) / 60_000;
}

/** "now", "in 5 min", "in 3 h", "on <date>": when something is due. */
export function until(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "not scheduled";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const minutes = Math.ceil((t - now) / 60_000);
  if (minutes <= 0) return "now";
  if (minutes < 120) return `in ${minutes} min`;
  if (minutes < 48 * 60) return `in ${Math.round(minutes / 60)} h`;
  return `on ${new Date(t).toLocaleDateString()}`;
}
