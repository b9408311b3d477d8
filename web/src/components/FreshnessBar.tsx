/**
 * "Last synced N min ago" and when the next sync is due (always visible), the stale warning (by
 * the organization's own schedule, as the server judges it), what the last refresh brought, and
 * "Refresh from PEMS" for editors and admins. While it is shown, the organization is kept fresh:
 * a delta read every POLL_MS while the page is visible, and at once when it becomes visible.
 */
import { useEffect, useRef, useState } from "react";
import { ApiError, describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { SyncRun } from "../api/types";
import { ago, fmtCount, fmtDateTime, until } from "../format";
import { useNow, useVersion } from "../hooks";
import { POLL_MS } from "../state/freshness";
import type { OrgStore } from "../state/orgStore";

const FINISHED = new Set(["succeeded", "success", "failed", "abandoned", "skipped", "error", "cancelled"]);
const FOLLOW_LIMIT_MS = 15 * 60_000;
const EDITOR_FOLLOW_LIMIT_MS = 3 * 60_000;

/** Poll the store while the page is visible; report what each refresh brought. */
function useKeepFresh(store: OrgStore, onChange: (text: string) => void): void {
  const report = useRef(onChange);
  report.current = onChange;
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState !== "visible") return;
      void store
        .poll()
        .then((s) => s?.text && report.current(s.text))
        .catch(() => undefined); // the next tick tries again; a session expiry is handled globally
    };
    const timer = setInterval(tick, POLL_MS);
    document.addEventListener("visibilitychange", tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", tick);
    };
  }, [store]);
}

export function FreshnessBar({ store }: { store: OrgStore }) {
  useVersion(store);
  const now = useNow(15_000);
  const [change, setChange] = useState<string | null>(null);
  useKeepFresh(store, setChange);
  const stale = store.stale;

  return (
    <div className="freshness-bar">
      <span
        className={stale ? "badge badge-stale" : "badge badge-fresh"}
        data-testid="last-synced"
        title={`Last synced ${fmtDateTime(store.lastSyncedAt)}`}
      >
        Last synced {ago(store.lastSyncedAt, now)}
      </span>
      {store.status === "ready" && (
        <span className="muted" data-testid="next-sync" title={fmtDateTime(store.nextSyncAt)}>
          Next sync {until(store.nextSyncAt, now)}
        </span>
      )}
      {stale && store.status === "ready" && (
        <span role="status" className="warning-text" data-testid="stale-warning">
          ⚠ Data may be out of date: the last sync is older than twice the organization's sync interval.
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
      {change && (
        <span role="status" className="muted" data-testid="fresh-notice">
          {change}
        </span>
      )}
      <span className="spacer" />
      {store.canEdit && <RefreshFromPems store={store} onChange={setChange} />}
    </div>
  );
}

/** A new sync's run id, or the id of the one already running (409): either way, one to follow. */
async function requestOrFollow(code: string): Promise<number> {
  try {
    return (await api.refreshOrg(code)).runId;
  } catch (e) {
    const running = e instanceof ApiError && e.status === 409 ? e.body.run_id : undefined;
    if (typeof running === "number") return running;
    throw e;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ask for a sync, follow it to its end, then update the records in place (drafts and undo
 * history stay). Admins see the run's progress; editors follow it through the delta read (the
 * organization's last sync moves when it succeeds).
 */
function RefreshFromPems({ store, onChange }: { store: OrgStore; onChange: (text: string) => void }) {
  const [run, setRun] = useState<SyncRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const cancelled = useRef(false);
  useEffect(() => () => void (cancelled.current = true), []);

  const followAsAdmin = async (runId: number): Promise<SyncRun | undefined> => {
    const started = Date.now();
    let current: SyncRun | undefined;
    while (!cancelled.current && Date.now() - started < FOLLOW_LIMIT_MS) {
      await pause(1000);
      current = (await api.syncRuns(store.code)).find((r) => r.id === runId);
      if (current) setRun(current);
      if (current && FINISHED.has(current.status)) break;
    }
    return current;
  };

  const followAsEditor = async (syncedBefore: string | null): Promise<boolean> => {
    const started = Date.now();
    while (!cancelled.current && Date.now() - started < EDITOR_FOLLOW_LIMIT_MS) {
      await pause(1500);
      const mark = await api.changes(store.code);
      if (mark.lastSyncedAt && mark.lastSyncedAt !== syncedBefore) return true;
    }
    return false;
  };

  const refresh = async () => {
    setBusy(true);
    setMessage(null);
    const syncedBefore = store.lastSyncedAt;
    try {
      const runId = await requestOrFollow(store.code);
      let failure: string | null = null;
      if (store.role === "admin") {
        const current = await followAsAdmin(runId);
        if (!current || !(current.status === "succeeded" || current.status === "success")) {
          failure = `Sync ${current?.status ?? "did not finish"}${current?.error ? `: ${current.error}` : ""}`;
        }
      } else if (!(await followAsEditor(syncedBefore))) {
        failure = "The sync has not finished yet; the grid updates itself when it does.";
      }
      if (cancelled.current) return;
      if (failure) {
        setMessage(failure);
        return;
      }
      const summary = await store.pollAfterCurrent();
      const what = summary?.text || "no record changed";
      setMessage(`Sync done: ${what}.`);
      if (summary?.text) onChange(summary.text);
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
          Syncing…{" "}
          {run ? `${run.status}${run.fetched ? `, ${fmtCount(run.fetched)} fetched` : ""}` : "queued"}
        </span>
      )}
      {!busy && message && (
        <span role="status" className="muted" data-testid="sync-message">
          {message}
        </span>
      )}
      <button onClick={() => void refresh()} disabled={busy}>
        {busy ? "Refreshing…" : "Refresh from PEMS"}
      </button>
    </span>
  );
}
