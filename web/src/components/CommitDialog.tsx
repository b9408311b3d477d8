/**
 * Commit with a pre-flight review: every change before → after with its forecast cost impact
 * ("before" as the mirror holds it now: the records are brought up to date first), the KPI
 * totals before → after, then the per-record results PEMS gave.
 */
import { useEffect, useMemo, useState } from "react";
import { ApiError, describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { CommitResult, KpiBoard, RecordConflict } from "../api/types";
import { recordCosts } from "../domain/costs";
import { FIELDS_BY_NAME } from "../domain/fields";
import { fmtMoney, fmtSigned, fmtValue } from "../format";
import type { Autosaver } from "../state/autosave";
import type { OrgStore } from "../state/orgStore";
import { Modal } from "./Modal";

interface Props {
  store: OrgStore;
  saver: Autosaver;
  onClose: () => void;
  onConflicts: (conflicts: RecordConflict[]) => void;
}

interface ReviewRow {
  id: string;
  pfaId: string;
  state: string;
  fields: { name: string; before: unknown; after: unknown }[];
  costBefore: number;
  costAfter: number;
}

export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function reviewRows(store: OrgStore): ReviewRow[] {
  return store.sandbox.draftIds().map((id) => {
    const draft = store.sandbox.draftOf(id) ?? {};
    const baseline = store.baselineOf(id) ?? {};
    const merged = { ...baseline, ...draft };
    return {
      id,
      pfaId: String(merged.pfaId ?? id),
      state: store.stateOf(id),
      fields: Object.keys(draft).map((name) => ({ name, before: baseline[name], after: draft[name] })),
      costBefore: recordCosts(baseline).forecast,
      costAfter: recordCosts(merged).forecast,
    };
  });
}

export function KpiDelta({ kpi }: { kpi: KpiBoard }) {
  const rows: [string, number, number][] = [
    ["Plan", kpi.total.current.plan.total, kpi.total.pending.plan.total],
    ["Forecast", kpi.total.current.forecast.total, kpi.total.pending.forecast.total],
    ["Actual", kpi.total.current.actual.total, kpi.total.pending.actual.total],
    ["Variance", kpi.total.current.variance, kpi.total.pending.variance],
  ];
  return (
    <table className="compact kpi-delta" data-testid="kpi-delta">
      <caption>KPI totals: committed → with these drafts</caption>
      <thead>
        <tr>
          <th scope="col">Figure</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, before, after]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className={name === "Variance" && before > 0 ? "num over" : "num"}>{fmtMoney(before)}</td>
            <td className={name === "Variance" && after > 0 ? "num over" : "num"}>{fmtMoney(after)}</td>
            <td className="num">{fmtSigned(after - before)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CommitDialog({ store, saver, onClose, onConflicts }: Props) {
  const [phase, setPhase] = useState<"saving" | "review" | "committing" | "done">("saving");
  const [kpi, setKpi] = useState<KpiBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<CommitResult | null>(null);
  const key = useMemo(newIdempotencyKey, []);
  const rows = useMemo(() => (phase === "review" ? reviewRows(store) : []), [phase, store]);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      await saver.flush();
      // "Before" is what PEMS holds now (the mirror), not what the screen loaded.
      await store.pollAfterCurrent().catch(() => null);
      if (cancelled) return;
      if (saver.lastError) setError(`Some drafts are not saved: ${saver.lastError}`);
      setPhase("review");
      try {
        const board = await api.kpi(store.code, true);
        if (!cancelled) setKpi(board);
      } catch (e) {
        if (!cancelled) setError(`KPI preview unavailable: ${describeError(e)}`);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [saver, store]);

  // The API's impact (the KPI board with the drafts minus without): the same figure, counted by
  // the same rule, as the KPI table below and every other screen.
  const impact = kpi?.impact?.forecast.total ?? null;
  const blocked = rows.filter((r) => r.state === "orphaned").length;

  const commit = async () => {
    setPhase("committing");
    setError(null);
    try {
      const answer = await api.commit(store.code, undefined, key);
      setResult(answer);
      setPhase("done");
      await store.load();
      store.noteServerDraftsChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && Array.isArray(e.body.conflicts)) {
        for (const c of e.body.conflicts as RecordConflict[]) store.markState(c.recordId, "conflict");
        onConflicts(e.body.conflicts as RecordConflict[]);
        return;
      }
      setError(describeError(e));
      setPhase("review");
    }
  };

  const footer =
    phase === "done" ? (
      <button className="primary" onClick={onClose}>
        Close
      </button>
    ) : (
      <>
        <button onClick={onClose}>Cancel</button>
        <button
          className="primary"
          onClick={() => void commit()}
          disabled={phase !== "review" || rows.length === 0}
          data-testid="commit-confirm"
        >
          {phase === "committing" ? "Committing…" : `Commit ${rows.length} record${rows.length === 1 ? "" : "s"} to PEMS`}
        </button>
      </>
    );

  return (
    <Modal title={phase === "done" ? "Commit results" : "Review before commit"} onClose={onClose} footer={footer} wide testId="commit-dialog">
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {phase === "saving" && <p>Saving your last edits…</p>}
      {(phase === "review" || phase === "committing") && (
        <>
          <p>
            {rows.length} record{rows.length === 1 ? "" : "s"} will be written to PEMS. Forecast cost impact:{" "}
            <strong className={impact !== null && impact > 0 ? "over" : "under"} data-testid="cost-impact">
              {impact === null ? "…" : `${fmtSigned(impact)} ${kpi?.currency ?? ""}`}
            </strong>
            {kpi?.exclusions.pending && <span className="muted small" data-testid="impact-exclusions"> ({kpi.exclusions.pending.text})</span>}
            {blocked > 0 && <span className="warning-text"> · {blocked} orphaned record(s) cannot be committed.</span>}
          </p>
          {kpi ? <KpiDelta kpi={kpi} /> : <p className="muted">Loading KPI preview…</p>}
          <div className="table-scroll">
            <table className="compact" data-testid="review-table">
              <caption className="sr-only">Changes to commit</caption>
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Field</th>
                  <th scope="col">Before (PEMS)</th>
                  <th scope="col">After (yours)</th>
                  <th scope="col">Forecast cost</th>
                </tr>
              </thead>
              <tbody>
                {rows.flatMap((r) =>
                  r.fields.map((f, i) => (
                    <tr key={`${r.id}-${f.name}`} className={r.state !== "draft" ? `state-${r.state}` : undefined}>
                      {i === 0 && (
                        <th scope="row" rowSpan={r.fields.length}>
                          {r.pfaId}
                          {r.state !== "draft" && <span className={`tag tag-${r.state}`}>{r.state}</span>}
                        </th>
                      )}
                      <td>{FIELDS_BY_NAME.get(f.name)?.label ?? f.name}</td>
                      <td>{fmtValue(f.before) || "—"}</td>
                      <td>
                        <strong>{fmtValue(f.after) || "—"}</strong>
                      </td>
                      {i === 0 && (
                        <td rowSpan={r.fields.length} className="num">
                          {fmtMoney(r.costBefore)} → {fmtMoney(r.costAfter)}{" "}
                          <span className={r.costAfter > r.costBefore ? "over" : "under"}>({fmtSigned(r.costAfter - r.costBefore)})</span>
                        </td>
                      )}
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
      {phase === "done" && result && (
        <div data-testid="commit-results">
          <p role="status">
            <strong>{result.committed.length}</strong> committed, <strong>{result.failed.length}</strong> failed.
          </p>
          <ul className="results">
            {result.committed.map((id) => (
              <li key={id} className="ok">
                ✓ {id} accepted by PEMS
              </li>
            ))}
            {result.failed.map((f) => (
              <li key={f.recordId} className="failed">
                ✗ {f.recordId}: {f.reason} (your draft is kept)
              </li>
            ))}
          </ul>
        </div>
      )}
    </Modal>
  );
}
