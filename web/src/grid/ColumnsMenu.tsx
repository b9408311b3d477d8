/**
 * The grid's columns, arranged: show or hide each, move it left or right, pin the columns up to
 * it (frozen at the left while scrolling), or go back to the default arrangement. Widths are set
 * by dragging the header's edges.
 */
import { useState } from "react";
import type { Column } from "./columns";
import {
  type ColumnLayout,
  DEFAULT_LAYOUT,
  applyLayout,
  moveColumn,
  pinThrough,
  setHidden,
} from "./columnLayout";

interface Props {
  columns: readonly Column[];
  layout: ColumnLayout;
  onChange: (layout: ColumnLayout) => void;
}

export function ColumnsMenu({ columns, layout, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const all = applyLayout(columns, { ...layout, hidden: [] }).columns;
  const { columns: shown, pinned } = applyLayout(columns, layout);
  const hidden = new Set(layout.hidden);
  const pinnedKeys = new Set(shown.slice(0, pinned).map((c) => c.key));
  return (
    <div className="columns-menu">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="columns-panel"
        onClick={() => setOpen(!open)}
        data-testid="columns-open"
      >
        Columns{layout.hidden.length > 0 ? ` (${layout.hidden.length} hidden)` : ""}
      </button>
      {open && (
        <div
          id="columns-panel"
          className="columns-panel"
          role="group"
          aria-label="Arrange the columns"
          data-testid="columns-panel"
          onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
        >
          <ol>
            {all.map((c, i) => (
              <li key={c.key} data-column={c.key}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={!hidden.has(c.key)}
                    disabled={!hidden.has(c.key) && shown.length === 1}
                    onChange={(e) => onChange(setHidden(layout, c.key, !e.target.checked))}
                  />
                  {c.label}
                </label>
                <span className="column-actions">
                  <button
                    type="button"
                    className="mini"
                    disabled={i === 0}
                    aria-label={`Move ${c.label} left`}
                    onClick={() => onChange(moveColumn(columns, layout, c.key, -1))}
                  >
                    ←
                  </button>
                  <button
                    type="button"
                    className="mini"
                    disabled={i === all.length - 1}
                    aria-label={`Move ${c.label} right`}
                    onClick={() => onChange(moveColumn(columns, layout, c.key, 1))}
                  >
                    →
                  </button>
                  <button
                    type="button"
                    className="mini"
                    aria-pressed={pinnedKeys.has(c.key)}
                    disabled={hidden.has(c.key)}
                    aria-label={`Pin the columns through ${c.label}`}
                    title="Keep the columns up to this one at the left while scrolling"
                    onClick={() => onChange(pinThrough(columns, layout, c.key))}
                  >
                    📌
                  </button>
                </span>
              </li>
            ))}
          </ol>
          <div className="button-row">
            <button type="button" onClick={() => onChange(DEFAULT_LAYOUT)} data-testid="columns-reset">
              Default columns
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
