/**
 * A small bar chart under a grouped AI answer (one label column, one numeric column, 2–30
 * rows). The answer's table stays above it: the chart adds a picture, not information. Loaded
 * on demand, like the KPI board, so the charts library is fetched only when a chart is shown.
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CATEGORY_AXIS, CHART_GRID, CHART_MARGIN, VALUE_AXIS } from "../components/chartSetup";
import type { AnswerChart } from "./aiAnswer";

const full = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export default function AiAnswerChart({ chart }: { chart: AnswerChart }) {
  const title = `${chart.value} by ${chart.label}`;
  return (
    <figure className="chart ai-chart" data-testid="ai-chart">
      <figcaption>{title} (the table above holds the figures)</figcaption>
      <div role="img" aria-label={`Bar chart: ${title}, ${chart.data.length} bars`} title={title}>
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={chart.data} margin={CHART_MARGIN}>
            <CartesianGrid {...CHART_GRID} />
            <XAxis {...CATEGORY_AXIS} />
            <YAxis {...VALUE_AXIS} />
            <Tooltip formatter={(v) => full.format(Number(v))} />
            <Bar dataKey="value" name={chart.value} fill="#1f6feb" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
