/**
 * Conflict resolution: for each record PEMS changed under a draft, base / theirs / mine per field;
 * keep mine, use theirs, or pick per field; then commit.
 */
import { useState } from "react";
import { ApiError, describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { RecordConflict, ResolveStrategy } from "../api/types";
import { FIELDS_BY_NAME } from "../domain/fields";
import { fmtValue } from "../format";
import type { Autosaver } from "../state/autosave";
import type { OrgStore } from "../state/orgStore";
import { newIdempotencyKey } from "./CommitDialog";
import { Modal } from "./Modal";

interface Props {
  store: OrgStore;
  saver: Autosaver;
  conflicts: RecordConflict[];
  onClose: () => void;
  onCommitted: (message: string) => void;
}

type Choice = "mine" | "theirs";

export function ConflictDialog({ store, saver, conflicts: initial, onClose, onCommitted }: Props) {
  const [conflicts, setConflicts] = useState(initial);
  const [choices, setChoices] = useState<Record<string, Record<string, Choice>>>(() =>
    Object.fromEntries(initial.map((c) => [c.recordId, Object.fromEntries(Object.keys(c.fields).map((f) => [f, "mine" as Choice]))])),
  );
  const [resolved, setResolved] = useState<Record<string, ResolveStrategy>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const resolve = async (id: string, strategy: ResolveStrategy) => {
    setBusy(true);
    setError(null);
    try {
      await saver.flush();
      await api.resolveConflict(store.code, id, strategy, strategy === "merge" ? choices[id] : undefined);
      await store.reloadRecord(id);
      setResolved((r) => ({ ...r, [id]: strategy }));
      store.noteServerDraftsChanged();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const commit = async () => {
    setBusy(true);
    setError(null);
    try {
      await saver.flush();
      const result = await api.commit(store.code, undefined, newIdempotencyKey());
      await store.load();
      store.noteServerDraftsChanged();
      const failed = result.failed.map((f) => `${f.recordId}: ${f.reason}`).join("; ");
      onCommitted(`${result.committed.length} committed, ${result.failed.length} failed${failed ? ` (${failed})` : ""}.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && Array.isArray(e.body.conflicts)) {
        const next = e.body.conflicts as RecordConflict[];
        setConflicts(next);
        setResolved({});
        setChoices(Object.fromEntries(next.map((c) => [c.recordId, Object.fromEntries(Object.keys(c.fields).map((f) => [f, "mine" as Choice]))])));
        setError("PEMS changed more records meanwhile: resolve these too.");
      } else setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const open = conflicts.filter((c) => !resolved[c.recordId]);
  return (
    <Modal
      title="Resolve conflicts"
      onClose={onClose}
      wide
      testId="conflict-dialog"
      footer={
        <>
          <button onClick={onClose}>Close</button>
          <button className="primary" disabled={busy || open.length > 0} onClick={() => void commit()} data-testid="conflict-commit">
            Commit now
          </button>
        </>
      }
    >
      <p>
        PEMS changed these records after your draft began. For each field, <em>base</em> is the value your draft started from,{" "}
        <em>theirs</em> is PEMS's value now, <em>mine</em> is your draft.
      </p>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {conflicts.map((c) => {
        const done = resolved[c.recordId];
        const pfaId = String(store.view(c.recordId)?.pfaId ?? c.recordId);
        return (
          <section key={c.recordId} className="conflict" aria-label={`Conflict on ${pfaId}`} data-testid="conflict-record">
            <h3>
              {pfaId} {done && <span className="tag tag-ok">resolved: {done.replace("_", " ")}</span>}
            </h3>
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Base</th>
                  <th scope="col">Theirs (PEMS)</th>
                  <th scope="col">Mine</th>
                  <th scope="col">Keep</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(c.fields).map(([field, v]) => (
                  <tr key={field}>
                    <th scope="row">{FIELDS_BY_NAME.get(field)?.label ?? field}</th>
                    <td>{fmtValue(v.base) || "—"}</td>
                    <td>{fmtValue(v.theirs) || "—"}</td>
                    <td>{fmtValue(v.mine) || "—"}</td>
                    <td>
                      <fieldset className="choice" disabled={!!done || busy}>
                        <legend className="sr-only">Value to keep for {field}</legend>
                        {(["mine", "theirs"] as Choice[]).map((opt) => (
                          <label key={opt}>
                            <input
                              type="radio"
                              name={`${c.recordId}-${field}`}
                              checked={choices[c.recordId]?.[field] === opt}
                              onChange={() =>
                                setChoices((all) => ({ ...all, [c.recordId]: { ...all[c.recordId], [field]: opt } }))
                              }
                            />
                            {opt}
                          </label>
                        ))}
                      </fieldset>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!done && (
              <div className="button-row">
                <button disabled={busy} onClick={() => void resolve(c.recordId, "keep_mine")}>
                  Keep mine
                </button>
                <button disabled={busy} onClick={() => void resolve(c.recordId, "use_theirs")}>
                  Use theirs
                </button>
                <button disabled={busy} onClick={() => void resolve(c.recordId, "merge")}>
                  Merge my choices
                </button>
              </div>
            )}
          </section>
        );
      })}
    </Modal>
  );
}
