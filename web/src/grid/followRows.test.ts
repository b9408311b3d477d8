import { describe, expect, it } from "vitest";
import { followRow } from "./followRows";

describe("followRow", () => {
  it("finds the record where the new rows put it, or says it is gone", () => {
    expect(followRow(["a", "b", "c"], ["a", "b", "c"], 1)).toBe(1);
    expect(followRow(["a", "b", "c"], ["c", "a", "b"], 1)).toBe(2);
    expect(followRow(["a", "b", "c"], ["a", "c"], 1)).toBe(-1);
    expect(followRow(["a"], ["a"], 5)).toBe(-1);
  });
});
