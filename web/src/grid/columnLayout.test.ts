import { describe, expect, it } from "vitest";
import { BASE_COLUMNS } from "./columns";
import {
  DEFAULT_LAYOUT,
  applyLayout,
  layoutFromQuery,
  layoutToParams,
  moveColumn,
  pinThrough,
  setHidden,
  setWidth,
} from "./columnLayout";

const keys = (l = DEFAULT_LAYOUT) => applyLayout(BASE_COLUMNS, l).columns.map((c) => c.key);

describe("column layout", () => {
  it("shows the default columns by default, the first pinned", () => {
    expect(keys()).toEqual(BASE_COLUMNS.map((c) => c.key));
    expect(applyLayout(BASE_COLUMNS, DEFAULT_LAYOUT).pinned).toBe(1);
  });

  it("moves, hides, resizes and pins", () => {
    let l = moveColumn(BASE_COLUMNS, DEFAULT_LAYOUT, "forecastEnd", -6);
    expect(keys(l).slice(0, 3)).toEqual(["pfaId", "description", "forecastEnd"]);
    l = setHidden(l, "category", true);
    expect(keys(l)).not.toContain("category");
    l = setWidth(l, "description", 5000);
    expect(applyLayout(BASE_COLUMNS, l).columns[1]?.width).toBe(800);
    l = pinThrough(BASE_COLUMNS, l, "forecastEnd");
    expect(applyLayout(BASE_COLUMNS, l).pinned).toBe(3);
    expect(applyLayout(BASE_COLUMNS, pinThrough(BASE_COLUMNS, l, "forecastEnd")).pinned).toBe(2);
  });

  it("goes through the address and back", () => {
    let l = moveColumn(BASE_COLUMNS, DEFAULT_LAYOUT, "forecastEnd", -6);
    l = setHidden(setWidth(l, "description", 300), "source", true);
    l = { ...l, pinned: 2 };
    const query = new URLSearchParams(layoutToParams(l)).toString();
    expect(layoutFromQuery(query)).toEqual(l);
    expect(layoutToParams(DEFAULT_LAYOUT)).toEqual([]);
    expect(layoutFromQuery("category=Crane")).toBeNull();
    expect(layoutFromQuery("cols=pfaId,<script>,pfaId&widths=x:abc,description:300&pin=999")).toEqual({
      order: ["pfaId"],
      hidden: [],
      widths: { description: 300 },
      pinned: 1,
    });
    // a width alone moves nothing
    const resized = layoutFromQuery(
      new URLSearchParams(layoutToParams(setWidth(DEFAULT_LAYOUT, "dor", 200))).toString(),
    );
    expect(keys(resized ?? DEFAULT_LAYOUT)).toEqual(keys());
  });
});
