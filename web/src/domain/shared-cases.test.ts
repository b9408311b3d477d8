/**
 * The domain rules against the cases the Python rules must pass too (tests/fixtures/domain_rules.json;
 * tests/unit/domain/test_shared_cases.py reads the same file): a rule changed on one side only
 * fails one of the two suites.
 */
import { describe, expect, it } from "vitest";
import cases from "../../../tests/fixtures/domain_rules.json";
import { countsInKpi, recordCosts, windowDays } from "./costs";
import { type Changes, ValidationFailed, applyChanges } from "./validation";
import { fromDay, type Rec, toBool, toDay, toNumber } from "./values";

interface DraftCase {
  name: string;
  baseline: Rec;
  existing: Rec;
  incoming: Changes;
  changes?: Changes;
  errors?: Record<string, string>;
}

function saved(c: DraftCase): { changes?: Changes; errors?: Record<string, string> } {
  try {
    return { changes: applyChanges(c.baseline, c.existing, c.incoming) };
  } catch (error) {
    if (error instanceof ValidationFailed) return { errors: error.fields };
    throw error;
  }
}

describe("shared domain cases", () => {
  it.each(cases.windowDays)("windowDays %#", (c) => {
    expect(windowDays(toDay(c.start), toDay(c.end))).toBe(c.days);
  });

  it.each(cases.recordCosts)("recordCosts %#", (c) => {
    const costs = recordCosts(c.record);
    expect([costs.plan, costs.forecast, costs.actual]).toEqual([c.plan, c.forecast, c.actual]);
    expect([costs.hasPlan, costs.hasActuals]).toEqual([c.hasPlan, c.hasActuals]);
  });

  it.each(cases.countsInKpi)("countsInKpi %#", (c) => {
    expect(countsInKpi(c.record)).toBe(c.counts);
  });

  it.each(cases.toDate)("toDate %#", (c) => {
    const day = toDay(c.value);
    expect(day === null ? null : fromDay(day)).toBe(c.date);
  });

  it.each(cases.toNumber)("toNumber %#", (c) => {
    expect(toNumber(c.value)).toBe(c.number);
  });

  it.each(cases.toBool)("toBool %#", (c) => {
    expect(toBool(c.value)).toBe(c.bool);
  });

  it.each(cases.applyChanges as unknown as DraftCase[])("applyChanges: $name", (c) => {
    const expected = c.changes !== undefined ? { changes: c.changes } : { errors: c.errors };
    expect(saved(c)).toEqual(expected);
  });
});
