/** A page of record history: when, record, field, old → new, source, who and PEMS's answer. */
import type { HistoryChange } from "../api/types";
import { FIELDS_BY_NAME } from "../domain/fields";
import { fmtDateTime, fmtValue } from "../format";

export function HistoryTable({ changes, showRecord }: { changes: HistoryChange[]; showRecord: boolean }) {
  if (changes.length === 0)
    return (
      <p className="muted" data-testid="history-empty">
        No changes recorded.
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="compact history-table" data-testid="history-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            {showRecord && <th scope="col">Record</th>}
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
            <th scope="col">Source</th>
            <th scope="col">Who / PEMS's answer</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.id} data-source={c.source}>
              <td>{fmtDateTime(c.detectedAt)}</td>
              {showRecord && <td>{c.recordId}</td>}
              <td>{FIELDS_BY_NAME.get(c.field)?.label ?? c.field}</td>
              <td>{fmtValue(c.old) || "—"}</td>
              <td>
                <strong>{fmtValue(c.new) || "—"}</strong>
              </td>
              <td>{c.source === "sync" ? "PEMS (found by a sync)" : "commit"}</td>
              <td>{c.source === "commit" ? `${c.user ?? "?"} · ${c.pemsAnswer ?? ""}` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
