/**
 * The totals row of the filtered records: plan, forecast, actual and variance of the current view
 * (your drafts applied), computed by the API with the KPI board's own definition, with what it
 * leaves out and the currency. Refetched (debounced) when the filters or the data change.
 */
import { useEffect, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { ViewTotals as Totals } from "../api/types";
import { fmtCount, fmtMoney, fmtSigned } from "../format";

export function ViewTotals({ code, query, version }: { code: string; query: string; version: number }) {
  const [totals, setTotals] = useState<Totals | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .viewTotals(code, query)
        .then((t) => !cancelled && (setTotals(t), setError(null)))
        .catch((e) => !cancelled && setError(describeError(e)));
    }, 400);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [code, query, version]);
  if (error) return <p className="error-text small">Totals unavailable: {error}</p>;
  if (!totals) return <p className="muted small">Computing totals…</p>;
  return (
    <p className="view-totals" data-testid="view-totals">
      <strong>Totals</strong> of {fmtCount(totals.records)} records ({totals.currency}): plan{" "}
      <span data-testid="totals-plan">{fmtMoney(totals.plan.total)}</span> · forecast{" "}
      <span data-testid="totals-forecast">{fmtMoney(totals.forecast.total)}</span> · actual{" "}
      {fmtMoney(totals.actual.total)} · variance{" "}
      <span className={totals.variance > 0 ? "over" : "under"}>{fmtSigned(totals.variance)}</span>{" "}
      <span className="muted">({totals.exclusions.text})</span>
    </p>
  );
}
