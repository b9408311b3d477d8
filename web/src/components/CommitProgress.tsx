/**
 * A running commit's progress (records answered of the total, accepted, conflicts) and a Cancel
 * that stops it before its next record: read from the server while the commit request is open.
 */
import { useEffect, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { CommitProgress as Progress } from "../api/types";

const POLL_MS = 300;

export function CommitProgress({ code, count }: { code: string; count: number }) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const now = await api.commitProgress(code);
        // Until this commit's run exists, the latest one is an earlier, finished commit.
        if (!stopped && now.status === "running") setProgress(now);
      } catch {
        // the next poll tries again; the commit's own answer is what counts
      }
    };
    const timer = window.setInterval(() => void poll(), POLL_MS);
    void poll();
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [code]);

  const cancel = async () => {
    setCancelling(true);
    try {
      await api.cancelCommit(code);
    } catch (e) {
      setError(describeError(e));
      setCancelling(false);
    }
  };

  const total = progress?.total ?? count;
  const answered = progress?.answered ?? 0;
  return (
    <div className="commit-progress" data-testid="commit-progress">
      <progress max={total || 1} value={answered} aria-label="Records sent to PEMS" />
      <p role="status" data-testid="commit-progress-text">
        {answered} of {total} sent · {progress?.accepted ?? 0} accepted · {progress?.conflicts ?? 0} conflict
        {progress?.conflicts === 1 ? "" : "s"}
        {(progress?.failed ?? 0) > 0 && ` · ${progress?.failed} failed`}
        {cancelling && " · stopping before the next record…"}
      </p>
      <button onClick={() => void cancel()} disabled={cancelling} data-testid="commit-cancel">
        {cancelling ? "Cancelling…" : "Cancel the rest"}
      </button>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
