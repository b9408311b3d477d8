import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, columnValues, matches, narrows, select, withColumnValues } from "./query";
import { fromQuery, toQuery } from "./urlView";

const RECORDS: Record<string, Record<string, unknown>> = {
  a: { category: "Crane", areaSilo: "A01", source: "Rental", dor: "BEO" },
  b: { category: "Generator", areaSilo: "A02", source: "Rental", dor: "PROJECT" },
  c: { category: "Pump", areaSilo: "A01", source: "Purchase", dor: "BEO" },
  d: { areaSilo: "A01", source: "Rental" },
};
const IDS = Object.keys(RECORDS);
const pick = (filters: typeof EMPTY_FILTERS) =>
  select(
    IDS,
    (id) => RECORDS[id],
    () => false,
    filters,
    null,
  );

describe("per-column filters with several values", () => {
  it("keep the records whose value is one of them (category IN {Crane, Generator})", () => {
    const f = withColumnValues(EMPTY_FILTERS, "category", ["Crane", "Generator"]);
    expect(pick(f)).toEqual(["a", "b"]);
    expect(columnValues(f, "category")).toEqual(["Crane", "Generator"]);
    // with another column: both hold
    expect(pick(withColumnValues(f, "area", ["A01"]))).toEqual(["a"]);
    // a record without the field never matches a value filter
    expect(matches(RECORDS.d!, withColumnValues(EMPTY_FILTERS, "category", ["Crane", "Pump"]), false)).toBe(
      false,
    );
  });

  it("are the single-value filter for one value, and nothing for none", () => {
    const one = withColumnValues(EMPTY_FILTERS, "category", ["Pump", "Pump"]);
    expect(one).toEqual({ ...EMPTY_FILTERS, category: "Pump" });
    expect(pick(one)).toEqual(["c"]);
    const none = withColumnValues(withColumnValues(one, "area", ["A01", "A02"]), "area", []);
    expect(none).toEqual(one);
  });

  it("add the single value to the several ones, as the API's repeated parameters do", () => {
    const f = { ...EMPTY_FILTERS, category: "Pump", columns: { category: ["Crane", "Generator"] } };
    expect(columnValues(f, "category")).toEqual(["Pump", "Crane", "Generator"]);
    expect(pick(f)).toEqual(["a", "b", "c"]);
  });

  it("live in the address as repeated parameters, and round-trip", () => {
    const f = withColumnValues(withColumnValues(EMPTY_FILTERS, "category", ["Crane", "Light Tower"]), "dor", [
      "BEO",
    ]);
    const query = toQuery(f, null);
    expect(query).toBe("category=Crane&category=Light+Tower&dor=BEO");
    expect(fromQuery(query).filters).toEqual(f);
    expect(fromQuery("area=A01&area=A02&area=A01").filters.columns).toEqual({ area: ["A01", "A02"] });
  });

  it("narrow a previous result only when they are the same", () => {
    const f = withColumnValues(EMPTY_FILTERS, "category", ["Crane", "Generator"]);
    expect(narrows({ ...f, q: "a" }, { ...f, q: "ab" })).toBe(true);
    const other = withColumnValues(EMPTY_FILTERS, "category", ["Crane", "Pump"]);
    expect(narrows({ ...f, q: "a" }, { ...other, q: "ab" })).toBe(false);
  });
});
