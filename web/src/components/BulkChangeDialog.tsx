/**
 * Change many records at once: on the selected rows or on every record matching the filters,
 * shift forecast dates by ±N days / weeks / months, set a field to a value, or discontinue.
 * Previewed record by record (before → after, forecast cost impact, what the rules refuse)
 * before anything changes; applied as one undo step.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { EDITABLE_FIELDS, FIELDS, FIELDS_BY_NAME } from "../domain/fields";
import {
  type Assignment,
  type Condition,
  OPERATORS,
  type Operator,
  compileExpression,
} from "../grid/expressions";
import { fmtCount, fmtMoney, fmtSigned, fmtValue } from "../format";
import { type BulkAction, type Preview, describeAction, previewBulk } from "../grid/bulkChange";
import { applyChecked } from "../grid/bulkEdit";
import { parseInput } from "../grid/parseInput";
import type { Unit } from "../grid/relative";
import { EditRefused } from "../state/sandbox";
import type { OrgStore } from "../state/orgStore";
import { Modal } from "./Modal";

interface Props {
  store: OrgStore;
  selectedIds: readonly string[];
  filteredIds: readonly string[];
  filtersActive: boolean;
  onClose: () => void;
  onApplied: (message: string) => void;
  /** Open on a Global Change already filled in (an AI proposal made into a form). */
  initial?: { where: Condition[]; assign: Assignment[]; scope: "selection" | "filtered" };
}

const SHIFTS: Record<string, readonly string[]> = {
  forecastEnd: ["forecastEnd"],
  forecastStart: ["forecastStart"],
  window: ["forecastStart", "forecastEnd"],
};
const MAX_ROWS = 300;
const label = (f: string) => FIELDS_BY_NAME.get(f)?.label ?? f;

