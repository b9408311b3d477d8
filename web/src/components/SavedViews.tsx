/** Named views: open one of yours or one shared with the organization; save the current one. */
import { useEffect, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { SavedView } from "../api/types";

export function SavedViews({
  code,
  query,
  onApply,
}: {
  code: string;
  query: string;
  onApply: (query: string) => void;
}) {
  const [views, setViews] = useState<SavedView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const refresh = () =>
    api
      .listViews(code)
      .then((v) => (setViews(v), setError(null)))
      .catch((e) => setError(describeError(e)));
  useEffect(() => {
    void refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code]);
  const save = async () => {
    try {
      await api.saveView(code, name.trim(), query, shared);
      setName("");
      await refresh();
    } catch (e) {
      setError(describeError(e));
    }
  };
  const remove = async (id: number) => {
    try {
      await api.deleteView(code, id);
      await refresh();
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <div className="saved-views" data-testid="saved-views">
      <label>
        View{" "}
        <select
          value=""
          onChange={(e) => {
            const view = views.find((v) => String(v.id) === e.target.value);
            if (view) onApply(view.query);
          }}
          data-testid="saved-view-open"
        >
          <option value="">{views.length ? "open a saved view…" : "no saved views"}</option>
          {views.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
              {v.mine ? (v.shared ? " (shared)" : "") : ` (by ${v.owner})`}
            </option>
          ))}
        </select>
      </label>
      <input
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="name this view"
        maxLength={80}
        aria-label="View name"
        data-testid="saved-view-name"
      />
      <label className="check">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> share with
        everyone here
      </label>
      <button type="button" disabled={!name.trim()} onClick={() => void save()} data-testid="saved-view-save">
        Save view
      </button>
      <button
        type="button"
        onClick={() => void navigator.clipboard?.writeText(window.location.href)}
        title="Copy a link to this view"
      >
        Copy link
      </button>
      {views.some((v) => v.mine) && (
        <details>
          <summary>Manage</summary>
          {views
            .filter((v) => v.mine)
            .map((v) => (
              <button
                key={v.id}
                type="button"
                className="mini"
                onClick={() => void remove(v.id)}
                aria-label={`Delete view ${v.name}`}
              >
                ✕ {v.name}
              </button>
            ))}
        </details>
      )}
      {error && (
        <span role="alert" className="error-text">
          {error}
        </span>
      )}
    </div>
  );
}
