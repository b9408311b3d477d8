/**
 * The records grid: virtual rows over the whole organization, sortable headers, keyboard
 * navigation, range selection (drag, Shift, whole rows / columns) with its clipboard, fill-down
 * and fill handle, and inline editing of the editable fields (the sandbox validates with the
 * API's rules and messages). Rows (markers, cells) are drawn by GridRow.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type Json, sameValue } from "../domain/values";
import type { Sort } from "../state/query";
import type { OrgStore } from "../state/orgStore";
import { EditRefused } from "../state/sandbox";
import { CellEditor, type EditExit } from "./CellEditor";
import type { Column } from "./columns";
import { useFollowRows } from "./followRows";
import { GridHeader } from "./GridHeader";
import { GUTTER, GridRow, ROW_HEIGHT, type RowEvents } from "./GridRow";
import { GroupHeader } from "./GroupHeader";
import type { RowModel } from "./grouping";
import { type Pos, type Rect, colsInRow, rectOf } from "./selection";
import { RangeReport, useRangeEdits } from "./useRangeEdits";

export { ROW_HEIGHT } from "./GridRow";

const HEADER_HEIGHT = 30;

interface Props {
  store: OrgStore;
  ids: readonly string[];
  columns: readonly Column[];
  sort: Sort | null;
  onSort: (sort: Sort | null) => void;
  onOpenConflict: (id: string) => void;
  suggestions: Record<string, readonly string[]>;
  /** The selected rows changed (first and last row index, both included). */
  onSelectRows?: (rows: { r0: number; r1: number } | null) => void;
  /** Rows grouped by a column (grid/grouping.ts): group headers drawn between the records;
   * `ids` are then the model's records, and row indexes stay theirs. */
  groups?: { model: RowModel; label: string; onToggle: (key: string) => void } | null;
  /** How many leading columns stay at the left while scrolling (default 1). */
  pinned?: number;
  /** A column was resized in the header (null: back to its default width). */
  onResizeColumn?: (key: string, width: number | null) => void;
}

