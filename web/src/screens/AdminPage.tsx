/** Admin: sync status per organization, run now, pause/resume, schedule, recent runs. */
import { useCallback, useEffect, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { OrgSummary, SyncRun, SyncStatus } from "../api/types";
import { ago, fmtCount, fmtDateTime } from "../format";
import { useNow } from "../hooks";

export function AdminPage({ orgs }: { orgs: OrgSummary[] }) {
  const [status, setStatus] = useState<SyncStatus[] | null>(null);
  const [runs, setRuns] = useState<SyncRun[]>([]);
  const [runsOrg, setRunsOrg] = useState<string>("");
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [schedules, setSchedules] = useState<Record<string, string>>({});
  const now = useNow(5_000);

  const refresh = useCallback(async () => {
    try {
      const [s, r] = await Promise.all([api.syncStatus(), api.syncRuns(runsOrg || undefined)]);
      setStatus(s);
      setRuns(r);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, [runsOrg]);

  useEffect(() => {
    void refresh();
  }, [refresh, now]);

  const act = async (label: string, fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
      setMessage(label);
      await refresh();
    } catch (e) {
      setError(describeError(e));
    }
  };

  const mine = new Set(orgs.map((o) => o.code));
  const rows = (status ?? []).filter((s) => mine.has(s.code));

  return (
    <main className="admin-page">
      <h1>Sync administration</h1>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {!status ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <table className="compact admin-table" data-testid="admin-status">
          <caption>Organizations</caption>
          <thead>
            <tr>
              <th scope="col">Org</th>
              <th scope="col">Last synced</th>
              <th scope="col">Last run</th>
              <th scope="col">Next run</th>
              <th scope="col">Schedule (cron)</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.code} className={s.late ? "row-over" : undefined}>
                <th scope="row">
                  {s.code}
                  <div className="muted small">{s.name !== s.code ? s.name : ""}</div>
                </th>
                <td title={fmtDateTime(s.lastSyncedAt)}>
                  {ago(s.lastSyncedAt, now)}
                  {s.late && <span className="tag tag-conflict">late</span>}
                </td>
                <td>
                  {s.lastRun ? (
                    <>
                      <span className={`tag tag-run-${s.lastRun.status}`}>{s.lastRun.status}</span>{" "}
                      <span className="muted small">
                        {ago(s.lastRun.finishedAt ?? s.lastRun.startedAt, now)}
                      </span>
                      <div className="muted small">
                        {fmtCount(s.lastRun.fetched ?? 0)} fetched · {fmtCount(s.lastRun.inserted ?? 0)} new ·{" "}
                        {fmtCount(s.lastRun.updated ?? 0)} updated · {fmtCount(s.lastRun.deleted ?? 0)}{" "}
                        removed
                      </div>
                      {s.lastRun.error && <div className="error-text small">{s.lastRun.error}</div>}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td>{s.paused ? "paused" : s.nextRunAt ? fmtDateTime(s.nextRunAt) : "—"}</td>
                <td>
                  <form
                    className="inline-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const cron = schedules[s.code] ?? s.schedule;
                      void act(`Schedule of ${s.code} set to ${cron}`, () => api.setSchedule(s.code, cron));
                    }}
                  >
                    <input
                      aria-label={`Schedule of ${s.code}`}
                      className="mono"
                      value={schedules[s.code] ?? s.schedule}
                      onChange={(e) => setSchedules({ ...schedules, [s.code]: e.target.value })}
                      size={14}
                    />
                    {!s.customSchedule && <span className="muted small"> default</span>}
                    <button type="submit" aria-label={`Save the schedule of ${s.code}`}>
                      Save
                    </button>
                  </form>
                </td>
                <td>{s.running ? <strong>running…</strong> : s.paused ? "paused" : "idle"}</td>
                <td>
                  <div className="button-row">
                    <button
                      aria-label={`Run a sync of ${s.code} now`}
                      onClick={() => void act(`Sync of ${s.code} requested`, () => api.runSync(s.code))}
                      disabled={s.running}
                    >
                      Run now
                    </button>
                    {s.paused ? (
                      <button
                        aria-label={`Resume ${s.code}`}
                        onClick={() => void act(`${s.code} resumed`, () => api.resumeSync(s.code))}
                      >
                        Resume
                      </button>
                    ) : (
                      <button
                        aria-label={`Pause ${s.code}`}
                        onClick={() => void act(`${s.code} paused`, () => api.pauseSync(s.code))}
                      >
                        Pause
                      </button>
                    )}
                    <button className="link" onClick={() => setRunsOrg(s.code)}>
                      Runs
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section>
        <h2>
          Recent runs{" "}
          <label className="filter inline">
            <span className="sr-only">Organization</span>
            <select
              value={runsOrg}
              onChange={(e) => setRunsOrg(e.target.value)}
              aria-label="Runs of organization"
            >
              <option value="">all organizations</option>
              {orgs.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.code}
                </option>
              ))}
            </select>
          </label>
        </h2>
        <table className="compact" data-testid="admin-runs">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Org</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Fetched</th>
              <th scope="col">New</th>
              <th scope="col">Updated</th>
              <th scope="col">Unchanged</th>
              <th scope="col">Removed</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.slice(0, 50).map((r) => (
              <tr key={r.id}>
                <td>{r.id}</td>
                <td>{r.org ?? ""}</td>
                <td>{r.trigger ?? ""}</td>
                <td>
                  <span className={`tag tag-run-${r.status}`}>{r.status}</span>
                </td>
                <td>{fmtDateTime(r.startedAt)}</td>
                <td className="num">{r.durationMs != null ? `${(r.durationMs / 1000).toFixed(1)} s` : ""}</td>
                <td className="num">{fmtCount(r.fetched)}</td>
                <td className="num">{fmtCount(r.inserted)}</td>
                <td className="num">{fmtCount(r.updated)}</td>
                <td className="num">{fmtCount(r.unchanged)}</td>
                <td className="num">{fmtCount(r.deleted)}</td>
                <td className="error-text small">{r.error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
