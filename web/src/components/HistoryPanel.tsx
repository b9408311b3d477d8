/** One record's history (every field PEMS or a commit changed), in a dialog opened from the grid. */
import { useEffect, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { HistoryChange } from "../api/types";
import { HistoryTable } from "./HistoryTable";
import { Modal } from "./Modal";

export function HistoryPanel({
  code,
  recordId,
  onClose,
}: {
  code: string;
  recordId: string;
  onClose: () => void;
}) {
  const [changes, setChanges] = useState<HistoryChange[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (cursor?: string) => {
    try {
      const page = await api.history(code, { pfa_id: recordId, cursor, limit: 100 });
      setChanges((before) => [...(cursor ? (before ?? []) : []), ...page.changes]);
      setNext(page.nextCursor ?? null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code, recordId]);

  return (
    <Modal title={`History of ${recordId}`} onClose={onClose} wide testId="history-panel">
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {changes === null ? (
        <p aria-busy="true">Loading history…</p>
      ) : (
        <HistoryTable changes={changes} showRecord={false} />
      )}
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Older changes
        </button>
      )}
    </Modal>
  );
}
