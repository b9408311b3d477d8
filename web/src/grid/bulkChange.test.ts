import { describe, expect, it } from "vitest";
import type { Rec } from "../domain/values";
import { Sandbox } from "../state/sandbox";
import { describeAction, previewBulk } from "./bulkChange";

const baselines: Record<string, Rec> = {
  a: {
    pfaId: "A",
    source: "Rental",
    monthlyRate: 3044,
    forecastStart: "2026-01-01",
    forecastEnd: "2026-01-31",
    isDiscontinued: false,
  },
  b: { pfaId: "B", source: "Rental", monthlyRate: 3044, forecastStart: "2026-01-01", isDiscontinued: true },
};

function store() {
  const sandbox = new Sandbox((id) => baselines[id]);
  return {
    sandbox,
    canEdit: true,
    baselineOf: (id: string) => baselines[id],
    stateOf: () => "pristine",
    view: (id: string) => sandbox.merged(id),
  };
}

describe("bulk changes", () => {
  it("previews a shift with its cost impact and leaves records without the date as they are", () => {
    const p = previewBulk(store(), ["a", "b"], {
      kind: "shift",
      fields: ["forecastEnd"],
      amount: 30,
      unit: "days",
    });
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]?.fields).toEqual([{ name: "forecastEnd", before: "2026-01-31", after: "2026-03-02" }]);
    expect(p.impact).toBe(3000);
    expect(p.unchanged).toBe(1);
  });
  it("discontinues only what is not discontinued, and counts it out of the KPIs", () => {
    const p = previewBulk(store(), ["a", "b"], { kind: "discontinue" });
    expect(p.rows.map((r) => r.recordId)).toEqual(["a"]);
    expect(p.impact).toBe(-3000);
  });
  it("lists what the rules refuse", () => {
    const p = previewBulk(store(), ["a"], {
      kind: "shift",
      fields: ["forecastEnd"],
      amount: -2,
      unit: "months",
    });
    expect(p.rows).toHaveLength(0);
    expect(p.skipped[0]?.why).toContain("forecastStart must not be after forecastEnd");
    expect(
      describeAction({ kind: "shift", fields: ["forecastEnd"], amount: -2, unit: "months" }, (f) => f),
    ).toBe("shift forecastEnd by −2 months");
  });
});
