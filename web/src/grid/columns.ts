/** The grid's columns: domain fields and costs, then any field PEMS added that we do not know. */
import { DERIVED_FIELDS, FIELDS_BY_NAME, type FieldType } from "../domain/fields";

export interface Column {
  key: string;
  label: string;
  width: number;
  type: FieldType | "money";
  editable: boolean;
  choices?: readonly string[];
  align?: "right" | "center";
  /** Shown but not a stored field (variance). */
  computed?: boolean;
}

const ORDER: [string, number][] = [
  // What a project manager reads and edits first; the rest is a scroll to the right away.
  ["pfaId", 112],
  ["description", 230],
  ["category", 120],
  ["forecastCategory", 140],
  ["areaSilo", 104],
  ["source", 88],
  ["dor", 92],
  ["forecastStart", 128],
  ["forecastEnd", 120],
  ["equipment", 112],
  ["planCost", 112],
  ["forecastCost", 120],
  ["variance", 112],
  ["originalStart", 108],
  ["originalEnd", 108],
  ["actualStart", 108],
  ["actualEnd", 112],
  ["actualCost", 112],
  ["isActualized", 92],
  ["isDiscontinued", 110],
  ["isFundsTransferable", 112],
  ["monthlyRate", 112],
  ["purchasePrice", 122],
  ["class", 84],
  ["manufacturer", 124],
  ["model", 112],
  ["contract", 112],
  ["organization", 100],
];

const COST_LABELS: Record<string, string> = {
  planCost: "Plan cost",
  forecastCost: "Forecast cost",
  actualCost: "Actual cost",
  variance: "Variance",
};

function column(key: string, width: number): Column {
  const field = FIELDS_BY_NAME.get(key);
  if (field) {
    return {
      key,
      label: field.label,
      width,
      type: field.type,
      editable: field.editable,
      choices: field.choices,
      align: field.type === "number" ? "right" : field.type === "bool" ? "center" : undefined,
    };
  }
  if (key in COST_LABELS) {
    return {
      key,
      label: COST_LABELS[key] ?? key,
      width,
      type: "money",
      editable: false,
      align: "right",
      computed: key === "variance",
    };
  }
  return { key, label: key, width, type: "text", editable: false };
}

export const BASE_COLUMNS: readonly Column[] = ORDER.map(([k, w]) => column(k, w));

const KNOWN = new Set([...ORDER.map(([k]) => k), ...DERIVED_FIELDS]);

/** Base columns plus unknown fields found in a sample of records (kept, never dropped). */
export function columnsFor(sample: Iterable<Record<string, unknown> | undefined>): Column[] {
  const extra = new Set<string>();
  for (const data of sample) {
    if (!data) continue;
    for (const key of Object.keys(data)) if (!KNOWN.has(key)) extra.add(key);
  }
  return [...BASE_COLUMNS, ...[...extra].sort().map((k) => column(k, 130))];
}

/** A cell's value: the field, or a computed figure. */
export function cellValue(data: Record<string, unknown>, column: Column): unknown {
  if (column.key === "variance") {
    const f = data.forecastCost;
    const p = data.planCost;
    return typeof f === "number" && typeof p === "number" ? Math.round((f - p) * 100) / 100 : null;
  }
  return data[column.key];
}
