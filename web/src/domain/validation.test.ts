import { describe, expect, it } from "vitest";
import { ValidationFailed, applyChanges } from "./validation";
import { pyRepr, toDay, toNumber } from "./values";

const baseline = {
  forecastStart: "2025-01-01",
  forecastEnd: "2025-02-01",
  dor: "BEO",
  isDiscontinued: false,
  isActualized: false,
};

function fields(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.fields;
    throw error;
  }
  throw new Error("expected a ValidationFailed");
}

describe("applyChanges (messages of domain/drafts.py)", () => {
  it("refuses non-editable fields by name", () => {
    expect(fields(() => applyChanges(baseline, {}, { category: "X" }))).toEqual({
      category:
        "is not editable in a draft; editable fields are: forecastCategory, dor, isDiscontinued, " +
        "isFundsTransferable, forecastStart, forecastEnd, actualEnd, equipment",
    });
  });

  it("refuses bad types with Python's repr of the value", () => {
    expect(
      fields(() =>
        applyChanges(baseline, {}, { forecastStart: "2025-02-30", dor: "X", isDiscontinued: "yes" as never }),
      ),
    ).toEqual({
      forecastStart: "must be a date as YYYY-MM-DD (ASCII digits), got '2025-02-30'",
      dor: "must be one of BEO, PROJECT, got 'X'",
      isDiscontinued: "must be true or false, got 'yes'",
    });
    expect(fields(() => applyChanges(baseline, {}, { equipment: "x".repeat(201) }))).toEqual({
      equipment: "must be at most 200 characters, got 201",
    });
  });

  it("checks windows on the merged record", () => {
    expect(fields(() => applyChanges(baseline, {}, { forecastStart: "2025-03-01" }))).toEqual({
      forecastStart:
        "the forecast window would start (2025-03-01) after it ends (2025-02-01); " +
        "forecastStart must not be after forecastEnd",
    });
  });

  it("refuses actualEnd on a record that is not actualized", () => {
    expect(fields(() => applyChanges(baseline, {}, { actualEnd: "2025-05-01" }))).toEqual({
      actualEnd: "may only be changed on an actualized record",
    });
  });

  it("drops fields set to null or back to the baseline", () => {
    expect(applyChanges(baseline, { dor: "PROJECT", equipment: "E" }, { dor: null, equipment: "F" })).toEqual(
      {
        equipment: "F",
      },
    );
    expect(applyChanges(baseline, { dor: "PROJECT" }, { dor: "BEO" })).toEqual({});
  });

  it("renders values like Python's repr", () => {
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr(true)).toBe("True");
    expect(pyRepr(null)).toBe("None");
    expect(pyRepr(12)).toBe("12");
  });
});

describe("dates: ASCII digits and sane years (as domain/values.py and the SQL parsers)", () => {
  it("refuses lookalike digits and absurd years with the API's words", () => {
    expect(fields(() => applyChanges(baseline, {}, { forecastEnd: "２０３０-01-01" }))).toEqual({
      forecastEnd: "must be a date as YYYY-MM-DD (ASCII digits), got '２０３０-01-01'",
    });
    expect(fields(() => applyChanges(baseline, {}, { forecastEnd: "9999-12-31" }))).toEqual({
      forecastEnd: "must be a date as YYYY-MM-DD (ASCII digits), got '9999-12-31'",
    });
    expect(fields(() => applyChanges(baseline, {}, { forecastEnd: "2101-01-01" }))).toEqual({
      forecastEnd: "must be a date in the years 1990 to 2100, got '2101-01-01'",
    });
    expect(applyChanges(baseline, {}, { forecastEnd: "2100-12-31" })).toEqual({
      forecastEnd: "2100-12-31",
    });
  });
});

describe("values: no lookalike digits, no absurd or non-finite numbers", () => {
  it("reads what Python and SQL read, and nothing else", () => {
    expect(toDay("２０３０-01-01")).toBeNull();
    expect(toDay("1899-12-31")).toBeNull();
    expect(toDay("2199-12-31")).not.toBeNull();
    expect(toNumber(1e12)).toBe(1e12);
    expect(toNumber(1e13)).toBeNull();
    expect(toNumber(Infinity)).toBeNull();
    expect(toNumber("１２")).toBeNull();
    expect(toNumber("\t12")).toBeNull();
    expect(toNumber(" 12 ")).toBe(12);
  });
});
