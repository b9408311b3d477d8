/**
 * KPI board: plan / forecast / actual and variance for the organization, by category and by
 * source, "current → pending" with the user's drafts; over budget in red; charts from Recharts.
 */
import { memo, useDeferredValue, useEffect, useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { CATEGORY_AXIS, CHART_GRID, CHART_MARGIN, VALUE_AXIS } from "../components/chartSetup";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { KpiBoard, KpiFigures, KpiGroup } from "../api/types";
import { fmtMoney, fmtPct, fmtSigned } from "../format";
import { FiguresNote } from "../components/FiguresNote";
import { SpendProfile } from "../components/SpendProfile";
import { useVersion } from "../hooks";
import type { KpiCache } from "../state/kpiCache";
import type { OrgStore } from "../state/orgStore";

const COLORS = { plan: "#5b6b7f", forecast: "#1f6feb", actual: "#2e8540", over: "#c62828", under: "#2e7d32" };

function CurrentPending({
  current,
  pending,
  testId,
  red,
}: {
  current: number;
  pending: number;
  testId?: string;
  red?: (v: number) => boolean;
}) {
  const changed = Math.round(current) !== Math.round(pending);
  return (
    <span className="current-pending" data-testid={testId}>
      <span className={red?.(current) ? "over" : undefined} data-role="current">
        {fmtMoney(current)}
      </span>
      {changed && (
        <>
          {" → "}
          <strong className={`pending${red?.(pending) ? " over" : ""}`} data-role="pending">
            {fmtMoney(pending)}
          </strong>
        </>
      )}
    </span>
  );
}

const over = (v: number) => v > 0;

type CardField = "plan" | "forecast" | "actual" | "variance";

const figure = (f: KpiFigures, field: CardField): number =>
  field === "variance" ? f.variance : f[field].total;

function Card({
  title,
  cur,
  pen,
  field,
  testId,
}: {
  title: string;
  cur: KpiFigures;
  pen: KpiFigures;
  field: CardField;
  testId: string;
}) {
  return (
    <div className={`kpi-card${field === "variance" && pen.variance > 0 ? " card-over" : ""}`}>
      <h3>{title}</h3>
      <div className="kpi-figure">
        <CurrentPending
          current={figure(cur, field)}
          pending={figure(pen, field)}
          testId={testId}
          red={field === "variance" ? over : undefined}
        />
      </div>
      {field === "variance" ? (
        <div className={pen.variancePct > 0 ? "over small" : "under small"}>
          {fmtPct(pen.variancePct)} of plan {pen.variance > 0 ? "· over budget" : "· within budget"}
        </div>
      ) : (
        <div className="muted small">
          Rental {fmtMoney(pen[field].rental)} · Purchase {fmtMoney(pen[field].purchase)}
        </div>
      )}
    </div>
  );
}

/** Charts whose bars drill down to the grid. */
const DRILL_CURSOR = { cursor: "pointer" };

/** The grid filtered to a group's records (the drill-down from a row of a table or a bar). */
function drillHref(code: string, param: string | undefined, key: string): string | undefined {
  if (!param || !key) return undefined;
  return `#/org/${encodeURIComponent(code)}/grid?${new URLSearchParams({ [param]: key }).toString()}`;
}

function GroupTable({
  title,
  groups,
  keyLabel,
  code,
  param,
}: {
  title: string;
  groups: KpiGroup[];
  keyLabel: string;
  code?: string;
  param?: string;
}) {
  return (
    <table className="compact kpi-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{keyLabel}</th>
          <th scope="col">Plan</th>
          <th scope="col">Forecast (current → pending)</th>
          <th scope="col">Actual</th>
          <th scope="col">Variance (current → pending)</th>
          <th scope="col">Var. %</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key} className={g.pending.variance > 0 ? "row-over" : undefined}>
            <th scope="row">
              {code && drillHref(code, param, g.key) ? (
                <a
                  href={drillHref(code, param, g.key)}
                  title={`Show the ${g.key} records in the grid`}
                  data-testid="kpi-drill"
                >
                  {g.key}
                </a>
              ) : (
                g.key
              )}
            </th>
            <td className="num">{fmtMoney(g.pending.plan.total)}</td>
            <td className="num">
              <CurrentPending current={g.current.forecast.total} pending={g.pending.forecast.total} />
            </td>
            <td className="num">{fmtMoney(g.pending.actual.total)}</td>
            <td className="num">
              <CurrentPending current={g.current.variance} pending={g.pending.variance} red={over} />
            </td>
            <td className={`num ${g.pending.variancePct > 0 ? "over" : "under"}`}>
              {fmtPct(g.pending.variancePct)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An answer held this long is asked again when the board is opened (another session's drafts). */
const REVALIDATE_MS = 30_000;

interface Props {
  store: OrgStore;
  /** The figures, asked for ahead of the board by the workspace. */
  cache: KpiCache;
  /** The board is on screen (it is also kept drawn, hidden, while other screens show). */
  active: boolean;
}

/**
 * The board draws from the workspace's KPI cache: the figures asked at the current drafts version
 * when held, else the last ones marked as being updated (`aria-busy`) until the fresh ones come.
 */
export function KpiBoardScreen({ store, cache, active }: Props) {
  useVersion(store);
  useVersion(cache);
  const [exportError, setExportError] = useState<string | null>(null);
  const version = store.serverDraftsVersion;
  const updating = cache.latest !== null && cache.latest.version !== version;
  // The charts are drawn only on screen, from figures that count every saved draft, and after
  // the cards: a hidden chart shown again sets itself up anew (its layout effects re-run and draw
  // it again), which would hold back the cards and the fresh figures' arrival.
  const chartsOn = useDeferredValue(active && !updating);

  // Effects run only while the board is on screen (a hidden board's are unmounted).
  useEffect(() => {
    cache.request(version, { maxAgeMs: REVALIDATE_MS, retry: true });
  }, [cache, version]);

  const held = cache.latest;
  const error = cache.failed(version);
  if (error && !cache.fresh(version))
    return (
      <p role="alert" className="error-text">
        Could not load the KPI board: {error}
      </p>
    );
  if (!held) return <p aria-busy="true">Loading KPIs…</p>;
  const hasDrafts = store.sandbox.draftCount > 0;
  const exportKpi = () =>
    api.exportKpi(store.code).then(
      () => setExportError(null),
      (e) => setExportError(describeError(e)),
    );

  return (
    <div className="kpi-board" data-testid="kpi-board" aria-busy={updating || undefined}>
      <div className="kpi-actions no-print">
        <button type="button" onClick={() => void exportKpi()} data-testid="kpi-export-xlsx">
          Export Excel
        </button>
        <button type="button" onClick={() => window.print()} data-testid="kpi-print">
          Print / PDF
        </button>
      </div>
      {updating && (
        <p className="muted small" data-testid="kpi-updating">
          Updating the figures with your latest saved drafts…
        </p>
      )}
      {exportError && (
        <p role="alert" className="error-text">
          {exportError}
        </p>
      )}
      <BoardFigures kpi={held.board} hasDrafts={hasDrafts} code={store.code} charts={chartsOn} />
      {active && <SpendProfile code={store.code} version={version} />}
      <BoardTables kpi={held.board} code={store.code} />
    </div>
  );
}

/** The note, the cards and the charts: drawn again only when the figures change. */
const BoardFigures = memo(function BoardFigures({
  kpi,
  hasDrafts,
  code,
  charts,
}: {
  kpi: KpiBoard;
  hasDrafts: boolean;
  code: string;
  charts: boolean;
}) {
  const { current, pending } = kpi.total;
  return (
    <>
      <FiguresNote kpi={kpi} hasDrafts={hasDrafts} />
      <div className="kpi-cards">
        <Card title="Plan" cur={current} pen={pending} field="plan" testId="kpi-plan" />
        <Card title="Forecast" cur={current} pen={pending} field="forecast" testId="kpi-forecast" />
        <Card title="Actual" cur={current} pen={pending} field="actual" testId="kpi-actual" />
        <Card
          title="Variance (forecast − plan)"
          cur={current}
          pen={pending}
          field="variance"
          testId="kpi-variance"
        />
      </div>
      {charts && <BoardCharts kpi={kpi} code={code} />}
    </>
  );
});

/**
 * The charts by category: drawn after the cards when new figures come (they take far longer to
 * draw), marked as being updated meanwhile.
 */
const BoardCharts = memo(function BoardCharts({ kpi: latest, code }: { kpi: KpiBoard; code: string }) {
  const kpi = useDeferredValue(latest);
  const chartData = kpi.byCategory.map((g) => ({
    name: g.key,
    Plan: Math.round(g.pending.plan.total),
    Forecast: Math.round(g.pending.forecast.total),
    Actual: Math.round(g.pending.actual.total),
    variance: Math.round(g.pending.variance),
  }));
  // A click on a category's bars opens the grid filtered to that category's records.
  const drillToCategory = (state: { activeLabel?: string | number }) => {
    const href =
      state.activeLabel === undefined ? undefined : drillHref(code, "category", String(state.activeLabel));
    if (href) window.location.hash = href;
  };
  const behind = kpi !== latest;
  return (
    <div className={behind ? "kpi-charts updating" : "kpi-charts"} aria-busy={behind || undefined}>
      <figure className="chart">
        <figcaption>Plan, forecast (pending) and actual by category</figcaption>
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={chartData} margin={CHART_MARGIN} onClick={drillToCategory} style={DRILL_CURSOR}>
            <CartesianGrid {...CHART_GRID} />
            <XAxis {...CATEGORY_AXIS} />
            <YAxis {...VALUE_AXIS} />
            <Tooltip formatter={(v) => fmtMoney(Number(v))} />
            <Legend verticalAlign="top" />
            <Bar dataKey="Plan" fill={COLORS.plan} isAnimationActive={false} />
            <Bar dataKey="Forecast" fill={COLORS.forecast} isAnimationActive={false} />
            <Bar dataKey="Actual" fill={COLORS.actual} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure className="chart">
        <figcaption>Variance by category (red = over budget)</figcaption>
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={chartData} margin={CHART_MARGIN} onClick={drillToCategory} style={DRILL_CURSOR}>
            <CartesianGrid {...CHART_GRID} />
            <XAxis {...CATEGORY_AXIS} />
            <YAxis {...VALUE_AXIS} />
            <Tooltip formatter={(v) => fmtSigned(Number(v))} />
            <Bar dataKey="variance" name="Variance" isAnimationActive={false}>
              {chartData.map((d) => (
                <Cell key={d.name} fill={d.variance > 0 ? COLORS.over : COLORS.under} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
});

const BoardTables = memo(function BoardTables({ kpi, code }: { kpi: KpiBoard; code: string }) {
  return (
    <>
      <GroupTable
        title="By category"
        groups={kpi.byCategory}
        keyLabel="Category"
        code={code}
        param="category"
      />
      <GroupTable title="By source" groups={kpi.bySource} keyLabel="Source" code={code} param="source" />
    </>
  );
});

export default KpiBoardScreen;
