/**
 * The bar charts' shared setup (the KPI board's, the AI answers', the spend profile's axis
 * numbers): margins, grid, a category axis of slanted names, a value axis in compact numbers.
 * Spread onto recharts' own components (`<XAxis {...CATEGORY_AXIS} />`), which must stay the
 * chart's direct children.
 */
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** 1.2M, 350K: the value axis's ticks. */
export const compactNumber = (value: number): string => compact.format(value);

export const CHART_MARGIN = { top: 8, right: 16, bottom: 40, left: 16 } as const;

export const CHART_GRID = { strokeDasharray: "3 3", vertical: false } as const;

/** One bar per name: every name shown, slanted so that long ones fit. */
export const CATEGORY_AXIS = {
  dataKey: "name",
  angle: -30,
  textAnchor: "end",
  interval: 0,
  height: 60,
  tick: { fontSize: 12 },
} as const;

export const VALUE_AXIS = { tickFormatter: compactNumber, tick: { fontSize: 12 } } as const;
