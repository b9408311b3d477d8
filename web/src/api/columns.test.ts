import { describe, expect, it } from "vitest";
import { type ColumnsBody, decodeColumns, decodeColumnsInSlices } from "./columns";

// The body the API sends for these rows (tests/unit/mirror/test_columns.py checks the encoder).
const rows = [
  { id: "A", data: { c: "x", n: 1.5, b: true, t: "u1" }, hasDraft: false, state: "pristine" },
  { id: "B", data: { c: "x", n: null, t: "u2", extra: 3 }, hasDraft: true, state: "conflict" },
  { id: "C", data: { c: null, n: 2, b: false, t: "u3" }, hasDraft: true, state: "draft" },
  { id: "D", data: {}, hasDraft: false, state: "orphaned" },
];
const body: ColumnsBody = {
  columns: 1,
  count: 4,
  ids: ["A", "B", "C", "D"],
  drafted: [1, 2],
  states: { conflict: [1], draft: [2], orphaned: [3] },
  fields: [
    { name: "c", dict: ["x", null], codes: [0, 0, 1, -1] },
    { name: "n", values: [1.5, null, 2, null], absent: [3] },
    { name: "b", values: [true, null, false, null], absent: [1, 3] },
    { name: "t", values: ["u1", "u2", "u3", null], absent: [3] },
    { name: "extra", values: [null, 3, null, null], absent: [0, 2, 3] },
  ],
  total: 4,
  nextCursor: null,
  lastSyncedAt: "2026-01-01T00:00:00Z",
  stale: false,
  hasDrafts: true,
};

describe("columns", () => {
  it("decode to the rows the JSON read gives, absent fields absent", () => {
    const page = decodeColumns(body);
    expect(page.records).toEqual(rows);
    expect("b" in (page.records[1]?.data ?? {})).toBe(false);
    expect(page.total).toBe(4);
    expect(page.hasDrafts).toBe(true);
  });

  it("decode the same in slices", async () => {
    const big: ColumnsBody = {
      ...body,
      count: 10_000,
      ids: Array.from({ length: 10_000 }, (_, i) => `R${i}`),
      drafted: [9_999],
      states: { draft: [9_999] },
      fields: [
        { name: "k", dict: ["a", "b"], codes: Array.from({ length: 10_000 }, (_, i) => i % 2) },
        { name: "v", values: Array.from({ length: 10_000 }, (_, i) => i) },
      ],
    };
    const sliced = await decodeColumnsInSlices(big);
    expect(sliced.records).toEqual(decodeColumns(big).records);
    expect(sliced.records[9_999]).toEqual({
      id: "R9999",
      data: { k: "b", v: 9_999 },
      hasDraft: true,
      state: "draft",
    });
  });
});
