import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, SearchIndex, matches, select } from "./query";

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

  it("answers a search alone, other filters beside it, and no filter at all like the plain select", () => {
    const index = new SearchIndex(rows);
    const shown = new Map(rows.map((r) => [r.id, r.data]));
    shown.set("PFA-000003", { ...rows[3]?.data, description: "Crane 10t", category: "Lighting" });
    const view = (id: string) => shown.get(id);
    const except = new Set(["PFA-000003"]);
    const ids = rows.map((r) => r.id);
    const drafted = (id: string) => id === "PFA-000003";
    const cases = [
      { ...EMPTY_FILTERS, q: "crane" }, // the search alone: the index's answer, drafts checked
      { ...EMPTY_FILTERS, q: "crane", category: "Lighting" },
      { ...EMPTY_FILTERS, q: "crane", draftsOnly: true },
      { ...EMPTY_FILTERS, q: "   " }, // blank: no search
      { ...EMPTY_FILTERS, ids: new Set(["PFA-000003", "PFA-000014", "nobody"]) },
      EMPTY_FILTERS,
    ];
    for (const filters of cases) {
      const plain = ids.filter((id) => {
        if (filters.ids && !filters.ids.has(id)) return false;
        const data = view(id);
        return data !== undefined && matches(data, filters, drafted(id));
      });
      expect(select(ids, view, drafted, filters, null, { index, except })).toEqual(plain);
      expect(select(ids, view, drafted, filters, null)).toEqual(plain);
    }
    const all = select(ids, view, drafted, EMPTY_FILTERS, null);
    expect(all).toEqual(ids);
    expect(all).not.toBe(ids); // a copy: the caller may keep it
  });
});
