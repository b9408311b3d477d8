import { describe, expect, it } from "vitest";
import { describeChanges, sameRecord, withoutDerived } from "./freshness";

describe("freshness helpers", () => {
  it("says what a refresh brought, and nothing when nothing happened", () => {
    expect(describeChanges({ updated: 14, conflicts: 1, removed: 0, reloaded: false })).toBe(
      "14 records updated from PEMS · 1 conflict with your drafts",
    );
    expect(describeChanges({ updated: 1, conflicts: 0, removed: 2, reloaded: false })).toBe(
      "1 record updated from PEMS · 2 records removed in PEMS",
    );
    expect(describeChanges({ updated: 0, conflicts: 0, removed: 0, reloaded: false })).toBe("");
  });

  it("compares stored values only", () => {
    const a = { pfaId: "A", forecastEnd: "2025-01-31", planCost: 10, note: null };
    expect(sameRecord(a, { forecastEnd: "2025-01-31", pfaId: "A", planCost: 99 })).toBe(true);
    expect(sameRecord(a, { pfaId: "A", forecastEnd: "2025-02-01" })).toBe(false);
    expect(withoutDerived(a)).toEqual({ pfaId: "A", forecastEnd: "2025-01-31", note: null });
  });
});
