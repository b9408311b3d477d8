import { describe, expect, it } from "vitest";
import { toDay } from "../domain/values";
import { MIN_LABEL_GAP, dragged, labelStep, overflow, scaleFor, ticks } from "./timelineScale";

const day = (iso: string) => toDay(iso) as number;
const ZOOMS = [0.25, 0.5, 1, 2, 6, 12];

describe("the timeline's scale", () => {
  it("always covers today, with air on both sides", () => {
    const today = day("2026-12-04");
    const s = scaleFor(day("2024-01-01"), day("2025-06-30"), 2, today);
    expect(s.start).toBe(day("2024-01-01") - 30);
    expect(s.start + s.days).toBe(today + 30);
    const none = scaleFor(null, null, 2, today);
    expect(none.start).toBeLessThan(today);
    expect(none.start + none.days).toBeGreaterThan(today);
  });

  it.each(ZOOMS)("never puts two axis labels closer than the room a label needs (%s px/day)", (px) => {
    const t = ticks({ start: day("2023-11-17"), days: 2000, px });
    expect(t.length).toBeGreaterThan(2);
    for (let i = 1; i < t.length; i++) {
      expect(t[i]!.x - t[i - 1]!.x).toBeGreaterThanOrEqual(MIN_LABEL_GAP - 1);
    }
  });

  it("labels years at January and months, quarters or halves between, by zoom", () => {
    expect(labelStep(2)).toBe(1);
    expect(labelStep(1)).toBe(3);
    expect(labelStep(0.25)).toBe(6);
    expect(labelStep(0.2)).toBe(12);
    const t = ticks({ start: day("2025-11-01"), days: 120, px: 2 });
    expect(t.map((x) => x.label)).toEqual(["Dec", "2026", "Feb", "Mar"]);
    expect(t.find((x) => x.label === "2026")?.major).toBe(true);
    const years = ticks({ start: day("2023-06-01"), days: 1000, px: 0.2 });
    expect(years.map((x) => x.label)).toEqual(["2024", "2025", "2026"]);
  });

  it("tells a bar running off either edge of the view", () => {
    const view = { from: 100, to: 500 };
    expect(overflow({ left: 10, width: 50 }, view)).toEqual({ before: true, after: false });
    expect(overflow({ left: 450, width: 100 }, view)).toEqual({ before: false, after: true });
    expect(overflow({ left: 50, width: 600 }, view)).toEqual({ before: true, after: true });
    expect(overflow({ left: 200, width: 100 }, view)).toEqual({ before: false, after: false });
  });

  it("drags the whole window, only its start or only its end, never past the other end", () => {
    expect(dragged(100, 130, 7, "move")).toEqual({ start: 107, end: 137 });
    expect(dragged(100, 130, 7, "start")).toEqual({ start: 107, end: 130 });
    expect(dragged(100, 130, -7, "end")).toEqual({ start: 100, end: 123 });
    expect(dragged(100, 130, 60, "start")).toEqual({ start: 129, end: 130 });
    expect(dragged(100, 130, -60, "end")).toEqual({ start: 100, end: 101 });
    expect(dragged(null, 130, 1, "move")).toBeNull();
  });
});
