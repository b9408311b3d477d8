/**
 * Change many records at once: on the selected rows or on every record matching the filters,
 * shift forecast dates by ±N days / weeks / months, set a field to a value, or discontinue.
 * Previewed record by record (before → after, forecast cost impact, what the rules refuse)
 * before anything changes; applied as one undo step.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { EDITABLE_FIELDS, FIELDS_BY_NAME } from "../domain/fields";
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
}

const SHIFTS: Record<string, readonly string[]> = {
  forecastEnd: ["forecastEnd"],
  forecastStart: ["forecastStart"],
  window: ["forecastStart", "forecastEnd"],
};
const MAX_ROWS = 300;
const label = (f: string) => FIELDS_BY_NAME.get(f)?.label ?? f;

export function BulkChangeDialog({ store, selectedIds, filteredIds, filtersActive, onClose, onApplied }: Props) {
  const [scope, setScope] = useState<"selection" | "filtered">(selectedIds.length > 1 ? "selection" : "filtered");
  const [kind, setKind] = useState<BulkAction["kind"]>("shift");
  const [which, setWhich] = useState("forecastEnd");
  const [amount, setAmount] = useState("");
  const [unit, setUnit] = useState<Unit>("days");
  const [field, setField] = useState("dor");
  const [value, setValue] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const applyRef = useRef<HTMLButtonElement>(null);
  const ids = scope === "selection" ? selectedIds : filteredIds;

  const action = useMemo((): BulkAction | string => {
    if (kind === "discontinue") return { kind };
    if (kind === "set") {
      const f = FIELDS_BY_NAME.get(field);
      const v = f ? parseInput(value, f.type, f.choices) : undefined;
      return v === undefined ? "Enter the value to set." : { kind, field, value: v };
    }
    const n = Number(amount.trim());
    if (amount.trim() === "" || !Number.isInteger(n) || n === 0) return "Enter a whole number of " + unit + ", e.g. 30 or -7.";
    return { kind, fields: SHIFTS[which] ?? [], amount: n, unit };
  }, [kind, field, value, amount, unit, which]);

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
            <input type="radio" name="scope" checked={scope === "selection"} disabled={selectedIds.length === 0} onChange={() => setScope("selection")} />
            Selected rows ({fmtCount(selectedIds.length)})
          </label>
          <label className="check">
            <input type="radio" name="scope" checked={scope === "filtered"} onChange={() => setScope("filtered")} />
            All {fmtCount(filteredIds.length)} records {filtersActive ? "matching the filters" : "(no filter)"}
          </label>
        </fieldset>
        <label>
          Change
          <select aria-label="Change" value={kind} onChange={(e) => setKind(e.target.value as BulkAction["kind"])}>
            <option value="shift">Shift dates</option>
            <option value="set">Set a field</option>
            <option value="discontinue">Discontinue</option>
          </select>
        </label>
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
              <input aria-label="By (± number)" data-autofocus type="text" inputMode="numeric" value={amount} size={6} onChange={(e) => setAmount(e.target.value)} />
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
                placeholder={FIELDS_BY_NAME.get(field)?.type === "date" ? "YYYY-MM-DD" : FIELDS_BY_NAME.get(field)?.choices?.join(" / ")}
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
            {preview.skipped.length > 0 && <>, {fmtCount(preview.skipped.length)} values refused by the rules</>}. Forecast cost impact:{" "}
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
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Before and after, record by record">
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
                          {label(f.name)}: {fmtValue(f.before) || "—"} → <strong>{fmtValue(f.after) || "—"}</strong>
                        </div>
                      ))}
                    </td>
                    <td className="num">
                      {fmtMoney(r.costBefore)} → {fmtMoney(r.costAfter)} ({fmtSigned(r.costAfter - r.costBefore)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview.rows.length > MAX_ROWS && <p className="muted">… and {fmtCount(preview.rows.length - MAX_ROWS)} more records.</p>}
          </div>
        </div>
      )}
    </Modal>
  );
}
