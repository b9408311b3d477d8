import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, inWindow } from "./query";
import { fromQuery, hashQuery, toQuery } from "./urlView";

describe("the view in the address", () => {
  it("round-trips filters and sort", () => {
    const filters = {
      ...EMPTY_FILTERS,
      category: "Crane",
      area: "A01",
      from: "2026-01-01",
      to: "2026-12-31",
      dateMode: "ends" as const,
      q: "tower",
      draftsOnly: true,
    };
    const sort = { field: "forecastEnd", dir: "desc" as const };
    const query = toQuery(filters, sort);
    expect(query).toBe(
      "category=Crane&area=A01&from=2026-01-01&to=2026-12-31&dateMode=ends&q=tower&hasDraft=true&sort=-forecastEnd",
    );
    expect(fromQuery(query)).toEqual({ filters, sort });
  });
  it("keeps the column the rows are grouped by (the API ignores it)", () => {
    const query = toQuery({ ...EMPTY_FILTERS, category: "Crane" }, null, "areaSilo");
    expect(query).toBe("category=Crane&group=areaSilo");
    expect(fromQuery(query)).toEqual({
      filters: { ...EMPTY_FILTERS, category: "Crane" },
      sort: null,
      group: "areaSilo",
    });
    expect(fromQuery("group=drop%20table")).toEqual({ filters: EMPTY_FILTERS, sort: null });
  });
  it("is empty for the default view and ignores what it does not know", () => {
    expect(toQuery(EMPTY_FILTERS, null)).toBe("");
    expect(fromQuery("from=soon&dateMode=during&x=1")).toEqual({ filters: EMPTY_FILTERS, sort: null });
    expect(hashQuery("#/org/RIO/grid?category=Crane")).toBe("category=Crane");
    expect(hashQuery("#/org/RIO/grid")).toBe("");
  });
});

describe("date filters say what they select", () => {
  const record = { forecastStart: "2025-11-15", forecastEnd: "2026-03-01" };
  const range = { from: "2026-01-01", to: "2026-12-31" };
  it("overlaps: the window meets the range", () => {
    expect(inWindow(record, { ...range, dateMode: "overlaps" })).toBe(true);
  });
  it("starts in / ends in: its start / end falls in the range", () => {
    expect(inWindow(record, { ...range, dateMode: "starts" })).toBe(false);
    expect(inWindow(record, { ...range, dateMode: "ends" })).toBe(true);
  });
});
