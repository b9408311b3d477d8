import { describe, expect, it } from "vitest";
import type { Rec } from "../domain/values";
import { Sandbox } from "../state/sandbox";
import { applyChecked, checkProposals } from "./bulkEdit";

const baselines: Record<string, Rec> = {
  a: { forecastStart: "2026-01-01", forecastEnd: "2026-06-01", isDiscontinued: false },
  b: { forecastStart: "2026-01-01", forecastEnd: "2026-02-01", isDiscontinued: false },
};

function store() {
  const sandbox = new Sandbox((id) => baselines[id]);
  return { sandbox, baselineOf: (id: string) => baselines[id], stateOf: () => "pristine", canEdit: true };
}

describe("many values as one step", () => {
  it("applies the valid values, lists the refused ones with the rules' reason, one undo step", () => {
    const s = store();
    const checked = checkProposals(s, [
      { recordId: "a", field: "forecastEnd", value: "2026-07-01" },
      { recordId: "b", field: "forecastEnd", value: "2025-12-01" },
      { recordId: "b", field: "dor", value: "PROJECT" },
      { recordId: "a", field: "category", value: "X" },
    ]);
    expect(checked.skipped.map((x) => [x.recordId, x.field])).toEqual([
      ["a", "category"],
      ["b", "forecastEnd"],
    ]);
    expect(checked.skipped[1]?.why).toContain("must not be after forecastEnd");
    expect(applyChecked(s.sandbox, "paste", checked)).toBe(2);
    expect(s.sandbox.draftOf("a")).toEqual({ forecastEnd: "2026-07-01" });
    expect(s.sandbox.draftOf("b")).toEqual({ dor: "PROJECT" });
    s.sandbox.undo();
    expect(s.sandbox.draftCount).toBe(0);
    expect(s.sandbox.canUndo).toBe(false);
  });
  it("changes nothing for a viewer", () => {
    const s = { ...store(), canEdit: false };
    const checked = checkProposals(s, [{ recordId: "a", field: "forecastEnd", value: "2026-07-01" }]);
    expect(checked.accepted).toEqual([]);
    expect(checked.skipped[0]?.why).toBe("your role can only read");
  });
});
