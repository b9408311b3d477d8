import { describe, expect, it } from "vitest";
import type { RecordConflict } from "../api/types";
import { pemsOnlyChanges, resolution } from "./conflictChoices";

const conflict: RecordConflict = {
  recordId: "R1",
  fields: { forecastEnd: { base: "2026-06-30", theirs: "2026-08-29", mine: "2026-07-30" } },
  pemsChanged: { forecastStart: { base: "2026-01-01", theirs: "2025-12-22" } },
};

describe("pemsOnlyChanges", () => {
  it("takes the server's list, then what the screen saw, never a conflicting field", () => {
    const seen = {
      forecastEnd: { before: "2026-06-30", theirs: "2026-08-29" },
      dor: { before: "BEO", theirs: "PROJECT" },
      forecastStart: { before: "2026-01-05", theirs: "2025-12-22" },
    };
    expect(pemsOnlyChanges(conflict, seen)).toEqual({
      dor: { base: "BEO", theirs: "PROJECT" },
      forecastStart: { base: "2026-01-01", theirs: "2025-12-22" },
    });
  });
});

describe("resolution", () => {
  it("keeps a plain strategy when nothing is set back", () => {
    expect(resolution("keep_mine", { forecastEnd: "theirs" }, { forecastStart: "theirs" })).toEqual({
      strategy: "keep_mine",
    });
    expect(resolution("use_theirs", { forecastEnd: "mine" }, { forecastStart: "mine" })).toEqual({
      strategy: "use_theirs",
    });
  });

  it("keep mine with a field set back is a merge of every conflict as mine", () => {
    expect(resolution("keep_mine", { forecastEnd: "theirs" }, { forecastStart: "mine" })).toEqual({
      strategy: "merge",
      fields: { forecastEnd: "mine", forecastStart: "mine" },
    });
  });

  it("a merge sends the per-field choices", () => {
    expect(resolution("merge", { forecastEnd: "theirs" }, { forecastStart: "theirs" })).toEqual({
      strategy: "merge",
      fields: { forecastEnd: "theirs" },
    });
  });
});
