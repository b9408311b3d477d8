/** Export the grid's current view (its filters and sort, your drafts applied) as CSV or Excel. */
import { useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import { type Filters, type Sort, columnValues } from "../state/query";

/** The fields the read endpoint sorts by; the grid's other sorts export in record order. */
const SORTABLE = new Set([
  "pfaId",
  "category",
  "forecastCategory",
  "source",
  "dor",
  "areaSilo",
  "originalStart",
  "originalEnd",
  "forecastStart",
  "forecastEnd",
  "actualStart",
  "actualEnd",
  "monthlyRate",
  "purchasePrice",
  "planCost",
  "forecastCost",
  "actualCost",
]);

/** The read endpoint's query for the screen's filters and sort (the export selects the same rows). */
export function viewQuery(
  filters: Filters,
  sort: Sort | null,
): Record<string, string | boolean | readonly string[] | undefined> {
  return {
    // each column's values, repeated (any of them)
    category: columnValues(filters, "category"),
    source: columnValues(filters, "source"),
    area: columnValues(filters, "area"),
    dor: columnValues(filters, "dor"),
    from: filters.from || undefined,
    to: filters.to || undefined,
    dateMode: filters.from || filters.to ? filters.dateMode : undefined,
    q: filters.q || undefined,
    hasDraft: filters.draftsOnly || undefined,
    sort: sort && SORTABLE.has(sort.field) ? `${sort.dir === "desc" ? "-" : ""}${sort.field}` : undefined,
  };
}

export function ExportButtons({
  code,
  filters,
  sort,
}: {
  code: string;
  filters: Filters;
  sort: Sort | null;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (format: "csv" | "xlsx") => {
    setBusy(format);
    setError(null);
    try {
      await api.exportView(code, viewQuery(filters, sort), format);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="export-buttons" data-testid="export-buttons">
      <button type="button" onClick={() => void run("csv")} disabled={busy !== null} data-testid="export-csv">
        {busy === "csv" ? "Exporting…" : "Export CSV"}
      </button>
      <button
        type="button"
        onClick={() => void run("xlsx")}
        disabled={busy !== null}
        data-testid="export-xlsx"
      >
        {busy === "xlsx" ? "Exporting…" : "Export Excel"}
      </button>
      {error && (
        <span role="alert" className="error-text">
          {error}
        </span>
      )}
    </span>
  );
}
