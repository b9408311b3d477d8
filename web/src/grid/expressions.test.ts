import { describe, expect, it } from "vitest";
import { compileExpression, meets } from "./expressions";

const rec = {
  category: "Crane",
  areaSilo: "A01 Process Train 1",
  forecastEnd: "2026-05-31",
  originalEnd: "2026-04-30",
  monthlyRate: 12000,
  isDiscontinued: false,
  equipment: null,
};

function value(field: string, expression: string): unknown {
  const f = compileExpression(field, expression);
  if (typeof f === "string") return f;
  return f(rec);
}

describe("Global Change expressions", () => {
  it("reads a date field ± days, weeks, months; another field; literals", () => {
    expect(value("forecastEnd", "forecastEnd + 30 days")).toBe("2026-06-30");
    expect(value("forecastEnd", "forecastEnd-2w")).toBe("2026-05-17");
    expect(value("forecastEnd", "forecastEnd + 1 month")).toBe("2026-06-30");
    expect(value("forecastEnd", "forecastEnd + 10")).toBe("2026-06-10");
    expect(value("forecastEnd", "originalEnd")).toBe("2026-04-30");
    expect(value("forecastEnd", "2026-12-31 + 1 day")).toBe("2027-01-01");
    expect(value("forecastEnd", "12/31/2026")).toBe("2026-12-31");
    expect(value("dor", "project")).toBe("PROJECT");
    expect(value("isDiscontinued", "yes")).toBe(true);
  });
  it("says what it cannot read", () => {
    expect(value("forecastEnd", "forecastEnd + 3 fortnights")).toBe(
      "Forecast end: unknown unit fortnights (days, weeks or months)",
    );
    expect(value("forecastEnd", "monthlyRate + 3 days")).toBe("Forecast end: monthlyRate is not a date");
    expect(value("forecastEnd", "")).toBe("Forecast end: enter a value or an expression");
  });
  it("tests conditions on text, dates, numbers, flags and emptiness", () => {
    expect(meets(rec, { field: "category", op: "=", value: "crane" })).toBe(true);
    expect(meets(rec, { field: "areaSilo", op: "starts with", value: "A01" })).toBe(true);
    expect(meets(rec, { field: "forecastEnd", op: "≥", value: "2026-01-01" })).toBe(true);
    expect(meets(rec, { field: "forecastEnd", op: "<", value: "2026-05-31" })).toBe(false);
    expect(meets(rec, { field: "monthlyRate", op: ">", value: "9999.5" })).toBe(true);
    expect(meets(rec, { field: "isDiscontinued", op: "=", value: "no" })).toBe(true);
    expect(meets(rec, { field: "equipment", op: "is empty", value: "" })).toBe(true);
    expect(meets(rec, { field: "equipment", op: "≠", value: "X" })).toBe(true);
  });
});
