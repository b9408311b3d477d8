/**
 * The spend profile under the KPI board: cost by month (each record's cost spread over the months
 * it runs) as bars, and the cumulative S-curves of plan, forecast and actual, committed or with
 * your drafts; optionally the forecast by category, area, source or DOR. Its months add up to the
 * board's totals (the API counts them by the same definition).
 */
import { useEffect, useState } from "react";
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { CHART_GRID, compactNumber } from "./chartSetup";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { SpendProfile as Profile } from "../api/types";
import { fmtMoney } from "../format";

const GROUPS = [
  { value: "", label: "total" },
  { value: "category", label: "category" },
  { value: "areaSilo", label: "area" },
  { value: "source", label: "source" },
  { value: "dor", label: "DOR" },
];
const PALETTE = ["#1f6feb", "#2e8540", "#c62828", "#8250df", "#bf8700", "#0a7ea4", "#6e7781", "#d4507a"];

/** The grid filtered to the records whose forecast window overlaps a month (`YYYY-MM`). */
export function monthHref(code: string, month: string): string | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return undefined;
  const [year, mon] = [Number(match[1]), Number(match[2])];
  const last = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  const query = new URLSearchParams({ from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` });
  return `#/org/${encodeURIComponent(code)}/grid?${query.toString()}`;
}

export function SpendProfile({ code, version }: { code: string; version: number }) {
  const [by, setBy] = useState("");
  const [withDrafts, setWithDrafts] = useState(true);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api
      .kpiMonths(code, true, by || undefined)
      .then((p) => !cancelled && (setProfile(p), setError(null)))
      .catch((e) => !cancelled && setError(describeError(e)));
    return () => {
      cancelled = true;
    };
  }, [code, by, version]);
  if (error) return <p className="error-text">Spend profile unavailable: {error}</p>;
  if (!profile) return <p aria-busy="true">Loading the spend profile…</p>;
  const shown = (withDrafts && profile.pending) || profile.current;
  const data = shown.months.map((month, i) => {
    const row: Record<string, number | string> = {
      month,
      Plan: Math.round(shown.total.plan[i] ?? 0),
      Forecast: Math.round(shown.total.forecast[i] ?? 0),
      Actual: Math.round(shown.total.actual[i] ?? 0),
      "Plan (cumulative)": Math.round(shown.total.planCumulative[i] ?? 0),
      "Forecast (cumulative)": Math.round(shown.total.forecastCumulative[i] ?? 0),
      "Actual (cumulative)": Math.round(shown.total.actualCumulative[i] ?? 0),
    };
    for (const g of shown.groups) row[`F: ${g.key || "(none)"}`] = Math.round(g.forecast[i] ?? 0);
    return row;
  });
  return (
    <figure className="chart spend-profile" data-testid="spend-profile">
      <figcaption>
        Spend profile by month ({profile.currency}){" "}
        <label>
          forecast by{" "}
          <select value={by} onChange={(e) => setBy(e.target.value)} data-testid="profile-by">
            {GROUPS.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label}
              </option>
            ))}
          </select>
        </label>{" "}
        <label className="check">
          <input
            type="checkbox"
            checked={withDrafts}
            onChange={(e) => setWithDrafts(e.target.checked)}
            data-testid="profile-drafts"
          />{" "}
          with my drafts
        </label>
      </figcaption>
      <ResponsiveContainer width="100%" height={320}>
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 16, bottom: 24, left: 16 }}
          onClick={(state) => {
            const href =
              typeof state.activeLabel === "string" ? monthHref(code, state.activeLabel) : undefined;
            if (href) window.location.hash = href;
          }}
          style={{ cursor: "pointer" }}
        >
          <CartesianGrid {...CHART_GRID} />
          <XAxis dataKey="month" tick={{ fontSize: 11 }} />
          <YAxis yAxisId="month" tickFormatter={compactNumber} tick={{ fontSize: 11 }} />
          <YAxis
            yAxisId="cumulative"
            orientation="right"
            tickFormatter={compactNumber}
            tick={{ fontSize: 11 }}
          />
          <Tooltip formatter={(v) => fmtMoney(Number(v))} />
          <Legend verticalAlign="top" />
          {by
            ? shown.groups.map((g, i) => (
                <Bar
                  key={g.key}
                  yAxisId="month"
                  dataKey={`F: ${g.key || "(none)"}`}
                  stackId="f"
                  fill={PALETTE[i % PALETTE.length]}
                  isAnimationActive={false}
                />
              ))
            : [
                <Bar key="p" yAxisId="month" dataKey="Plan" fill="#5b6b7f" isAnimationActive={false} />,
                <Bar key="f" yAxisId="month" dataKey="Forecast" fill="#1f6feb" isAnimationActive={false} />,
                <Bar key="a" yAxisId="month" dataKey="Actual" fill="#2e8540" isAnimationActive={false} />,
              ]}
          <Line
            yAxisId="cumulative"
            dataKey="Plan (cumulative)"
            stroke="#5b6b7f"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="cumulative"
            dataKey="Forecast (cumulative)"
            stroke="#1f6feb"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="cumulative"
            dataKey="Actual (cumulative)"
            stroke="#2e8540"
            dot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
