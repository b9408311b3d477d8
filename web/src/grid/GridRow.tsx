/** One row of the records grid: state markers in the gutter, the cells, the open editor. */
import { Fragment, memo } from "react";
import type { RecordState } from "../api/types";
import type { Json } from "../domain/values";
import { fmtValue } from "../format";
import { type Column, cellValue } from "./columns";
import type { Pos } from "./selection";

export const ROW_HEIGHT = 28;
export const GUTTER = 64;

const MARKERS: Record<RecordState, { symbol: string; label: string }> = {
  pristine: { symbol: "", label: "" },
  draft: { symbol: "●", label: "draft" },
  conflict: { symbol: "⚠", label: "conflict: PEMS changed a field you changed" },
  orphaned: { symbol: "✕", label: "orphaned: the record was removed from PEMS" },
};

export interface RowEvents {
  down: (p: Pos, e: React.MouseEvent) => void;
  enter: (p: Pos) => void;
  gutter: (row: number, e: React.MouseEvent) => void;
  handle: (e: React.MouseEvent) => void;
  up: () => void;
}

interface RowProps {
  id: string;
  rowIndex: number;
  top: number;
  width: number;
  columns: readonly Column[];
  colFrom: number;
  colTo: number;
  /** The left offset of each pinned (sticky) column; the others scroll. */
  pinnedLeft: readonly number[];
  spacer: number;
  data: Record<string, unknown> | undefined;
  draft: Readonly<Record<string, Json>> | undefined;
  baseline: Readonly<Record<string, unknown>> | undefined;
  state: RecordState;
  activeCol: number;
  /** Selected columns of this row (-1 when none besides the active cell). */
  selFrom: number;
  selTo: number;
  /** The column whose cell carries the fill handle (-1: none in this row). */
  handleCol: number;
  events: React.RefObject<RowEvents>;
  editingCol: number;
  canEdit: boolean;
  onCellDoubleClick: (col: number) => void;
  onRevert: () => void;
  onOpenConflict: () => void;
  editor?: (column: Column, value: unknown) => React.ReactNode;
}

export const GridRow = memo(
  function GridRow(props: RowProps) {
    const {
      id,
      rowIndex,
      top,
      width,
      columns,
      colFrom,
      colTo,
      spacer,
      data,
      draft,
      baseline,
      state,
      activeCol,
      editingCol,
      canEdit,
    } = props;
    const marker = MARKERS[state];
    return (
      <div
        role="row"
        aria-rowindex={rowIndex + 2}
        className={`grid-row state-${state}${rowIndex % 2 ? " odd" : ""}`}
        style={{ transform: `translateY(${top}px)`, width, height: ROW_HEIGHT }}
        data-record-id={id}
        data-state={state}
      >
        <div
          role="rowheader"
          className={`g-cell gutter sticky-0${props.selFrom === 0 && props.selTo === columns.length - 1 ? " selected" : ""}`}
          style={{ width: GUTTER }}
          title="Click selects the row, Shift+click a range of rows"
          onMouseDown={(e) => props.events.current.gutter(rowIndex, e)}
        >
          {marker.symbol && (
            <span
              className={`marker marker-${state}`}
              title={marker.label}
              aria-label={marker.label}
              data-testid="row-marker"
            >
              {marker.symbol}
            </span>
          )}
          {state === "conflict" && (
            <button
              className="mini"
              onClick={props.onOpenConflict}
              title="Resolve the conflict"
              aria-label={`Resolve conflict of ${id}`}
            >
              Fix
            </button>
          )}
          {canEdit && draft && state !== "conflict" && (
            <button
              className="mini"
              onClick={props.onRevert}
              title="Revert this record to PEMS's values"
              aria-label={`Revert ${id}`}
            >
              ↺
            </button>
          )}
        </div>
        {columns.map((c, col) => {
          const pinLeft = props.pinnedLeft[col];
          if (pinLeft === undefined && (col < colFrom || col > colTo)) return null;
          const value = data ? cellValue(data, c) : undefined;
          const changed = draft !== undefined && c.key in draft;
          const isActive = col === activeCol;
          const selected = col >= props.selFrom && col <= props.selTo;
          const editing = col === editingCol && props.editor !== undefined;
          const cls =
            `g-cell${changed ? " changed" : ""}${isActive ? " active" : ""}${c.editable && canEdit ? " editable" : ""}` +
            `${pinLeft !== undefined ? " sticky-1" : ""}${c.align ? ` align-${c.align}` : ""}${editing ? " editing" : ""}` +
            `${c.key === "variance" && typeof value === "number" && value > 0 ? " over" : ""}${selected ? " selected" : ""}${col === props.handleCol && !editing ? " has-handle" : ""}`;
          // Few attributes per cell: thousands of cells are created while scrolling fast.
          return (
            <Fragment key={c.key}>
              {col === colFrom && spacer > 0 && <div className="col-spacer" style={{ width: spacer }} />}
              <div
                id={isActive ? `cell-${rowIndex}-${col}` : undefined}
                role="gridcell"
                aria-colindex={col + 2}
                aria-selected={isActive || selected || undefined}
                className={cls}
                style={pinLeft !== undefined ? { width: c.width, left: pinLeft } : { width: c.width }}
                title={
                  changed
                    ? `Draft — PEMS value: ${fmtValue(baseline?.[c.key], c.type) || "(empty)"}`
                    : typeof value === "string" && value.length * 8 > c.width - 16
                      ? value // a tooltip for text the column cuts off
                      : undefined
                }
                data-field={c.key}
                data-changed={changed ? "true" : undefined}
                onMouseDown={(e) => props.events.current.down({ row: rowIndex, col }, e)}
                onMouseEnter={() => props.events.current.enter({ row: rowIndex, col })}
                onDoubleClick={() => props.onCellDoubleClick(col)}
              >
                {editing ? props.editor?.(c, value) : fmtValue(value, c.type)}
                {col === props.handleCol && !editing && (
                  <span
                    className="fill-handle"
                    title="Drag down to fill"
                    aria-hidden="true"
                    data-testid="fill-handle"
                    onMouseDown={(e) => props.events.current.handle(e)}
                  />
                )}
              </div>
            </Fragment>
          );
        })}
      </div>
    );
  },
  (a, b) =>
    a.id === b.id &&
    a.top === b.top &&
    a.data === b.data &&
    a.draft === b.draft &&
    a.state === b.state &&
    a.activeCol === b.activeCol &&
    a.selFrom === b.selFrom &&
    a.selTo === b.selTo &&
    a.handleCol === b.handleCol &&
    a.editingCol === b.editingCol &&
    a.columns === b.columns &&
    a.colFrom === b.colFrom &&
    a.colTo === b.colTo &&
    a.pinnedLeft === b.pinnedLeft &&
    a.canEdit === b.canEdit &&
    a.rowIndex === b.rowIndex &&
    (a.editingCol < 0 || a.editor === b.editor),
);
