/**
 * Commit with a pre-flight review: every drafted record (description, before → after, forecast
 * cost impact; "before" as the mirror holds it now: the records are brought up to date first),
 * picked one by one or by the current filter, the KPI totals before → after, then what PEMS
 * answered: one summary line when PEMS is not answering (the drafts are kept) with a retry.
 * While it commits, a progress bar and a Cancel that stops before the next record.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { CommitResult, KpiBoard, RecordConflict } from "../api/types";
import { countsInKpi, recordCosts } from "../domain/costs";
import { fmtMoney, fmtSigned } from "../format";
import type { Autosaver } from "../state/autosave";
import type { OrgStore } from "../state/orgStore";
import { type Filters, matches } from "../state/query";
import { CommitProgress } from "./CommitProgress";
import { CommitResults } from "./CommitResults";
import { ReviewTable } from "./ReviewTable";
import { Modal } from "./Modal";

interface Props {
  store: OrgStore;
  saver: Autosaver;
  onClose: () => void;
  onConflicts: (conflicts: RecordConflict[]) => void;
  /** The grid's filters: "only the records matching the filter" picks by them. */
  filters?: Filters;
}

export interface ReviewRow {
  id: string;
  pfaId: string;
  description: string;
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
      description: String(merged.description ?? ""),
      state: store.stateOf(id),
      fields: Object.keys(draft).map((name) => ({ name, before: baseline[name], after: draft[name] })),
      // Counted by the one rule of every cost figure (discontinued and funds-transferable
      // records count 0), so the chosen records' impacts add up to the KPI board's.
      costBefore: countsInKpi(baseline) ? recordCosts(baseline).forecast : 0,
      costAfter: countsInKpi(merged) ? recordCosts(merged).forecast : 0,
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

export function CommitDialog({ store, saver, onClose, onConflicts, filters }: Props) {
  const [phase, setPhase] = useState<"saving" | "review" | "committing" | "done">("saving");
  const [kpi, setKpi] = useState<KpiBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<CommitResult | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  // One key per request that got no answer (a retry of it is then replayed, never sent twice);
  // a new one once an answer came back.
  const key = useRef(newIdempotencyKey());
  const rows = useMemo(() => (phase === "saving" ? [] : reviewRows(store)), [phase === "saving", store]);
  const matching = useMemo(
    () =>
      filters ? rows.filter((r) => matches(store.view(r.id) ?? {}, filters, true)).map((r) => r.id) : null,
    [rows, filters, store],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      await saver.flush();
      // "Before" is what PEMS holds now (the mirror), not what the screen loaded.
      await store.pollAfterCurrent().catch(() => null);
      if (cancelled) return;
      if (saver.lastError) setError(`Some drafts are not saved: ${saver.lastError}`);
      setPicked(new Set(store.sandbox.draftIds().filter((id) => store.stateOf(id) !== "orphaned")));
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

  const chosen = rows.filter((r) => picked.has(r.id));
  // Every draft chosen: the API's impact (the KPI board with the drafts minus without), the
  // figure every other screen shows. A part of them: the sum of their impacts, counted by the
  // same rule.
  const impact =
    chosen.length === rows.length
      ? (kpi?.impact?.forecast.total ?? null)
      : chosen.reduce((sum, r) => sum + (r.costAfter - r.costBefore), 0);
  const blocked = rows.filter((r) => r.state === "orphaned").length;

  const commit = async (ids: string[]) => {
    setPhase("committing");
    setError(null);
    try {
      const everything = ids.length === rows.length && rows.every((r) => ids.includes(r.id));
      const answer = await api.commit(store.code, everything ? undefined : ids, key.current);
      key.current = newIdempotencyKey();
      setResult(answer);
      setPhase("done");
      await store.load();
      store.noteServerDraftsChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && Array.isArray(e.body.conflicts)) {
        key.current = newIdempotencyKey();
        for (const c of e.body.conflicts as RecordConflict[]) store.markState(c.recordId, "conflict");
        onConflicts(e.body.conflicts as RecordConflict[]);
        return;
      }
      if (e instanceof ApiError) key.current = newIdempotencyKey();
      setError(describeError(e));
      setPhase(result ? "done" : "review");
    }
  };

  const footer =
    phase === "done" ? (
      <button className="primary" onClick={onClose}>
        Close
      </button>
    ) : (
      <>
        <button onClick={onClose} disabled={phase === "committing"}>
          Cancel
        </button>
        <button
          className="primary"
          onClick={() => void commit(chosen.map((r) => r.id))}
          disabled={phase !== "review" || chosen.length === 0}
          data-testid="commit-confirm"
        >
          {phase === "committing"
            ? "Committing…"
            : `Commit ${chosen.length === rows.length ? "" : `${chosen.length} of `}${rows.length} record${rows.length === 1 ? "" : "s"} to PEMS`}
        </button>
      </>
    );

  return (
    <Modal
      title={phase === "done" ? "Commit results" : "Review before commit"}
      onClose={onClose}
      footer={footer}
      wide
      testId="commit-dialog"
    >
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {phase === "saving" && <p>Saving your last edits…</p>}
      {phase === "committing" && <CommitProgress code={store.code} count={chosen.length} />}
      {(phase === "review" || phase === "committing") && (
        <>
          <p>
            {chosen.length} of {rows.length} record{rows.length === 1 ? "" : "s"} will be written to PEMS.
            Forecast cost impact:{" "}
            <strong className={impact !== null && impact > 0 ? "over" : "under"} data-testid="cost-impact">
              {impact === null ? "…" : `${fmtSigned(impact)} ${kpi?.currency ?? ""}`}
            </strong>
            {kpi?.exclusions.pending && (
              <span className="muted small" data-testid="impact-exclusions">
                {" "}
                ({kpi.exclusions.pending.text})
              </span>
            )}
            {blocked > 0 && (
              <span className="warning-text"> · {blocked} orphaned record(s) cannot be committed.</span>
            )}
          </p>
          <div className="pick-bar" role="group" aria-label="Pick the records to commit">
            <button
              type="button"
              onClick={() => setPicked(new Set(rows.filter((r) => r.state !== "orphaned").map((r) => r.id)))}
            >
              All
            </button>
            <button type="button" onClick={() => setPicked(new Set())}>
              None
            </button>
            {matching && (
              <button type="button" onClick={() => setPicked(new Set(matching))} data-testid="pick-filtered">
                Only the {matching.length} matching the grid's filters
              </button>
            )}
          </div>
          {kpi ? <KpiDelta kpi={kpi} /> : <p className="muted">Loading KPI preview…</p>}
          <ReviewTable rows={rows} picked={picked} onPick={setPicked} />
        </>
      )}
      {phase === "done" && result && (
        <CommitResults
          result={result}
          onRetry={(ids) => void commit(ids)}
          labelOf={(id) => String(store.view(id)?.pfaId ?? id)}
        />
      )}
    </Modal>
  );
}
