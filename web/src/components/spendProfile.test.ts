import { describe, expect, it } from "vitest";
import { monthHref } from "./SpendProfile";

describe("monthHref", () => {
  it("filters the grid to the month's whole window", () => {
    expect(monthHref("RIO", "2026-02")).toBe("#/org/RIO/grid?from=2026-02-01&to=2026-02-28");
    expect(monthHref("RIO", "2028-02")).toBe("#/org/RIO/grid?from=2028-02-01&to=2028-02-29");
    expect(monthHref("A B", "2026-12")).toBe("#/org/A%20B/grid?from=2026-12-01&to=2026-12-31");
  });
  it("refuses anything but a month", () => {
    expect(monthHref("RIO", "2026-2")).toBeUndefined();
    expect(monthHref("RIO", "Total")).toBeUndefined();
  });
});
