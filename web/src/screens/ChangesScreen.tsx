/**
 * "What changed since …?": the organization's record history, newest first, filtered by date,
 * user, source (PEMS's changes found by syncs, or the team's commits) and field.
 */
import { useEffect, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { HistoryChange } from "../api/types";
import { HistoryTable } from "../components/HistoryTable";
import { FIELDS } from "../domain/fields";

function weekAgo(): string {
  const d = new Date(Date.now() - 7 * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function ChangesScreen({ code }: { code: string }) {
  const [since, setSince] = useState(weekAgo);
  const [user, setUser] = useState("");
  const [source, setSource] = useState<"" | "sync" | "commit" | "archive">("");
  const [field, setField] = useState("");
  const [changes, setChanges] = useState<HistoryChange[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const filter = () => ({
    since: since ? `${since}T00:00:00Z` : undefined,
    user: user.trim() || undefined,
    source: source || undefined,
    field: field || undefined,
    limit: 200,
  });
  const load = async (cursor?: string) => {
    setError(null);
    try {
      const page = await api.history(code, { ...filter(), cursor });
      setChanges((before) => [...(cursor ? (before ?? []) : []), ...page.changes]);
      setNext(page.nextCursor ?? null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code, since, user, source, field]);

  return (
    <div className="changes-screen" data-testid="changes-screen">
      <form className="filter-bar" onSubmit={(e) => e.preventDefault()}>
        <label>
          Changed since{" "}
          <input
            type="date"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            data-testid="changes-since"
          />
        </label>
        <label>
          Source{" "}
          <select
            value={source}
            onChange={(e) => setSource(e.target.value as "" | "sync" | "commit" | "archive")}
            data-testid="changes-source"
          >
            <option value="">all</option>
            <option value="sync">PEMS (found by syncs)</option>
            <option value="commit">our commits</option>
            <option value="archive">archiving</option>
          </select>
        </label>
        <label>
          User <input value={user} onChange={(e) => setUser(e.target.value)} placeholder="who committed" />
        </label>
        <label>
          Field{" "}
          <select value={field} onChange={(e) => setField(e.target.value)}>
            <option value="">all</option>
            <option value="record">records removed (deleted in PEMS, archived)</option>
            {FIELDS.map((f) => (
              <option key={f.name} value={f.name}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="muted">
        Every field PEMS changed (found by a sync, with when it was found), every record PEMS deleted or that
        was archived, and every field the team committed (who, and PEMS&apos;s answer), newest first. Kept for
        the period the operations settings give.
      </p>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {changes === null ? (
        <p aria-busy="true">Loading changes…</p>
      ) : (
        <HistoryTable changes={changes} showRecord />
      )}
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Older changes
        </button>
      )}
    </div>
  );
}
