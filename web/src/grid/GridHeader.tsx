/**
 * The grid's header row: sort buttons (Ctrl/Shift+click selects columns), the ✎ of editable
 * columns, the pinned columns kept at the left, and a handle at each column's right edge that
 * resizes it (drag; double-click gives the default width back).
 */
import { Fragment, useRef, useState } from "react";
import type { Sort } from "../state/query";
import type { Column } from "./columns";
import { GUTTER } from "./GridRow";

interface Props {
  columns: readonly Column[];
  pinned: number;
  left: readonly number[];
  total: number;
  height: number;
  colFrom: number;
  colTo: number;
  spacer: number;
  sort: Sort | null;
  canEdit: boolean;
  onSort: (sort: Sort | null) => void;
  onSelectCols: (col: number, extend: boolean) => void;
  onResize?: (key: string, width: number | null) => void;
}

export function GridHeader(props: Props) {
  const { columns, pinned, left, sort, canEdit, colFrom, colTo, spacer } = props;
  // The width shown while a handle is dragged (written once the mouse is released).
  const [drag, setDrag] = useState<{ key: string; width: number } | null>(null);
  const start = useRef<{ x: number; width: number } | null>(null);

  const beginResize = (e: React.MouseEvent, c: Column) => {
    e.preventDefault();
    e.stopPropagation();
    start.current = { x: e.clientX, width: c.width };
    let width = c.width;
    const move = (ev: MouseEvent) => {
      if (!start.current) return;
      width = Math.max(48, start.current.width + ev.clientX - start.current.x);
      setDrag({ key: c.key, width });
    };
    const up = () => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", up);
      start.current = null;
      setDrag(null);
      if (width !== c.width) props.onResize?.(c.key, width);
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", up);
  };

  return (
    <div
      className="grid-header"
      role="row"
      aria-rowindex={1}
      style={{ width: props.total, height: props.height }}
    >
      <div className="gh-cell gutter sticky-0" role="columnheader" style={{ width: GUTTER }}>
        <span className="sr-only">State</span>
      </div>
      {columns.map((c, i) => {
        if (i >= pinned && (i < colFrom || i > colTo)) return null;
        const sorted = sort?.field === c.key ? sort.dir : undefined;
        const width = drag?.key === c.key ? drag.width : c.width;
        const isPinned = i < pinned;
        return (
          <Fragment key={c.key}>
            {i === colFrom && spacer > 0 && (
              <div className="col-spacer" style={{ width: spacer }} aria-hidden="true" />
            )}
            <div
              role="columnheader"
              aria-colindex={i + 2}
              aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
              aria-readonly={!(c.editable && canEdit) || undefined}
              className={`gh-cell${c.editable && canEdit ? " editable-col" : ""}${isPinned ? " sticky-1" : ""}${i === pinned - 1 ? " pin-edge" : ""}${c.align ? ` align-${c.align}` : ""}`}
              style={{ width, left: isPinned ? left[i] : undefined }}
              data-field={c.key}
            >
              <button
                className="sort-button"
                tabIndex={-1}
                title={`${c.label} — sort by it${c.editable && canEdit ? " (editable)" : ""}; Ctrl+click selects the column`}
                onClick={(e) => {
                  if (e.ctrlKey || e.metaKey || e.shiftKey) {
                    props.onSelectCols(i, e.shiftKey);
                    return;
                  }
                  props.onSort(
                    sorted === "asc"
                      ? { field: c.key, dir: "desc" }
                      : sorted === "desc"
                        ? null
                        : { field: c.key, dir: "asc" },
                  );
                }}
              >
                {/* the arrow first: a label the column cuts off never hides the sort */}
                {sorted && (
                  <span aria-hidden="true" className="sort-arrow">
                    {sorted === "asc" ? "▲ " : "▼ "}
                  </span>
                )}
                <span className="gh-label">{c.label}</span>
                {c.editable && canEdit && (
                  <span aria-hidden="true" className="pencil">
                    {" "}
                    ✎
                  </span>
                )}
              </button>
              {props.onResize && (
                <span
                  className="col-resize"
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize ${c.label}`}
                  title="Drag to resize; double-click for the default width"
                  data-testid={`resize-${c.key}`}
                  onMouseDown={(e) => beginResize(e, c)}
                  onDoubleClick={() => props.onResize?.(c.key, null)}
                />
              )}
            </div>
          </Fragment>
        );
      })}
    </div>
  );
}
