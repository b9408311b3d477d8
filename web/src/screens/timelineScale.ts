/**
 * The timeline's scale, as pure functions: days ↔ pixels, the axis labels at a zoom (never
 * closer than MIN_LABEL_GAP pixels, so year and month labels cannot overlap), where a bar sits
 * against the visible part of its lane, and a window dragged by its start, its end or whole.
 */
import { fromDay } from "../domain/values";

export interface Scale {
  /** first day shown (days since 1970-01-01) */
  start: number;
  days: number;
  /** pixels per day */
  px: number;
}

export interface Tick {
  x: number;
  label: string;
  /** a year boundary (drawn stronger) */
  major: boolean;
}

/** The least room a label gets, in pixels ("Sep 2027" fits in it at the axis's font size). */
export const MIN_LABEL_GAP = 40;
const DAYS_PER_MONTH = 30.44;

/** Days since 1970-01-01 of today (UTC). */
export function todayDay(now: number = Date.now()): number {
  return Math.floor(now / 86_400_000);
}

/** The scale covering `first`..`last` (either may be unknown) and always today, with a month
 * of air on both sides so that a bar dragged to an edge stays visible. */
export function scaleFor(first: number | null, last: number | null, px: number, today: number): Scale {
  const start = Math.min(first ?? today - 180, today) - 30;
  const end = Math.max(last ?? today + 540, today) + 30;
  return { start, days: end - start, px };
}

/** Months between labels at this zoom: every month, quarter, half year or year, the first that
 * leaves MIN_LABEL_GAP between labels. */
export function labelStep(px: number): 1 | 3 | 6 | 12 {
  for (const step of [1, 3, 6] as const) if (step * DAYS_PER_MONTH * px >= MIN_LABEL_GAP) return step;
  return 12;
}

const MONTH = (d: Date) => d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });

/** The axis labels: each labelled month boundary's x and its label (the year at January, the
 * month otherwise). */
export function ticks(scale: Scale): Tick[] {
  const step = labelStep(scale.px);
  const out: Tick[] = [];
  const first = new Date(fromDay(scale.start) + "T00:00:00Z");
  const d = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
  const end = scale.start + scale.days;
  while (Math.round(d.getTime() / 86_400_000) <= end) {
    const month = d.getUTCMonth();
    if (month % step === 0) {
      const day = Math.round(d.getTime() / 86_400_000);
      out.push({
        x: (day - scale.start) * scale.px,
        label: month === 0 ? String(d.getUTCFullYear()) : MONTH(d),
        major: month === 0,
      });
    }
    d.setUTCMonth(month + 1);
  }
  return out;
}

/** Where a bar's pixels (lane coordinates) sit against the visible part of the lane: wholly
 * before or after it, running off its left or right edge (or both), or inside. */
export function overflow(
  bar: { left: number; width: number },
  visible: { from: number; to: number },
): { before: boolean; after: boolean } {
  return { before: bar.left < visible.from, after: bar.left + bar.width > visible.to };
}

export type DragMode = "move" | "start" | "end";

/** The window after dragging by `days` in `mode`: the whole window moves, or only its start or
 * only its end (never past the other: a window keeps at least one day). Null when either date
 * is missing. */
export function dragged(
  start: number | null,
  end: number | null,
  days: number,
  mode: DragMode,
): { start: number; end: number } | null {
  if (start === null || end === null) return null;
  if (mode === "move") return { start: start + days, end: end + days };
  if (mode === "start") return { start: Math.min(start + days, end - 1), end };
  return { start, end: Math.max(end + days, start + 1) };
}
