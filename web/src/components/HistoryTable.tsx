/** A page of record history: when, record, field, old → new, source, who and PEMS's answer. A
 * record leaving the mirror (field "record": deleted in PEMS, or archived) is one row saying so. */
import type { HistoryChange } from "../api/types";
import { FIELDS_BY_NAME } from "../domain/fields";
import { fmtDateTime, fmtValue } from "../format";

const SOURCES: Record<HistoryChange["source"], string> = {
  sync: "PEMS (found by a sync)",
  commit: "commit",
  archive: "archiving",
};

function removal(c: HistoryChange): string {
  return c.source === "archive" ? "archived (ended long ago)" : "deleted in PEMS";
}

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
            <tr
              key={c.id}
              data-source={c.source}
              data-removal={c.field === "record" ? removal(c) : undefined}
            >
              <td>{fmtDateTime(c.detectedAt)}</td>
              {showRecord && <td>{c.recordId}</td>}
              {c.field === "record" ? (
                <>
                  <td>record</td>
                  <td>present</td>
                  <td>
                    <strong>{removal(c)}</strong>
                  </td>
                </>
              ) : (
                <>
                  <td>{FIELDS_BY_NAME.get(c.field)?.label ?? c.field}</td>
                  <td>{fmtValue(c.old) || "—"}</td>
                  <td>
                    <strong>{fmtValue(c.new) || "—"}</strong>
                  </td>
                </>
              )}
              <td>{SOURCES[c.source]}</td>
              <td>{c.source === "commit" ? `${c.user ?? "?"} · ${c.pemsAnswer ?? ""}` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
