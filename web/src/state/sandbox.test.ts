import { describe, expect, it } from "vitest";
import { EditRefused, Sandbox } from "./sandbox";

const baselines: Record<string, Record<string, unknown>> = {
  A: {
    pfaId: "A",
    source: "Rental",
    monthlyRate: 3044,
    forecastStart: "2025-01-01",
    forecastEnd: "2025-01-31",
    dor: "BEO",
    isDiscontinued: false,
    isActualized: false,
  },
  B: {
    pfaId: "B",
    source: "Purchase",
    purchasePrice: 100,
    forecastStart: "2025-02-01",
    forecastEnd: "2025-03-01",
    dor: "PROJECT",
    isDiscontinued: true,
    isActualized: true,
    actualEnd: "2025-02-15",
  },
};

const make = () => new Sandbox((id) => baselines[id]);

describe("Sandbox", () => {
  it("keeps only fields that differ from the baseline", () => {
    const sb = make();
    sb.edit("dor", [{ recordId: "A", changes: { dor: "PROJECT" } }]);
    expect(sb.draftOf("A")).toEqual({ dor: "PROJECT" });
    sb.edit("dor back", [{ recordId: "A", changes: { dor: "BEO" } }]);
    expect(sb.draftOf("A")).toBeUndefined();
    expect(sb.draftCount).toBe(0);
  });

  it("undoes and redoes one step across records and fields", () => {
    const sb = make();
    sb.edit("move", [{ recordId: "A", changes: { forecastStart: "2025-01-10", forecastEnd: "2025-02-10" } }]);
    sb.edit("both", [
      { recordId: "A", changes: { forecastEnd: "2025-03-01" } },
      { recordId: "B", changes: { dor: "BEO" } },
    ]);
    expect(sb.merged("A")?.forecastEnd).toBe("2025-03-01");
    sb.undo();
    expect(sb.merged("A")?.forecastEnd).toBe("2025-02-10");
    expect(sb.draftOf("B")).toBeUndefined();
    sb.undo();
    expect(sb.draftOf("A")).toBeUndefined();
    expect(sb.canUndo).toBe(false);
    sb.redo();
    sb.redo();
    expect(sb.draftOf("A")).toEqual({ forecastStart: "2025-01-10", forecastEnd: "2025-03-01" });
    expect(sb.draftOf("B")).toEqual({ dor: "BEO" });
    expect(sb.canRedo).toBe(false);
  });

  it("a new edit clears the redo stack", () => {
    const sb = make();
    sb.edit("1", [{ recordId: "A", changes: { dor: "PROJECT" } }]);
    sb.undo();
    expect(sb.canRedo).toBe(true);
    sb.edit("2", [{ recordId: "A", changes: { equipment: "EQ-1" } }]);
    expect(sb.canRedo).toBe(false);
  });

  it("refuses a bad edit whole, with the API's messages", () => {
    const sb = make();
    expect(() =>
      sb.edit("bad", [
        { recordId: "A", changes: { forecastEnd: "2024-12-01" } },
        { recordId: "B", changes: { isDiscontinued: false, actualEnd: "2025-02-01" } },
      ]),
    ).toThrow(EditRefused);
    try {
      sb.edit("bad", [
        { recordId: "A", changes: { forecastEnd: "2024-12-01" } },
        { recordId: "B", changes: { isDiscontinued: false, actualEnd: "2025-02-01" } },
      ]);
    } catch (error) {
      const refused = (error as EditRefused).byRecord;
      expect(refused.A?.forecastEnd).toBe(
        "the forecast window would start (2025-01-01) after it ends (2024-12-01); forecastStart must not be after forecastEnd",
      );
      expect(refused.B?.isDiscontinued).toBe("a discontinued record cannot be reactivated");
      expect(refused.B?.actualEnd).toBe("may only move later than 2025-02-15, got 2025-02-01");
    }
    expect(sb.draftCount).toBe(0);
    expect(sb.canUndo).toBe(false);
  });

  it("lists pending saves, including fields going back to the baseline", () => {
    const sb = make();
    sb.reset([["A", { dor: "PROJECT" }]]);
    expect(sb.pendingSaves()).toEqual([]);
    sb.edit("e", [{ recordId: "A", changes: { equipment: "EQ-9", dor: "BEO" } }]);
    const [save] = sb.pendingSaves();
    expect(save).toEqual({
      recordId: "A",
      changes: { equipment: "EQ-9", dor: null },
      base: { equipment: null },
      drop: false,
      snapshot: { equipment: "EQ-9" },
    });
    sb.markSaved("A", save!.snapshot);
    expect(sb.pendingSaves()).toEqual([]);
    sb.revert("A");
    expect(sb.pendingSaves()).toEqual([{ recordId: "A", changes: {}, base: {}, drop: true, snapshot: {} }]);
  });

  it("keeps edits made while a save was in flight", () => {
    const sb = make();
    sb.edit("1", [{ recordId: "A", changes: { dor: "PROJECT" } }]);
    const [inflight] = sb.pendingSaves();
    sb.edit("2", [{ recordId: "A", changes: { equipment: "EQ-2" } }]);
    sb.markSaved("A", inflight!.snapshot);
    expect(sb.pendingSaves()).toEqual([
      {
        recordId: "A",
        changes: { equipment: "EQ-2" },
        base: { equipment: null },
        drop: false,
        snapshot: { dor: "PROJECT", equipment: "EQ-2" },
      },
    ]);
  });

  it("an edit undone before it was saved needs no save", () => {
    const sb = make();
    sb.edit("1", [{ recordId: "A", changes: { dor: "PROJECT" } }]);
    sb.undo();
    expect(sb.pendingSaves()).toEqual([]);
  });

  it("rolls a refused save back to what the server holds", () => {
    const sb = make();
    sb.reset([["A", { dor: "PROJECT" }]]);
    sb.edit("1", [{ recordId: "A", changes: { equipment: "X" } }]);
    sb.rollback("A");
    expect(sb.draftOf("A")).toEqual({ dor: "PROJECT" });
    expect(sb.pendingSaves()).toEqual([]);
  });

  it("notifies subscribers and bumps its version", () => {
    const sb = make();
    let calls = 0;
    const off = sb.subscribe(() => (calls += 1));
    const v = sb.version;
    sb.edit("1", [{ recordId: "A", changes: { dor: "PROJECT" } }]);
    sb.undo();
    off();
    sb.redo();
    expect(calls).toBe(2);
    expect(sb.version).toBe(v + 3);
  });

  it("sends, with each save, the value shown when the field entered the draft", () => {
    const shown: Record<string, Record<string, unknown>> = { A: { ...baselines.A } };
    const sb = new Sandbox((id) => shown[id]);
    sb.edit("1", [{ recordId: "A", changes: { forecastEnd: "2025-02-10" } }]);
    expect(sb.pendingSaves()[0]?.base).toEqual({ forecastEnd: "2025-01-31" });
    sb.markSaved("A", { forecastEnd: "2025-02-10" });

    // A refresh shows PEMS's newer value; the drafted field keeps the one the user saw.
    shown.A = { ...baselines.A, forecastEnd: "2025-01-20", dor: "PROJECT" };
    sb.edit("2", [{ recordId: "A", changes: { forecastEnd: "2025-02-12", dor: "BEO" } }]);
    const [save] = sb.pendingSaves();
    expect(save?.changes).toEqual({ forecastEnd: "2025-02-12", dor: "BEO" });
    expect(save?.base).toEqual({ forecastEnd: "2025-01-31", dor: "PROJECT" });

    // A field that leaves the draft forgets its base; back in, it takes the one shown then.
    sb.undo();
    sb.undo();
    sb.edit("3", [{ recordId: "A", changes: { forecastEnd: "2025-02-14" } }]);
    expect(sb.pendingSaves()[0]?.base).toEqual({ forecastEnd: "2025-01-20" });
  });

  it("takes the base an AI proposal was computed from", () => {
    const sb = make();
    sb.edit("AI", [
      { recordId: "A", changes: { forecastEnd: "2025-03-01" }, base: { forecastEnd: "2025-02-15" } },
    ]);
    expect(sb.pendingSaves()[0]?.base).toEqual({ forecastEnd: "2025-02-15" });
  });
});
