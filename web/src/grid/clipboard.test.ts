import { describe, expect, it } from "vitest";
import { parseTsv, placePaste, toTsv } from "./clipboard";
import { parseDateText, parseInput } from "./parseInput";
import { shiftDate } from "./relative";

describe("clipboard text", () => {
  it("reads what a spreadsheet copies: rows, tabs, a trailing newline, quoted cells", () => {
    expect(parseTsv("2026-01-01\r\n2026-02-01\r\n")).toEqual([["2026-01-01"], ["2026-02-01"]]);
    expect(parseTsv("a\tb\nc\td")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseTsv('"two\nlines"\tx\n')).toEqual([["two\nlines", "x"]]);
    expect(parseTsv("")).toEqual([[""]]);
  });
  it("writes tab-separated rows that read back the same", () => {
    const rows = [
      ["PFA-1", "2026-01-01"],
      ["PFA-2", ""],
    ];
    expect(toTsv(rows)).toBe("PFA-1\t2026-01-01\r\nPFA-2\t");
    expect(parseTsv(toTsv(rows))).toEqual(rows);
  });
});

describe("where a paste lands", () => {
  const at = (r0: number, r1: number, c0: number, c1: number) => ({ r0, r1, c0, c1 });
  it("fills a whole selection with one value", () => {
    expect(placePaste([["x"]], at(2, 4, 1, 1), 100, 10).map((p) => [p.row, p.col, p.text])).toEqual([
      [2, 1, "x"],
      [3, 1, "x"],
      [4, 1, "x"],
    ]);
  });
  it("pastes a column down from one cell, and never past the last row", () => {
    expect(placePaste([["a"], ["b"], ["c"]], at(0, 0, 0, 0), 100, 10).map((p) => p.row)).toEqual([0, 1, 2]);
    expect(placePaste([["a"], ["b"], ["c"]], at(98, 98, 0, 0), 100, 10).map((p) => p.row)).toEqual([98, 99]);
  });
  it("repeats a block over a selection that is a whole multiple of it", () => {
    expect(placePaste([["a"], ["b"]], at(0, 3, 0, 0), 100, 10).map((p) => p.text)).toEqual([
      "a",
      "b",
      "a",
      "b",
    ]);
    expect(placePaste([["a"], ["b"]], at(0, 2, 0, 0), 100, 10).map((p) => p.text)).toEqual(["a", "b"]);
  });
});

describe("typed and pasted values", () => {
  it("reads ISO and locale dates", () => {
    expect(parseDateText("2026-03-15", "mdy")).toBe("2026-03-15");
    expect(parseDateText("3/15/2026", "mdy")).toBe("2026-03-15");
    expect(parseDateText("15/3/2026", "dmy")).toBe("2026-03-15");
    expect(parseDateText("4/5/2026", "dmy")).toBe("2026-05-04");
    expect(parseDateText("4/5/2026", "mdy")).toBe("2026-04-05");
    expect(parseDateText("15.03.2026", "mdy")).toBe("2026-03-15");
    expect(parseDateText("15-Mar-2026")).toBe("2026-03-15");
    expect(parseDateText("Mar 15, 2026")).toBe("2026-03-15");
    expect(parseDateText("2026/3/15")).toBe("2026-03-15");
    expect(parseDateText("2026-02-30")).toBeNull();
    expect(parseDateText("soon")).toBeNull();
  });
  it("reads flags and choices, and leaves what it cannot read for the rules to refuse", () => {
    expect(parseInput("Yes", "bool")).toBe(true);
    expect(parseInput("FALSE", "bool")).toBe(false);
    expect(parseInput("project", "text", ["BEO", "PROJECT"])).toBe("PROJECT");
    expect(parseInput("31/31/2026", "date")).toBe("31/31/2026");
    expect(parseInput("  ", "date")).toBeUndefined();
  });
});

describe("relative dates", () => {
  it("shifts by days, weeks and months (clamped to the month's end)", () => {
    expect(shiftDate("2026-12-15", 30, "days")).toBe("2027-01-14");
    expect(shiftDate("2026-01-01", -2, "weeks")).toBe("2025-12-18");
    expect(shiftDate("2026-01-31", 1, "months")).toBe("2026-02-28");
    expect(shiftDate("2026-03-31", -13, "months")).toBe("2025-02-28");
    expect(shiftDate(null, 3, "days")).toBeNull();
  });
});
