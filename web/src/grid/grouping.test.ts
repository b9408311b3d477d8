import { describe, expect, it } from "vitest";
import { NO_VALUE, groupRows } from "./grouping";

const DATA: Record<string, Record<string, unknown>> = {
  a: { category: "Crane", planCost: 100, forecastCost: 150, actualCost: 20 },
  b: { category: "Generator", planCost: 50, forecastCost: 40, actualCost: 0 },
  c: { category: "Crane", planCost: 10, forecastCost: 10, actualCost: 0, isDiscontinued: true },
  d: { planCost: 1, forecastCost: 2, actualCost: 3 },
  e: { category: "Crane", planCost: 0.1, forecastCost: 0.2, actualCost: 0 },
};
const view = (id: string) => DATA[id];

describe("grouping rows by a column", () => {
  it("puts a header with the group's count and totals before its records", () => {
    const model = groupRows(["e", "b", "a", "d", "c"], view, "category");
    expect(model.items.map((i) => (i.kind === "group" ? `[${i.key}]` : i.id))).toEqual([
      "[Crane]",
      "e",
      "a",
      "c",
      "[Generator]",
      "b",
      `[${NO_VALUE}]`,
      "d",
    ]);
    const crane = model.items[0]!;
    expect(crane).toMatchObject({
      kind: "group",
      count: 3,
      excluded: 1, // discontinued: left out of the totals as every figure does
      totals: { plan: 100.1, forecast: 150.2, actual: 20, variance: 50.1 },
      collapsed: false,
    });
    expect(model.ids).toEqual(["e", "a", "c", "b", "d"]);
    // the grid's row index of each record and the item it is drawn at agree
    model.ids.forEach((id, index) => {
      expect(model.items[model.itemOf[index]!]).toEqual({ kind: "record", id, index });
    });
  });

  it("leaves a collapsed group's records out, keeping its header and totals", () => {
    const model = groupRows(["a", "b", "c"], view, "category", new Set(["Crane"]));
    expect(model.items.map((i) => (i.kind === "group" ? `[${i.key}]` : i.id))).toEqual([
      "[Crane]",
      "[Generator]",
      "b",
    ]);
    expect(model.items[0]).toMatchObject({ collapsed: true, count: 2, totals: { forecast: 150 } });
    expect(model.ids).toEqual(["b"]);
    expect(model.itemOf).toEqual([2]);
  });

  it("is empty for no records", () => {
    expect(groupRows([], view, "category")).toEqual({ items: [], ids: [], itemOf: [] });
  });
});
