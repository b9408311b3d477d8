/** "Last synced N min ago" (always visible), a stale warning, and the admin's Refresh now. */
import { useEffect, useRef, useState } from "react";
import { ApiError, describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { SyncRun } from "../api/types";
import { ago, fmtCount, fmtDateTime, minutesSince } from "../format";
import { useNow, useVersion } from "../hooks";
import type { OrgStore } from "../state/orgStore";

export const STALE_MINUTES = 30;
const FINISHED = new Set(["succeeded", "success", "failed", "abandoned", "skipped", "error", "cancelled"]);

export function FreshnessBar({ store }: { store: OrgStore }) {
  useVersion(store);
  const now = useNow(15_000);
  const minutes = minutesSince(store.lastSyncedAt, now);
  const stale = store.stale || minutes === null || minutes > STALE_MINUTES;

  return (
    <div className="freshness-bar">
      <span
        className={stale ? "badge badge-stale" : "badge badge-fresh"}
        data-testid="last-synced"
        title={`Last synced ${fmtDateTime(store.lastSyncedAt)}`}
      >
        Last synced {ago(store.lastSyncedAt, now)}
      </span>
      {stale && store.status === "ready" && (
        <span role="status" className="warning-text" data-testid="stale-warning">
          ⚠ Data may be out of date: the last sync is more than {STALE_MINUTES} minutes old.
        </span>
      )}
      {store.status === "loading" && <span className="muted">Loading records…</span>}
      {store.status === "error" && (
        <span role="alert" className="error-text">
          Could not load records: {store.error} <button onClick={() => void store.load()}>Retry</button>
        </span>
      )}
      {store.status === "ready" && (
        <span className="muted" data-testid="load-info">
          {fmtCount(store.rows.length)} records loaded
          {store.loadMs !== null ? ` in ${(store.loadMs / 1000).toFixed(2)} s` : ""}
        </span>
      )}
      <span className="spacer" />
      {store.role === "admin" && <RefreshNow store={store} />}
    </div>
  );
}

/** A new sync's run id, or the id of the one already running (409): either way, one to follow. */
async function requestOrFollow(code: string): Promise<number> {
  try {
    return (await api.runSync(code)).runId;
  } catch (e) {
    const running = e instanceof ApiError && e.status === 409 ? e.body.run_id : undefined;
    if (typeof running === "number") return running;
    throw e;
  }
}

function RefreshNow({ store }: { store: OrgStore }) {
  const [run, setRun] = useState<SyncRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const cancelled = useRef(false);
  useEffect(() => () => void (cancelled.current = true), []);

  const refresh = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const runId = await requestOrFollow(store.code);
      const started = Date.now();
      let current: SyncRun | undefined;
      while (!cancelled.current && Date.now() - started < 15 * 60_000) {
        await new Promise((r) => setTimeout(r, 1000));
        const runs = await api.syncRuns(store.code);
        current = runs.find((r) => r.id === runId);
        if (current) setRun(current);
        if (current && FINISHED.has(current.status)) break;
      }
      if (cancelled.current) return;
      if (current && (current.status === "succeeded" || current.status === "success")) {
        setMessage(
          `Sync done: ${fmtCount(current.inserted ?? 0)} new, ${fmtCount(current.updated ?? 0)} updated, ` +
            `${fmtCount(current.deleted ?? 0)} removed. Reloading…`,
        );
        await store.load();
        store.noteServerDraftsChanged();
        setMessage("Sync done; records reloaded.");
      } else {
        setMessage(`Sync ${current?.status ?? "did not finish"}${current?.error ? `: ${current.error}` : ""}`);
      }
    } catch (e) {
      setMessage(describeError(e));
    } finally {
      setBusy(false);
      setRun(null);
    }
  };

  return (
    <span className="refresh-now">
      {busy && (
        <span role="status" className="muted" data-testid="sync-progress">
          Syncing… {run ? `${run.status}${run.fetched ? `, ${fmtCount(run.fetched)} fetched` : ""}` : "queued"}
        </span>
      )}
      {!busy && message && (
        <span role="status" className="muted" data-testid="sync-message">
          {message}
        </span>
      )}
      <button onClick={() => void refresh()} disabled={busy}>
        {busy ? "Refreshing…" : "Refresh now"}
      </button>
    </span>
  );
}
