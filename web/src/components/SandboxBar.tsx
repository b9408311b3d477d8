/** The sandbox at a glance: draft count, undo/redo, save state, commit and discard. */
import { useEffect, useState } from "react";
import { ago } from "../format";
import { useNotified, useNow, useVersion } from "../hooks";
import type { Autosaver } from "../state/autosave";
import type { OrgStore } from "../state/orgStore";

interface Props {
  store: OrgStore;
  saver: Autosaver;
  notice: string | null;
  onUndo: () => void;
  onRedo: () => void;
  onCommit: () => void;
  onDiscard: () => void;
  /** Show only the records in conflict (the grid's filter). */
  onShowConflicts?: () => void;
}

export function SandboxBar({
  store,
  saver,
  notice,
  onUndo,
  onRedo,
  onCommit,
  onDiscard,
  onShowConflicts,
}: Props) {
  useVersion(store);
  useNotified(saver);
  const now = useNow(30_000);
  const { sandbox } = store;
  const count = sandbox.draftCount;
  const conflicts = store.conflictIds().length;
  const [shownNotice, setShownNotice] = useState(notice);
  useEffect(() => setShownNotice(notice), [notice]);

  const saveText =
    saver.status === "saving"
      ? "Saving…"
      : saver.status === "dirty"
        ? "Unsaved changes"
        : saver.status === "error"
          ? "Not saved"
          : saver.lastSavedAt
            ? `All changes saved ${ago(new Date(saver.lastSavedAt).toISOString(), now)}`
            : "All changes saved";

  return (
    <div className="sandbox-bar" role="toolbar" aria-label="Drafts">
      <span className="draft-count" data-testid="draft-count" aria-live="polite">
        <strong>{count}</strong> draft{count === 1 ? "" : "s"}
      </span>
      {conflicts > 0 && (
        <button
          className="link warning-text"
          onClick={onShowConflicts}
          data-testid="conflict-count"
          title="Show only the records in conflict"
        >
          ⚠ {conflicts} conflict{conflicts === 1 ? "" : "s"}
        </button>
      )}
      {store.canEdit ? (
        <>
          <button
            onClick={onUndo}
            disabled={!sandbox.canUndo}
            title={sandbox.undoLabel ? `Undo ${sandbox.undoLabel} (Ctrl+Z)` : "Undo (Ctrl+Z)"}
            aria-keyshortcuts="Control+Z"
          >
            ↶ Undo
          </button>
          <button
            onClick={onRedo}
            disabled={!sandbox.canRedo}
            title={
              sandbox.redoLabel
                ? `Redo ${sandbox.redoLabel} (Ctrl+Shift+Z / Ctrl+Y)`
                : "Redo (Ctrl+Shift+Z / Ctrl+Y)"
            }
            aria-keyshortcuts="Control+Shift+Z Control+Y"
          >
            ↷ Redo
          </button>
          <span className={`save-status save-${saver.status}`} data-testid="save-status" role="status">
            {saveText}
          </span>
          <span className="spacer" />
          <button className="primary" onClick={onCommit} disabled={count === 0} data-testid="commit-open">
            Review &amp; commit…
          </button>
          <button className="danger-outline" onClick={onDiscard} disabled={count === 0}>
            Discard…
          </button>
        </>
      ) : (
        <span className="muted" data-testid="read-only">
          Read only: your role in {store.code} is {store.role}.
        </span>
      )}
      {saver.lastError && (
        <p role="alert" className="error-text bar-line" data-testid="save-error">
          Not saved: {saver.lastError}
        </p>
      )}
      {shownNotice && (
        <p role="status" className="notice bar-line" data-testid="notice">
          {shownNotice}{" "}
          <button className="link" onClick={() => setShownNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </p>
      )}
    </div>
  );
}
