import { describe, expect, it } from "vitest";
import type { AiProposal } from "../api/types";
import { formFromProposal } from "./proposalForm";

const records: Record<string, Record<string, unknown>> = {
  A: { category: "Crane", areaSilo: "A01", source: "Rental", forecastEnd: "2026-03-10" },
  B: { category: "Crane", areaSilo: "A02", source: "Rental", forecastEnd: "2026-05-31" },
};

const proposal = (changes: AiProposal["changes"]): AiProposal =>
  ({
    changes,
    summary: "",
    recordCount: changes.length,
    costImpact: { forecastCostBefore: 0, forecastCostAfter: 0, forecastCostDelta: 0 },
    skipped: [],
    sql: "",
    provider: "offline",
  }) as unknown as AiProposal;

describe("formFromProposal", () => {
  it("reads a constant shift and the values the records share", () => {
    const form = formFromProposal(
      proposal([
        { recordId: "A", changes: { forecastEnd: "2026-03-24" }, base: { forecastEnd: "2026-03-10" } },
        { recordId: "B", changes: { forecastEnd: "2026-06-14" }, base: { forecastEnd: "2026-05-31" } },
      ]),
      (id) => records[id],
    );
    expect(form.ids).toEqual(["A", "B"]);
    expect(form.assign).toEqual([{ field: "forecastEnd", expression: "forecastEnd + 2 weeks" }]);
    expect(form.where).toEqual([
      { field: "category", op: "=", value: "Crane" },
      { field: "source", op: "=", value: "Rental" },
    ]);
  });

  it("sets a shared value, reads months, and leaves what it cannot explain to the user", () => {
    const form = formFromProposal(
      proposal([
        {
          recordId: "A",
          changes: { dor: "BEO", forecastEnd: "2026-04-10", forecastStart: "2026-01-01" },
          base: { forecastEnd: "2026-03-10" },
        },
        {
          recordId: "B",
          changes: { dor: "BEO", forecastEnd: "2026-03-10", forecastStart: "2026-02-03" },
          base: { forecastEnd: "2026-02-10" },
        },
      ]),
      (id) => records[id],
    );
    expect(form.assign).toEqual([
      { field: "dor", expression: "BEO" },
      { field: "forecastEnd", expression: "forecastEnd + 1 months" },
      { field: "forecastStart", expression: "" },
    ]);
  });
});
