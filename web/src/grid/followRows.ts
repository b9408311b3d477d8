/** Keeping the grid's position on a record while its rows change under it. */
import { type Dispatch, type SetStateAction, useEffect, useRef } from "react";

interface Pos {
  row: number;
  col: number;
}

/** Where row `row` of `before` (a record id) is in `after`; -1 when it is gone. */
export function followRow(before: readonly string[], after: readonly string[], row: number): number {
  const id = before[row];
  if (id === undefined) return -1;
  return after[row] === id ? row : after.indexOf(id);
}

/**
 * When the rows change (filters, sort, a refresh from PEMS), the active cell and an open editor
 * follow their record; a record that left the selection ends the edit, and the active cell
 * stays inside the data.
 */
export function useFollowRows<E extends Pos>(
  ids: readonly string[],
  setActive: Dispatch<SetStateAction<Pos>>,
  setEditing: Dispatch<SetStateAction<E | null>>,
): void {
  const shown = useRef(ids);
  useEffect(() => {
    const before = shown.current;
    shown.current = ids;
    if (before === ids) return;
    setActive((a) => {
      const row = followRow(before, ids, a.row);
      if (row === a.row) return a;
      return row >= 0
        ? { row, col: a.col }
        : { row: Math.max(0, Math.min(a.row, ids.length - 1)), col: a.col };
    });
    setEditing((e) => {
      if (!e) return e;
      const row = followRow(before, ids, e.row);
      return row < 0 ? null : row === e.row ? e : { ...e, row };
    });
  }, [ids, setActive, setEditing]);
}
