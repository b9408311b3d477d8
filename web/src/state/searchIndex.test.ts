import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, SearchIndex, select } from "./query";

const rows = Array.from({ length: 500 }, (_, i) => ({
  id: `PFA-${String(i).padStart(6, "0")}`,
  data: {
    pfaId: `PFA-${String(i).padStart(6, "0")}`,
    description: i % 7 === 0 ? "Crane 50t" : "Light tower",
    category: i % 3 === 0 ? "Cranes" : "Lighting",
    equipment: `EQ-${i}`,
  } as Record<string, unknown>,
}));

describe("SearchIndex", () => {
  it("finds every record whose text holds the search, once", () => {
    const index = new SearchIndex(rows);
    const found = index.candidates("  CRANE ");
    const expected = rows.filter((r) => /crane/i.test(`${r.data.description} ${r.data.category}`));
    expect(rows.filter((r) => found.has(r.id))).toEqual(expected);
    expect(found.size).toBe(expected.length);
    expect(found.has("nobody")).toBe(false);
    expect(index.candidates("").size).toBe(rows.length);
    expect(index.candidates("eq-49").size).toBe(11); // EQ-49, EQ-490..499
    expect(index.candidates("no such thing").size).toBe(0);
  });

  it("gives select the same answer as without it, shown values that differ included", () => {
    const index = new SearchIndex(rows);
    const shown = new Map(rows.map((r) => [r.id, r.data]));
    // Drafts: one record's description changed after indexing, one no longer matching.
    shown.set("PFA-000001", { ...rows[1]?.data, description: "Crane 100t" });
    shown.set("PFA-000007", { ...rows[7]?.data, description: "Pump" });
    const view = (id: string) => shown.get(id);
    const except = new Set(["PFA-000001", "PFA-000007"]);
    const ids = rows.map((r) => r.id);
    for (const q of ["crane", "lighting", "PFA-00000", "100t", "pump", "zz"]) {
      const filters = { ...EMPTY_FILTERS, q, category: q === "crane" ? "Cranes" : "" };
      const sort = { field: "description", dir: "desc" as const };
      const plain = select(ids, view, () => false, filters, sort);
      expect(select(ids, view, () => false, filters, sort, { index, except })).toEqual(plain);
    }
    expect(select(ids, view, () => false, { ...EMPTY_FILTERS, q: "100t" }, null, { index, except })).toEqual([
      "PFA-000001",
    ]);
  });
});
