/**
 * What PEMS answered to a commit. When PEMS could not be reached, one summary line (the drafts
 * are kept) and a retry, never one line per record; other refusals grouped by reason.
 */
import type { CommitResult } from "../api/types";

interface Props {
  result: CommitResult;
  onRetry: (ids: string[]) => void;
  labelOf: (id: string) => string;
}

const UNREACHABLE = "PEMS could not be reached";
const LISTED = 20;

export function CommitResults({ result, onRetry, labelOf }: Props) {
  const failed = result.failed;
  const unreachable = failed.filter((f) => f.reason.startsWith(UNREACHABLE));
  const others = failed.filter((f) => !f.reason.startsWith(UNREACHABLE));
  const byReason = new Map<string, string[]>();
  for (const f of others) byReason.set(f.reason, [...(byReason.get(f.reason) ?? []), f.recordId]);
  const n = unreachable.length;
  const cancelled = result.cancelled ?? [];
  return (
    <div data-testid="commit-results">
      <p role="status">
        <strong>{result.committed.length}</strong> committed, <strong>{failed.length}</strong> failed.
      </p>
      {cancelled.length > 0 && (
        <p data-testid="commit-cancelled">
          Cancelled: {cancelled.length} record{cancelled.length === 1 ? " was" : "s were"} not sent — still
          drafts, nothing written.
        </p>
      )}
      {n > 0 && (
        <p role="alert" className="error-text" data-testid="commit-unreachable">
          {result.committed.length === 0 && others.length === 0
            ? `PEMS is not answering — ${n} draft${n === 1 ? "" : "s"} kept, nothing written.`
            : `PEMS stopped answering — ${n} draft${n === 1 ? "" : "s"} kept, not written.`}{" "}
          <button
            className="primary"
            onClick={() => onRetry(unreachable.map((f) => f.recordId))}
            data-testid="commit-retry"
          >
            Retry {n} record{n === 1 ? "" : "s"}
          </button>
        </p>
      )}
      <ul className="results">
        {result.committed.slice(0, LISTED).map((id) => (
          <li key={id} className="ok">
            ✓ {labelOf(id)} accepted by PEMS
          </li>
        ))}
        {result.committed.length > LISTED && (
          <li className="ok">✓ … and {result.committed.length - LISTED} more accepted</li>
        )}
        {[...byReason].map(([reason, ids]) => (
          <li key={reason} className="failed">
            ✗{" "}
            {ids.length === 1
              ? labelOf(ids[0] ?? "")
              : `${ids.length} records (${ids.slice(0, 5).map(labelOf).join(", ")}${ids.length > 5 ? ", …" : ""})`}
            : {reason} (draft{ids.length === 1 ? " is" : "s are"} kept)
          </li>
        ))}
      </ul>
    </div>
  );
}
