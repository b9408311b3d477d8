import { describe, expect, it } from "vitest";
import { type ColumnsBody, decodeColumns, decodeColumnsInSlices, parseColumnsInSlices } from "./columns";

// The body the API sends for these rows (tests/unit/mirror/test_columns.py checks the encoder).
const rows = [
  { id: "A", data: { pfaId: "A", c: "x", n: 1.5, b: true, t: "u1" }, hasDraft: false, state: "pristine" },
  { id: "B", data: { pfaId: "B", c: "x", n: null, t: "u2", extra: 3 }, hasDraft: true, state: "conflict" },
  { id: "C", data: { pfaId: "C", c: null, n: 2, b: false, t: "u3" }, hasDraft: true, state: "draft" },
  { id: "D", data: { pfaId: "D" }, hasDraft: false, state: "orphaned" },
];
const body: ColumnsBody = {
  columns: 1,
  count: 4,
  ids: ["A", "B", "C", "D"],
  drafted: [1, 2],
  states: { conflict: [1], draft: [2], orphaned: [3] },
  fields: [
    { name: "pfaId", sameAs: "id" },
    { name: "c", dict: ["x", null], codes: [0, 0, 1, -1] },
    { name: "n", values: [1.5, null, 2, null], absent: [3] },
    { name: "b", dict: [true, false], codes: [0, -1, 1, -1] },
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

  it("parse a field a line, as the server lays them out, or any other JSON", async () => {
    const { fields, ...head } = body;
    const lines = [
      `${JSON.stringify(head).slice(0, -1)},"fields":[`,
      ...fields.map((f) => JSON.stringify(f)),
    ];
    const text = `${lines[0]}\n${lines.slice(1).join(",\n")}\n]}`;
    expect(JSON.parse(text)).toEqual(body); // still one JSON document
    expect(await parseColumnsInSlices(text)).toEqual(body);
    expect(await parseColumnsInSlices(JSON.stringify(body))).toEqual(body);
  });
});
