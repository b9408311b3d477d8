/** The PFA fields (docs/domain.md), mirroring src/pfa_vanguard/domain/fields.py. */

export type FieldType = "text" | "number" | "date" | "bool";

export interface FieldDef {
  name: string;
  type: FieldType;
  editable: boolean;
  choices?: readonly string[];
  label: string;
}

const f = (
  name: string,
  type: FieldType,
  label: string,
  editable = false,
  choices?: readonly string[],
): FieldDef => ({ name, type, label, editable, choices });

export const FIELDS: readonly FieldDef[] = [
  f("pfaId", "text", "PFA id"),
  f("organization", "text", "Org"),
  f("description", "text", "Description"),
  f("areaSilo", "text", "Area / silo"),
  f("category", "text", "Category"),
  f("forecastCategory", "text", "Forecast category", true),
  f("class", "text", "Class"),
  f("source", "text", "Source", false, ["Rental", "Purchase"]),
  f("dor", "text", "DOR", true, ["BEO", "PROJECT"]),
  f("isActualized", "bool", "Actualized"),
  f("isDiscontinued", "bool", "Discontinued", true),
  f("isFundsTransferable", "bool", "Funds transferable", true),
  f("monthlyRate", "number", "Monthly rate"),
  f("purchasePrice", "number", "Purchase price"),
  f("manufacturer", "text", "Manufacturer"),
  f("model", "text", "Model"),
  f("originalStart", "date", "Plan start"),
  f("originalEnd", "date", "Plan end"),
  f("forecastStart", "date", "Forecast start", true),
  f("forecastEnd", "date", "Forecast end", true),
  f("actualStart", "date", "Actual start"),
  f("actualEnd", "date", "Actual end", true),
  f("contract", "text", "Contract"),
  f("equipment", "text", "Equipment", true),
];

export const FIELDS_BY_NAME: ReadonlyMap<string, FieldDef> = new Map(FIELDS.map((d) => [d.name, d]));
export const EDITABLE_FIELDS: readonly string[] = FIELDS.filter((d) => d.editable).map((d) => d.name);
export const DERIVED_FIELDS: readonly string[] = [
  "hasPlan",
  "hasActuals",
  "planCost",
  "forecastCost",
  "actualCost",
];

export const WINDOWS: Readonly<Record<"plan" | "forecast" | "actual", readonly [string, string]>> = {
  plan: ["originalStart", "originalEnd"],
  forecast: ["forecastStart", "forecastEnd"],
  actual: ["actualStart", "actualEnd"],
};

export const MAX_TEXT_LENGTH = 200;

export function isEditable(name: string): boolean {
  return FIELDS_BY_NAME.get(name)?.editable ?? false;
}
