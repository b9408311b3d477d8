/**
 * A small bar chart under a grouped AI answer (one label column, one numeric column, 2–30
 * rows). The answer's table stays above it: the chart adds a picture, not information. Loaded
 * on demand, like the KPI board, so the charts library is fetched only when a chart is shown.
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AnswerChart } from "./aiAnswer";

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export default function AiAnswerChart({ chart }: { chart: AnswerChart }) {
  const title = `${chart.value} by ${chart.label}`;
  return (
    <figure className="chart ai-chart" data-testid="ai-chart">
      <figcaption>{title} (the table above holds the figures)</figcaption>
      <div role="img" aria-label={`Bar chart: ${title}, ${chart.data.length} bars`} title={title}>
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={chart.data} margin={{ top: 8, right: 16, bottom: 40, left: 16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="name"
              angle={-30}
              textAnchor="end"
              interval={0}
              height={60}
              tick={{ fontSize: 12 }}
            />
            <YAxis tickFormatter={(v: number) => compact.format(v)} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => full.format(Number(v))} />
            <Bar dataKey="value" name={chart.value} fill="#1f6feb" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
