/**
 * Conflict resolution: for each record PEMS changed under a draft, base / theirs / mine per field
 * the user changed too, and every other field PEMS changed since the draft began (from the
 * server's copy of the record the draft began from, so a screen loaded after PEMS's change shows
 * them too; so that "keep mine" never yields a combination nobody chose unseen); keep mine, use
 * theirs, or pick per field — for one record or all at once; then commit.
 */
import { useState } from "react";
import { ApiError, describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { RecordConflict, ResolveStrategy } from "../api/types";
import { EDITABLE_FIELDS, FIELDS_BY_NAME } from "../domain/fields";
import type { Json } from "../domain/values";
import { fmtValue } from "../format";
import type { Autosaver } from "../state/autosave";
import type { OrgStore } from "../state/orgStore";
import { newIdempotencyKey } from "./CommitDialog";
import { type Choice, chooseAll, pemsOnlyChanges, resolution } from "./conflictChoices";
import { Modal } from "./Modal";

interface Props {
  store: OrgStore;
  saver: Autosaver;
  conflicts: RecordConflict[];
  onClose: () => void;
  onCommitted: (message: string) => void;
}

export function ConflictDialog({ store, saver, conflicts: initial, onClose, onCommitted }: Props) {
  const [conflicts, setConflicts] = useState(initial);
  const [choices, setChoices] = useState<Record<string, Record<string, Choice>>>(() =>
    Object.fromEntries(initial.map((c) => [c.recordId, chooseAll(c, "mine")])),
  );
  // Other fields PEMS changed, set back to the value seen before ("mine") or kept ("theirs").
  const [others, setOthers] = useState<Record<string, Record<string, Choice>>>({});
  const [resolved, setResolved] = useState<Record<string, ResolveStrategy>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const resolveOne = async (id: string, strategy: ResolveStrategy) => {
    const conflict = conflicts.find((c) => c.recordId === id);
    if (!conflict) return;
    const pemsOnly = pemsOnlyChanges(conflict, store.pemsChangesOf(id));
    const otherChoices = Object.fromEntries(
      Object.keys(pemsOnly).map((f) => [
        f,
        strategy === "use_theirs" ? "theirs" : (others[id]?.[f] ?? "theirs"),
      ]),
    ) as Record<string, Choice>;
    const send = resolution(strategy, choices[id] ?? chooseAll(conflict, "mine"), otherChoices);
    const answer = await api.resolveConflict(store.code, id, send.strategy, send.fields);
    await store.reloadRecord(id);
    // The radios show what was kept.
    if (strategy !== "merge") {
      setChoices((all) => ({
        ...all,
        [id]: chooseAll(conflict, strategy === "keep_mine" ? "mine" : "theirs"),
      }));
    }
    setOthers((all) => ({ ...all, [id]: otherChoices }));
    // A change only this screen saw (the server did not know the record the draft began
    // from) set back here: a draft of the value seen before.
    const back = Object.entries(otherChoices).filter(
      ([f, c]) => c === "mine" && !(f in (answer.restored ?? {})) && EDITABLE_FIELDS.includes(f),
    );
    if (back.length > 0) {
      store.sandbox.edit(`keep ${id} as seen before PEMS's change`, [
        {
          recordId: id,
          changes: Object.fromEntries(back.map(([f]) => [f, (pemsOnly[f]?.base ?? null) as Json])),
        },
      ]);
      await saver.flush();
    }
    setResolved((r) => ({ ...r, [id]: strategy }));
  };

  const resolve = async (ids: string[], strategy: ResolveStrategy) => {
    setBusy(true);
    setError(null);
    try {
      await saver.flush();
      for (const id of ids) await resolveOne(id, strategy);
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
      onCommitted(
        `${result.committed.length} committed, ${result.failed.length} failed${failed ? ` (${failed})` : ""}.`,
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && Array.isArray(e.body.conflicts)) {
        const next = e.body.conflicts as RecordConflict[];
        setConflicts(next);
        setResolved({});
        setChoices(Object.fromEntries(next.map((c) => [c.recordId, chooseAll(c, "mine")])));
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
          <button
            className="primary"
            disabled={busy || open.length > 0}
            onClick={() => void commit()}
            data-testid="conflict-commit"
          >
            Commit now
          </button>
        </>
      }
    >
      <p>
        PEMS changed these records after your draft began. For each field, <em>base</em> is the value your
        draft started from, <em>theirs</em> is PEMS's value now, <em>mine</em> is your draft.
      </p>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {open.length > 0 && (
        <div className="button-row">
          <button
            disabled={busy}
            onClick={() =>
              void resolve(
                open.map((c) => c.recordId),
                "keep_mine",
              )
            }
            data-testid="keep-all-mine"
          >
            Keep all mine ({open.length} record{open.length === 1 ? "" : "s"})
          </button>
          <button
            disabled={busy}
            onClick={() =>
              void resolve(
                open.map((c) => c.recordId),
                "use_theirs",
              )
            }
            data-testid="use-all-theirs"
          >
            Use all theirs ({open.length} record{open.length === 1 ? "" : "s"})
          </button>
        </div>
      )}
      {conflicts.map((c) => {
        const done = resolved[c.recordId];
        const pfaId = String(store.view(c.recordId)?.pfaId ?? c.recordId);
        const alsoChanged = Object.entries(pemsOnlyChanges(c, store.pemsChangesOf(c.recordId)));
        return (
          <section
            key={c.recordId}
            className="conflict"
            aria-label={`Conflict on ${pfaId}`}
            data-testid="conflict-record"
          >
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
                                setChoices((all) => ({
                                  ...all,
                                  [c.recordId]: { ...all[c.recordId], [field]: opt },
                                }))
                              }
                            />
                            {opt}
                          </label>
                        ))}
                      </fieldset>
                    </td>
                  </tr>
                ))}
                {alsoChanged.map(([field, v]) => (
                  <tr key={field} className="pems-also" data-testid="pems-also-changed">
                    <th scope="row">
                      {FIELDS_BY_NAME.get(field)?.label ?? field} <span className="tag">PEMS only</span>
                    </th>
                    <td>{fmtValue(v.base) || "—"}</td>
                    <td>{fmtValue(v.theirs) || "—"}</td>
                    <td>(not changed by you)</td>
                    <td>
                      <fieldset
                        className="choice"
                        disabled={!!done || busy || !EDITABLE_FIELDS.includes(field)}
                      >
                        <legend className="sr-only">Value to keep for {field}</legend>
                        {(["theirs", "mine"] as Choice[]).map((opt) => (
                          <label key={opt}>
                            <input
                              type="radio"
                              name={`${c.recordId}-${field}`}
                              checked={(others[c.recordId]?.[field] ?? "theirs") === opt}
                              onChange={() =>
                                setOthers((all) => ({
                                  ...all,
                                  [c.recordId]: { ...all[c.recordId], [field]: opt },
                                }))
                              }
                            />
                            {opt === "theirs" ? "theirs" : "as before"}
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
                <button disabled={busy} onClick={() => void resolve([c.recordId], "keep_mine")}>
                  Keep mine
                </button>
                <button disabled={busy} onClick={() => void resolve([c.recordId], "use_theirs")}>
                  Use theirs
                </button>
                <button disabled={busy} onClick={() => void resolve([c.recordId], "merge")}>
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