export function Grid({
  store,
  ids,
  columns,
  sort,
  onSort,
  onOpenConflict,
  suggestions,
  onSelectRows,
  groups,
  pinned: pinnedWanted = 1,
  onResizeColumn,
}: Props) {
  const pinned = Math.max(1, Math.min(pinnedWanted, columns.length));
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Pos>({ row: 0, col: 0 });
  // The selection: the rectangle from `anchor` to the active cell, or whole rows / columns.
  const [range, setRange] = useState<Rect | null>(null);
  const anchor = useRef<Pos>({ row: 0, col: 0 });
  const dragging = useRef(false);
  // A drag of the fill handle: the selection it started from and the last row reached.
  const filling = useRef<{ source: Rect; toRow: number } | null>(null);
  // `seen`: the baseline value shown when the editor opened (what the user edits from, even if a
  // refresh from PEMS changes it while the editor is open).
  const [editing, setEditing] = useState<(Pos & { initial?: string; seen?: Json }) | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");
  // Shown (not only announced) when someone who may only read tries to change something.
  const [readOnlyTry, setReadOnlyTry] = useState(false);
  const { sandbox } = store;

  const offsets = useMemo(() => {
    const out: number[] = [];
    let x = GUTTER;
    for (const c of columns) {
      out.push(x);
      x += c.width;
    }
    return { left: out, total: x };
  }, [columns]);

  const virtualizer = useVirtualizer({
    count: groups ? groups.model.items.length : ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    scrollMargin: HEADER_HEIGHT,
    // "Scrolling" ends after a pause, not at each scroll's end: a browser may end every step of
    // a fast scroll, and each end would draw the grid once more (for both virtualizers).
    useScrollendEvent: false,
  });

  // Columns are virtual too (the pinned ones stay, sticky): fewer cells to build per row.
  const stickyWidth = offsets.left[pinned] ?? offsets.total;
  const pinnedLeft = useMemo(() => offsets.left.slice(0, pinned), [offsets, pinned]);
  const colVirtualizer = useVirtualizer({
    horizontal: true,
    count: Math.max(0, columns.length - pinned),
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => columns[i + pinned]?.width ?? 100,
    overscan: 2,
    scrollMargin: stickyWidth,
    useScrollendEvent: false,
  });
  useEffect(() => colVirtualizer.measure(), [columns, pinned, colVirtualizer]);
  const colItems = colVirtualizer.getVirtualItems();
  const colFrom = colItems.length > 0 ? (colItems[0]?.index ?? 0) + pinned : pinned;
  const colTo =
    colItems.length > 0 ? (colItems[colItems.length - 1]?.index ?? 0) + pinned : columns.length - 1;
  const spacer = (offsets.left[colFrom] ?? stickyWidth) - stickyWidth;

  useFollowRows(ids, setActive, setEditing);
  const selection: Rect = range ?? rectOf(active, active);
  useEffect(() => setRange(null), [ids]);
  useEffect(() => {
    onSelectRows?.(ids.length > 0 ? { r0: selection.r0, r1: selection.r1 } : null);
  }, [onSelectRows, ids.length, selection.r0, selection.r1]);
  useEffect(() => {
    const up = () => {
      dragging.current = false;
      rowEvents.current.up();
    };
    window.addEventListener("mouseup", up);
    return () => window.removeEventListener("mouseup", up);
  }, []);

  const scrollIntoView = useCallback(
    (pos: Pos) => {
      virtualizer.scrollToIndex(groups ? (groups.model.itemOf[pos.row] ?? pos.row) : pos.row, {
        align: "auto",
      });
      const el = scrollRef.current;
      const left = offsets.left[pos.col];
      const column = columns[pos.col];
      if (!el || left === undefined || !column) return;
      if (pos.col >= pinned && left - stickyWidth < el.scrollLeft) el.scrollLeft = left - stickyWidth;
      else if (left + column.width > el.scrollLeft + el.clientWidth)
        el.scrollLeft = left + column.width - el.clientWidth;
    },
    [virtualizer, offsets, columns, stickyWidth, groups, pinned],
  );

  /** Move the active cell; with `extend` the selection grows from its anchor to it. */
  const moveTo = useCallback(
    (pos: Pos, extend = false) => {
      const next = {
        row: Math.max(0, Math.min(ids.length - 1, pos.row)),
        col: Math.max(0, Math.min(columns.length - 1, pos.col)),
      };
      setActive(next);
      if (extend) setRange(rectOf(anchor.current, next));
      else {
        anchor.current = next;
        setRange(null);
      }
      scrollIntoView(next);
    },
    [ids.length, columns.length, scrollIntoView],
  );

  const lastRow = ids.length - 1;
  const lastCol = columns.length - 1;
  const selectRows = (from: number, to: number) => {
    anchor.current = { row: from, col: 0 };
    setRange({ r0: Math.min(from, to), r1: Math.max(from, to), c0: 0, c1: lastCol });
  };
  const selectCols = (from: number, to: number) => {
    anchor.current = { row: 0, col: from };
    setRange({ r0: 0, r1: lastRow, c0: Math.min(from, to), c1: Math.max(from, to) });
  };

  const focusGrid = () => scrollRef.current?.focus({ preventScroll: true });

  /** Save a value into the sandbox; returns whether it was accepted. */
  const saveValue = useCallback(
    (row: number, col: number, value: Json, seen?: Json): boolean => {
      const id = ids[row];
      const column = columns[col];
      if (id === undefined || !column) return false;
      try {
        const data = store.view(id);
        const label = `${column.label} of ${String(data?.pfaId ?? id)}`;
        const base = seen === undefined ? undefined : { [column.key]: seen };
        sandbox.edit(label, [{ recordId: id, changes: { [column.key]: value }, base }]);
        setEditError(null);
        return true;
      } catch (error) {
        if (error instanceof EditRefused) {
          const fields = error.byRecord[id] ?? {};
          const msg = Object.entries(fields)
            .map(([f, why]) => `${f}: ${why}`)
            .join("; ");
          setEditError(msg);
          setAnnounce(msg);
          return false;
        }
        throw error;
      }
    },
    [ids, columns, store, sandbox],
  );

  const rangeEdits = useRangeEdits({ store, ids, columns, announce: setAnnounce });

  // Row events go through a ref: rows are memoized and keep the handlers of their first render.
  const rowEvents = useRef<RowEvents>({
    down: (_p: Pos, _e: React.MouseEvent) => {},
    enter: (_p: Pos) => {},
    gutter: (_r: number, _e: React.MouseEvent) => {},
    handle: (_e: React.MouseEvent) => {},
    up: () => {},
  });
  rowEvents.current = {
    down: (pos, e) => {
      if (e.button !== 0 || (e.target as HTMLElement).closest(".cell-editor")) return;
      e.preventDefault(); // no text selection while selecting cells
      focusGrid(); // an open editor saves on blur first
      setEditing(null);
      if (e.shiftKey) {
        setActive(pos);
        setRange(rectOf(anchor.current, pos));
      } else {
        anchor.current = pos;
        setActive(pos);
        setRange(null);
        dragging.current = true;
      }
    },
    enter: (pos) => {
      const fill = filling.current;
      if (fill) {
        fill.toRow = Math.max(fill.source.r1, pos.row);
        setRange({ ...fill.source, r1: fill.toRow });
        return;
      }
      if (!dragging.current) return;
      setActive(pos);
      setRange(rectOf(anchor.current, pos));
    },
    handle: (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      filling.current = { source: selection, toRow: selection.r1 };
    },
    up: () => {
      const fill = filling.current;
      filling.current = null;
      if (fill && fill.toRow > fill.source.r1) {
        anchor.current = { row: fill.source.r0, col: fill.source.c0 };
        rangeEdits.fillRange(fill.source, fill.toRow);
      }
    },
    gutter: (row, e) => {
      if ((e.target as HTMLElement).closest("button")) return;
      e.preventDefault();
      focusGrid();
      setEditing(null);
      setActive({ row, col: active.col });
      selectRows(e.shiftKey ? anchor.current.row : row, row);
      if (!e.shiftKey) anchor.current = { row, col: 0 };
    },
  };

  const canEditCell = (row: number, col: number): boolean => {
    const id = ids[row];
    const column = columns[col];
    if (!store.canEdit || !column?.editable || id === undefined) return false;
    return store.stateOf(id) !== "orphaned" && store.baselineOf(id) !== undefined;
  };

  const startEdit = (pos: Pos, initial?: string) => {
    if (!canEditCell(pos.row, pos.col)) {
      const column = columns[pos.col];
      if (!store.canEdit) setReadOnlyTry(true);
      setAnnounce(
        store.partial
          ? "Still loading: editing starts once every record is in"
          : !store.canEdit
            ? `Read only: your role is ${store.role}`
            : column?.editable
              ? "This record cannot be edited"
              : `${column?.label ?? "This field"} is not editable`,
      );
      return;
    }
    setEditError(null);
    const id = ids[pos.row];
    const key = columns[pos.col]?.key;
    const seen = id !== undefined && key ? ((store.baselineOf(id)?.[key] ?? null) as Json) : undefined;
    setEditing({ ...pos, initial, seen });
  };

  const finishEdit = (value: Json, exit: EditExit): boolean => {
    if (!editing) return true;
    const id = ids[editing.row];
    const column = columns[editing.col];
    const current = id !== undefined && column ? store.view(id)?.[column.key] : undefined;
    const unchanged = sameValue(value, current ?? null);
    if (!unchanged && !saveValue(editing.row, editing.col, value, editing.seen)) return false;
    setEditing(null);
    const next =
      exit === "down"
        ? { row: editing.row + 1, col: editing.col }
        : exit === "right"
          ? { row: editing.row, col: editing.col + 1 }
          : exit === "left"
            ? { row: editing.row, col: editing.col - 1 }
            : { row: editing.row, col: editing.col };
    moveTo(next);
    // At once, not on the next frame: keys typed meanwhile (a fast typist, a scanner) must reach
    // the grid, which opens the next editor with them.
    if (exit !== "stay") focusGrid();
    return true;
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (editing) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 2);
    const { row, col } = active;
    const column = columns[col];
    const shift = e.shiftKey;
    const ctrl = e.ctrlKey || e.metaKey;
    const handled = (() => {
      if (ctrl && !e.altKey) {
        const key = e.key.toLowerCase();
        if (key === "a") {
          anchor.current = { row: 0, col: 0 };
          setRange({ r0: 0, r1: lastRow, c0: 0, c1: lastCol });
          return true;
        }
        if (key === "d") {
          if (!store.canEdit) setReadOnlyTry(true);
          else rangeEdits.fillDown(selection);
          return true;
        }
        if (key === " ") {
          selectCols(selection.c0, selection.c1);
          return true;
        }
      }
      switch (e.key) {
        case "ArrowDown":
          moveTo({ row: row + 1, col }, shift);
          return true;
        case "ArrowUp":
          moveTo({ row: row - 1, col }, shift);
          return true;
        case "ArrowRight":
          moveTo({ row, col: col + 1 }, shift);
          return true;
        case "ArrowLeft":
          moveTo({ row, col: col - 1 }, shift);
          return true;
        case "PageDown":
          moveTo({ row: row + page, col }, shift);
          return true;
        case "PageUp":
          moveTo({ row: row - page, col }, shift);
          return true;
        case "Escape":
          if (!range) return false;
          moveTo(active);
          return true;
        case "Home":
          moveTo(e.ctrlKey ? { row: 0, col: 0 } : { row, col: 0 });
          return true;
        case "End":
          moveTo(
            e.ctrlKey ? { row: ids.length - 1, col: columns.length - 1 } : { row, col: columns.length - 1 },
          );
          return true;
        case "Enter":
        case "F2":
          startEdit(active);
          return true;
        case " ":
          if (shift) {
            selectRows(selection.r0, selection.r1);
            return true;
          }
          if (column?.type === "bool" && canEditCell(row, col)) {
            const id = ids[row];
            const v = id === undefined ? false : Boolean(store.view(id)?.[column.key]);
            saveValue(row, col, !v);
            return true;
          }
          return false;
        case "Delete":
        case "Backspace":
          if (!store.canEdit) {
            setReadOnlyTry(true);
            return true;
          }
          if (range) {
            rangeEdits.clear(selection);
            return true;
          }
          if (canEditCell(row, col)) {
            saveValue(row, col, null);
            return true;
          }
          return false;
        default:
          if (
            e.key.length === 1 &&
            !e.ctrlKey &&
            !e.metaKey &&
            !e.altKey &&
            column &&
            column.type !== "bool" &&
            !column.choices
          ) {
            if (canEditCell(row, col)) {
              startEdit(active, e.key);
              return true;
            }
            if (!store.canEdit && column.editable) setReadOnlyTry(true);
          }
          return false;
      }
    })();
    if (handled) e.preventDefault();
  };

  const items = virtualizer.getVirtualItems();
  const marked = useRef(false);
  useEffect(() => {
    // For the browser tests' figures: when the first rows reached the screen.
    if (!marked.current && items.length > 0) {
      marked.current = true;
      performance.mark("pfa:first-rows");
    }
  }, [items.length]);
  // Into the workspace after login (or a reload): the grid takes focus once it has rows, unless
  // the user already is somewhere else.
  const focusedOnce = useRef(false);
  useEffect(() => {
    if (focusedOnce.current || ids.length === 0) return;
    focusedOnce.current = true;
    const at = document.activeElement;
    if (!at || at === document.body || at.tagName === "MAIN") focusGrid();
  }, [ids.length]);
  const activeId = ids.length > 0 ? `cell-${active.row}-${active.col}` : undefined;

  return (
    <div className="grid-wrap">
      <div
        ref={scrollRef}
        id="records-grid"
        className="grid-scroll"
        role="grid"
        aria-label={`PFA records of ${store.code}`}
        aria-rowcount={(groups ? groups.model.items.length : ids.length) + 1}
        aria-colcount={columns.length + 1}
        aria-activedescendant={editing ? undefined : activeId}
        aria-readonly={!store.canEdit}
        aria-multiselectable={true}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onCopy={(e) => {
          if (editing) return;
          e.preventDefault();
          e.clipboardData.setData("text/plain", rangeEdits.copyText(selection));
        }}
        onPaste={(e) => {
          if (editing) return;
          e.preventDefault();
          if (!store.canEdit) {
            setReadOnlyTry(true);
            return;
          }
          rangeEdits.paste(selection, e.clipboardData.getData("text/plain"));
        }}
        data-testid="grid"
      >
        <GridHeader
          columns={columns}
          pinned={pinned}
          left={offsets.left}
          total={offsets.total}
          height={HEADER_HEIGHT}
          colFrom={colFrom}
          colTo={colTo}
          spacer={spacer}
          sort={sort}
          canEdit={store.canEdit}
          onSort={onSort}
          onSelectCols={(i, extend) => {
            selectCols(extend ? selection.c0 : i, i);
            focusGrid();
          }}
          onResize={onResizeColumn}
        />
        <div
          className="grid-body"
          style={{ height: virtualizer.getTotalSize() - HEADER_HEIGHT, width: offsets.total }}
        >
          {items.map((entry) => {
            const group = groups?.model.items[entry.index];
            if (group?.kind === "group" && groups)
              return (
                <GroupHeader
                  key={`group:${group.key}`}
                  group={group}
                  label={groups.label}
                  top={entry.start - HEADER_HEIGHT}
                  width={offsets.total}
                  onToggle={groups.onToggle}
                />
              );
            // a record: its row index among `ids` (the item's own index when not grouped)
            const item = { index: group?.kind === "record" ? group.index : entry.index, start: entry.start };
            const id = ids[item.index];
            if (id === undefined) return null;
            const [selFrom, selTo] = range ? colsInRow(range, item.index) : [-1, -1];
            const handleCol = store.canEdit && item.index === selection.r1 ? selection.c1 : -1;
            return (
              <GridRow
                key={id}
                id={id}
                rowIndex={item.index}
                top={item.start - HEADER_HEIGHT}
                width={offsets.total}
                columns={columns}
                colFrom={colFrom}
                colTo={colTo}
                pinnedLeft={pinnedLeft}
                spacer={spacer}
                data={store.view(id)}
                draft={sandbox.draftOf(id)}
                baseline={store.baselineOf(id)}
                state={store.stateOf(id)}
                activeCol={active.row === item.index ? active.col : -1}
                selFrom={selFrom}
                selTo={selTo}
                handleCol={handleCol}
                events={rowEvents}
                editingCol={editing?.row === item.index ? editing.col : -1}
                canEdit={store.canEdit}
                onCellDoubleClick={(col) => startEdit({ row: item.index, col })}
                onRevert={() => sandbox.revert(id)}
                onOpenConflict={() => onOpenConflict(id)}
                editor={
                  editing?.row === item.index
                    ? (column: Column, value: unknown) => (
                        <CellEditor
                          column={column}
                          value={value}
                          initialText={editing.initial}
                          error={editError}
                          suggestions={suggestions[column.key]}
                          onSave={finishEdit}
                          onCancel={() => {
                            setEditing(null);
                            setEditError(null);
                            focusGrid();
                          }}
                        />
                      )
                    : undefined
                }
              />
            );
          })}
        </div>
      </div>
      <div className="sr-only" aria-live="assertive">
        {announce}
      </div>
      {ids.length === 0 && store.status === "ready" && <p className="empty">No records match the filters.</p>}
      <RangeReport report={rangeEdits.report} onDismiss={rangeEdits.dismiss} />
      {readOnlyTry && !store.roleCanEdit && (
        <p role="alert" className="range-report" data-testid="read-only-message">
          Read only: your role in {store.code} is {store.role}, so records cannot be changed here. Ask an
          administrator for the editor role to plan changes.{" "}
          <button
            className="link"
            onClick={() => {
              setReadOnlyTry(false);
              focusGrid();
            }}
            aria-label="Dismiss"
          >
            ×
          </button>
        </p>
      )}
    </div>
  );
}
