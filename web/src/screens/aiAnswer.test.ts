import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, narrows, select } from "../state/query";
import { answerFilters, chartOf, recordsLabel } from "./aiAnswer";

describe("chartOf", () => {
  it("charts one label column and one numeric column of 2 to 30 rows", () => {
    const chart = chartOf(
      ["category", "total_forecast_cost"],
      [
        ["Crane", 1200.5],
        ["Generator", 300],
        [null, 4],
      ],
    );
    expect(chart).toEqual({
      label: "category",
      value: "total_forecast_cost",
      data: [
        { name: "Crane", value: 1200.5 },
        { name: "Generator", value: 300 },
        { name: "(none)", value: 4 },
      ],
    });
    expect(
      chartOf(
        ["records", "area"],
        [
          [3, "A01"],
          [4, "A02"],
        ],
      )?.label,
    ).toBe("area");
  });

  it("gives no chart to totals, listings, several measures or too many groups", () => {
    expect(chartOf(["records"], [[3]])).toBeNull();
    expect(chartOf(["category", "n"], [["Crane", 3]])).toBeNull();
    expect(
      chartOf(
        ["category", "n", "cost"],
        [
          ["a", 1, 2],
          ["b", 3, 4],
        ],
      ),
    ).toBeNull();
    expect(
      chartOf(
        ["category", "n"],
        Array.from({ length: 31 }, (_, i) => [`c${i}`, i]),
      ),
    ).toBeNull();
    expect(
      chartOf(
        ["category", "n"],
        [
          ["a", 1],
          ["b", null],
        ],
      ),
    ).toBeNull();
    expect(
      chartOf(
        ["a", "b"],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toBeNull();
    expect(
      chartOf(
        ["pfa_id", "description"],
        [
          ["P1", "x"],
          ["P2", "y"],
        ],
      ),
    ).toBeNull();
  });
});

describe("the answer's records in the grid", () => {
  const data: Record<string, Record<string, unknown>> = {
    a: { category: "Crane" },
    b: { category: "Truck" },
    c: { category: "Crane" },
  };
  const view = (id: string) => data[id];

  it("shows exactly the answer's ids, with every other filter cleared", () => {
    const filters = answerFilters(["c", "a", "zz"]);
    expect(select(Object.keys(data), view, () => false, filters, null)).toEqual(["a", "c"]);
    expect({ ...filters, ids: undefined }).toEqual({ ...EMPTY_FILTERS, ids: undefined });
    expect(select(Object.keys(data), view, () => false, { ...filters, category: "Truck" }, null)).toEqual([]);
  });

  it("a new answer is not a narrowing of the last", () => {
    const first = { ...answerFilters(["a"]), q: "c" };
    expect(narrows(first, { ...answerFilters(["b"]), q: "cr" })).toBe(false);
    expect(narrows(first, { ...first, q: "cr" })).toBe(true);
    expect(narrows(EMPTY_FILTERS, { ...first, q: "cr" })).toBe(false);
  });

  it("labels the count", () => {
    expect(recordsLabel(1)).toBe("1 record");
    expect(recordsLabel(5000)).toBe("5,000 records");
  });
});