export function BulkChangeDialog({
  store,
  selectedIds,
  filteredIds,
  filtersActive,
  onClose,
  onApplied,
  initial,
}: Props) {
  const [scope, setScope] = useState<"selection" | "filtered">(
    initial?.scope ?? (selectedIds.length > 1 ? "selection" : "filtered"),
  );
  const [kind, setKind] = useState<BulkAction["kind"]>(initial ? "global" : "shift");
  const [which, setWhich] = useState("forecastEnd");
  const [amount, setAmount] = useState("");
  const [unit, setUnit] = useState<Unit>("days");
  const [field, setField] = useState("dor");
  const [value, setValue] = useState("");
  const [where, setWhere] = useState<Condition[]>(
    initial ? initial.where : [{ field: "category", op: "=", value: "" }],
  );
  const [assign, setAssign] = useState<Assignment[]>(
    initial && initial.assign.length > 0 ? initial.assign : [{ field: "forecastEnd", expression: "" }],
  );
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const applyRef = useRef<HTMLButtonElement>(null);
  const ids = scope === "selection" ? selectedIds : filteredIds;

  const action = useMemo((): BulkAction | string => {
    if (kind === "discontinue") return { kind };
    if (kind === "global") {
      const set = [];
      for (const a of assign) {
        const evaluate = compileExpression(a.field, a.expression);
        if (typeof evaluate === "string") return evaluate;
        set.push({ field: a.field, evaluate, text: a.expression.trim() });
      }
      const bad = where.find((c) => c.value.trim() === "" && c.op !== "is empty" && c.op !== "is not empty");
      if (bad) return `Condition on ${label(bad.field)}: enter a value (or remove the condition).`;
      if (set.length === 0) return "Add an assignment.";
      return { kind, where, set };
    }
    if (kind === "set") {
      const f = FIELDS_BY_NAME.get(field);
      const v = f ? parseInput(value, f.type, f.choices) : undefined;
      return v === undefined ? "Enter the value to set." : { kind, field, value: v };
    }
    const n = Number(amount.trim());
    if (amount.trim() === "" || !Number.isInteger(n) || n === 0)
      return "Enter a whole number of " + unit + ", e.g. 30 or -7.";
    return { kind, fields: SHIFTS[which] ?? [], amount: n, unit };
  }, [kind, field, value, amount, unit, which, where, assign]);

  // Any change of the form makes the preview stale.
  useEffect(() => setPreview(null), [action, scope]);
  useEffect(() => {
    if (preview && preview.rows.length > 0) applyRef.current?.focus();
  }, [preview]);

  const runPreview = () => {
    if (typeof action === "string") {
      setError(action);
      return;
    }
    setError(null);
    setPreview(previewBulk(store, ids, action));
  };

  const apply = () => {
    if (!preview || typeof action === "string") return;
    const text = describeAction(action, label);
    try {
      const n = applyChecked(store.sandbox, `${text} on ${preview.accepted.length} records`, preview);
      onApplied(
        `${text[0]?.toUpperCase()}${text.slice(1)}: ${fmtCount(preview.accepted.length)} records changed (${n} values, one undo step)` +
          (preview.skipped.length > 0 ? `, ${preview.skipped.length} values skipped.` : "."),
      );
    } catch (e) {
      if (!(e instanceof EditRefused)) throw e;
      setPreview(previewBulk(store, ids, action)); // the records changed meanwhile: show it again
    }
  };

  const footer = (
    <>
      <button onClick={onClose}>Cancel</button>
      <button
        ref={applyRef}
        className="primary"
        disabled={!preview || preview.rows.length === 0}
        onClick={apply}
        data-testid="bulk-apply"
      >
        {preview ? `Apply to ${fmtCount(preview.rows.length)} records` : "Apply"}
      </button>
    </>
  );

  return (
    <Modal title="Change many records" onClose={onClose} footer={footer} wide testId="bulk-dialog">
      <form
        className="bulk-form"
        onSubmit={(e) => {
          e.preventDefault();
          runPreview();
        }}
      >
        <fieldset>
          <legend className="sr-only">Records</legend>
          <label className="check">
            <input
              type="radio"
              name="scope"
              checked={scope === "selection"}
              disabled={selectedIds.length === 0}
              onChange={() => setScope("selection")}
            />
            Selected rows ({fmtCount(selectedIds.length)})
          </label>
          <label className="check">
            <input
              type="radio"
              name="scope"
              checked={scope === "filtered"}
              onChange={() => setScope("filtered")}
            />
            All {fmtCount(filteredIds.length)} records{" "}
            {filtersActive ? "matching the filters" : "(no filter)"}
          </label>
        </fieldset>
        <label>
          Change
          <select
            aria-label="Change"
            value={kind}
            onChange={(e) => setKind(e.target.value as BulkAction["kind"])}
          >
            <option value="shift">Shift dates</option>
            <option value="set">Set a field</option>
            <option value="discontinue">Discontinue</option>
            <option value="global">Global change (conditions and expressions)</option>
          </select>
        </label>
        {kind === "global" && (
          <GlobalChangeRows where={where} setWhere={setWhere} assign={assign} setAssign={setAssign} />
        )}
        {kind === "shift" && (
          <>
            <label>
              Dates
              <select aria-label="Dates" value={which} onChange={(e) => setWhich(e.target.value)}>
                <option value="forecastEnd">Forecast end</option>
                <option value="forecastStart">Forecast start</option>
                <option value="window">Forecast start and end</option>
              </select>
            </label>
            <label>
              By (± number)
              <input
                aria-label="By (± number)"
                data-autofocus
                type="text"
                inputMode="numeric"
                value={amount}
                size={6}
                onChange={(e) => setAmount(e.target.value)}
              />
            </label>
            <label>
              Unit
              <select aria-label="Unit" value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
                <option value="days">days</option>
                <option value="weeks">weeks</option>
                <option value="months">months</option>
              </select>
            </label>
          </>
        )}
        {kind === "set" && (
          <>
            <label>
              Field
              <select aria-label="Field" value={field} onChange={(e) => setField(e.target.value)}>
                {EDITABLE_FIELDS.map((f) => (
                  <option key={f} value={f}>
                    {label(f)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              To
              <input
                aria-label="To"
                type="text"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                placeholder={
                  FIELDS_BY_NAME.get(field)?.type === "date"
                    ? "YYYY-MM-DD"
                    : FIELDS_BY_NAME.get(field)?.choices?.join(" / ")
                }
              />
            </label>
          </>
        )}
        <button type="submit" data-testid="bulk-preview">
          Preview
        </button>
      </form>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {preview && (
        <div data-testid="bulk-preview-result">
          <p role="status">
            <strong>{fmtCount(preview.rows.length)}</strong> records change
            {preview.unchanged > 0 && <>, {fmtCount(preview.unchanged)} stay as they are</>}
            {preview.skipped.length > 0 && (
              <>, {fmtCount(preview.skipped.length)} values refused by the rules</>
            )}
            . Forecast cost impact:{" "}
            <strong className={preview.impact > 0 ? "over" : "under"} data-testid="bulk-impact">
              {fmtSigned(preview.impact)}
            </strong>
          </p>
          {preview.skipped.length > 0 && (
            <ul className="results" data-testid="bulk-skipped">
              {preview.skipped.slice(0, 50).map((s, i) => (
                <li key={i} className="failed">
                  {String(store.view(s.recordId)?.pfaId ?? s.recordId)} {label(s.field)}: {s.why}
                </li>
              ))}
            </ul>
          )}
          <div
            className="table-scroll"
            tabIndex={0}
            role="region"
            aria-label="Before and after, record by record"
          >
            <table className="compact" data-testid="bulk-table">
              <caption className="sr-only">Before and after</caption>
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Description</th>
                  <th scope="col">Change</th>
                  <th scope="col">Forecast cost</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.slice(0, MAX_ROWS).map((r) => (
                  <tr key={r.recordId}>
                    <th scope="row">{r.pfaId}</th>
                    <td>{r.description}</td>
                    <td>
                      {r.fields.map((f) => (
                        <div key={f.name}>
                          {label(f.name)}: {fmtValue(f.before) || "—"} →{" "}
                          <strong>{fmtValue(f.after) || "—"}</strong>
                        </div>
                      ))}
                    </td>
                    <td className="num">
                      {fmtMoney(r.costBefore)} → {fmtMoney(r.costAfter)} (
                      {fmtSigned(r.costAfter - r.costBefore)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview.rows.length > MAX_ROWS && (
              <p className="muted">… and {fmtCount(preview.rows.length - MAX_ROWS)} more records.</p>
            )}
          </div>
        </div>
      )}
    </Modal>
  );
}

interface RowsProps {
  where: Condition[];
  setWhere: (c: Condition[]) => void;
  assign: Assignment[];
  setAssign: (a: Assignment[]) => void;
}

/** Conditions (all must hold) and assignments of a Global Change, one row each. */
function GlobalChangeRows({ where, setWhere, assign, setAssign }: RowsProps) {
  const patchWhere = (i: number, patch: Partial<Condition>) =>
    setWhere(where.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const patchAssign = (i: number, patch: Partial<Assignment>) =>
    setAssign(assign.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <div className="global-change" data-testid="global-change">
      <fieldset className="global-rows">
        <legend>Where (every condition holds)</legend>
        {where.map((c, i) => (
          <div key={i} className="global-row">
            <select
              aria-label={`Condition ${i + 1} field`}
              value={c.field}
              onChange={(e) => patchWhere(i, { field: e.target.value })}
            >
              {FIELDS.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.label}
                </option>
              ))}
            </select>
            <select
              aria-label={`Condition ${i + 1} operator`}
              value={c.op}
              onChange={(e) => patchWhere(i, { op: e.target.value as Operator })}
            >
              {OPERATORS.map((op) => (
                <option key={op} value={op}>
                  {op}
                </option>
              ))}
            </select>
            <input
              aria-label={`Condition ${i + 1} value`}
              type="text"
              value={c.value}
              onChange={(e) => patchWhere(i, { value: e.target.value })}
            />
            <button
              type="button"
              aria-label={`Remove condition ${i + 1}`}
              onClick={() => setWhere(where.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setWhere([...where, { field: "forecastEnd", op: "≥", value: "" }])}
        >
          + Condition
        </button>
      </fieldset>
      <fieldset className="global-rows">
        <legend>Set</legend>
        {assign.map((a, i) => (
          <div key={i} className="global-row">
            <select
              aria-label={`Assignment ${i + 1} field`}
              value={a.field}
              onChange={(e) => patchAssign(i, { field: e.target.value })}
            >
              {EDITABLE_FIELDS.map((f) => (
                <option key={f} value={f}>
                  {label(f)}
                </option>
              ))}
            </select>
            <span aria-hidden="true">=</span>
            <input
              aria-label={`Assignment ${i + 1} expression`}
              type="text"
              value={a.expression}
              placeholder="forecastEnd + 30 days, originalEnd, 2026-12-31…"
              onChange={(e) => patchAssign(i, { expression: e.target.value })}
            />
            <button
              type="button"
              aria-label={`Remove assignment ${i + 1}`}
              onClick={() => setAssign(assign.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setAssign([...assign, { field: "forecastStart", expression: "" }])}
        >
          + Assignment
        </button>
      </fieldset>
    </div>
  );
}
