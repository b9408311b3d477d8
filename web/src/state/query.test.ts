import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, narrows, overlaps, sameBesideSearch, searchText, select } from "./query";

const data: Record<string, Record<string, unknown>> = {
  a: {
    pfaId: "a",
    category: "Crane",
    source: "Rental",
    forecastStart: "2025-01-01",
    forecastEnd: "2025-03-01",
    planCost: 5,
  },
  b: {
    pfaId: "b",
    category: "Truck",
    source: "Purchase",
    forecastStart: "2025-04-01",
    forecastEnd: "2025-05-01",
    planCost: 1,
  },
  c: { pfaId: "c", category: "Crane", source: "Purchase", description: "Big crane", planCost: null },
};
const ids = Object.keys(data);
const view = (id: string) => data[id];

describe("select", () => {
  it("filters on field values and text", () => {
    expect(select(ids, view, () => false, { ...EMPTY_FILTERS, category: "Crane" }, null)).toEqual(["a", "c"]);
    expect(select(ids, view, () => false, { ...EMPTY_FILTERS, q: "big" }, null)).toEqual(["c"]);
    expect(select(ids, view, (id) => id === "b", { ...EMPTY_FILTERS, draftsOnly: true }, null)).toEqual([
      "b",
    ]);
  });

  it("filters on forecast windows that overlap the range", () => {
    expect(
      select(ids, view, () => false, { ...EMPTY_FILTERS, from: "2025-02-15", to: "2025-04-15" }, null),
    ).toEqual(["a", "b"]);
    expect(overlaps("2025-01-01", "2025-01-31", "2025-02-01", "")).toBe(false);
    expect(overlaps("2025-01-01", "2025-01-31", "", "2025-01-01")).toBe(true);
  });

  it("sorts both ways with empty values last", () => {
    expect(select(ids, view, () => false, EMPTY_FILTERS, { field: "planCost", dir: "asc" })).toEqual([
      "b",
      "a",
      "c",
    ]);
    expect(select(ids, view, () => false, EMPTY_FILTERS, { field: "planCost", dir: "desc" })).toEqual([
      "a",
      "b",
      "c",
    ]);
  });
});

describe("search", () => {
  it("matches any text field, case-insensitively", () => {
    expect(searchText({ pfaId: "PFA-1", description: "Big Crane" })).toContain("big crane");
    expect(select(ids, view, () => false, { ...EMPTY_FILTERS, q: "CRANE" }, null)).toEqual(["a", "c"]);
  });

  it("searches the API's fields in its order, joined as it joins them (absent values left out)", () => {
    const record = {
      pfaId: "PFA-7",
      description: "Generator 60kVA",
      category: "Generator",
      forecastCategory: "Crane", // searched by the API too: the grid must find it
      areaSilo: "A01 Process Train 1",
      class: null,
      equipment: undefined,
      manufacturer: "Caterpillar",
      model: "C9",
      contract: "RIO-MEC-001",
      planCost: 5,
    };
    expect(searchText(record)).toBe(
      "pfa-7 generator 60kva generator crane a01 process train 1 caterpillar c9 rio-mec-001",
    );
    const found = select(
      ["r"],
      () => record,
      () => false,
      { ...EMPTY_FILTERS, q: "crane" },
      null,
    );
    expect(found).toEqual(["r"]);
  });

  it("knows when a longer search only narrows the last result", () => {
    expect(narrows({ ...EMPTY_FILTERS, q: "pf" }, { ...EMPTY_FILTERS, q: "pfa" })).toBe(true);
    expect(narrows({ ...EMPTY_FILTERS, q: "pfa" }, { ...EMPTY_FILTERS, q: "pf" })).toBe(false);
    expect(narrows({ ...EMPTY_FILTERS, q: "pf" }, { ...EMPTY_FILTERS, q: "pfa", source: "Rental" })).toBe(
      false,
    );
  });
});

describe("sameBesideSearch", () => {
  it("holds when only the search text differs, in either direction", () => {
    expect(sameBesideSearch({ ...EMPTY_FILTERS, q: "cra" }, { ...EMPTY_FILTERS, q: "cr" })).toBe(true);
    expect(sameBesideSearch(EMPTY_FILTERS, { ...EMPTY_FILTERS, q: "x" })).toBe(true);
    expect(sameBesideSearch(EMPTY_FILTERS, { ...EMPTY_FILTERS, category: "Crane" })).toBe(false);
    expect(sameBesideSearch(EMPTY_FILTERS, { ...EMPTY_FILTERS, columns: { dor: ["BEO", "PROJECT"] } })).toBe(
      false,
    );
    expect(sameBesideSearch(EMPTY_FILTERS, { ...EMPTY_FILTERS, draftsOnly: true })).toBe(false);
  });
});
