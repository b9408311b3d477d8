import { describe, expect, it } from "vitest";
import { countsInKpi, recordCosts } from "./costs";

describe("recordCosts (domain/costs.py)", () => {
  it("prices rental windows by days / 30.44 x rate", () => {
    const c = recordCosts({
      source: "Rental",
      monthlyRate: 3044,
      originalStart: "2025-01-01",
      originalEnd: "2025-01-31",
      forecastStart: "2025-01-01",
      forecastEnd: "2025-03-02",
    });
    expect(c.plan).toBe(3000);
    expect(c.forecast).toBe(6000);
    expect(c.actual).toBe(0);
    expect(c.hasPlan).toBe(true);
    expect(c.hasActuals).toBe(false);
  });

  it("prices purchases by price whatever the length, and nothing without both dates", () => {
    const c = recordCosts({
      source: "Purchase",
      purchasePrice: "1234.5",
      originalStart: "2025-01-01",
      originalEnd: "2025-01-01",
      forecastStart: "2025-01-01",
    });
    expect(c.plan).toBe(1234.5);
    expect(c.forecast).toBe(0);
  });

  it("never counts a negative window", () => {
    const c = recordCosts({
      source: "Rental",
      monthlyRate: 100,
      forecastStart: "2025-02-01",
      forecastEnd: "2025-01-01",
    });
    expect(c.forecast).toBe(0);
  });

  it("leaves discontinued and funds-transferable records out of the KPIs", () => {
    expect(countsInKpi({ isDiscontinued: true })).toBe(false);
    expect(countsInKpi({ isFundsTransferable: "-1" })).toBe(false);
    expect(countsInKpi({})).toBe(true);
  });
});
