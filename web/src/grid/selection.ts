/** A rectangular range of grid cells (rows and columns by index, both ends included). */
export interface Pos {
  row: number;
  col: number;
}

export interface Rect {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** The rectangle spanned by two corners, in either order. */
export function rectOf(a: Pos, b: Pos): Rect {
  return {
    r0: Math.min(a.row, b.row),
    r1: Math.max(a.row, b.row),
    c0: Math.min(a.col, b.col),
    c1: Math.max(a.col, b.col),
  };
}

export function rectSize(r: Rect): { rows: number; cols: number } {
  return { rows: r.r1 - r.r0 + 1, cols: r.c1 - r.c0 + 1 };
}

/** The first and last selected column of `row` (-1, -1 when the row is outside the range). */
export function colsInRow(r: Rect | null, row: number): [number, number] {
  if (!r || row < r.r0 || row > r.r1) return [-1, -1];
  return [r.c0, r.c1];
}

/** Keep a range inside a grid of `rows` × `cols` (null when the grid is empty). */
export function clampRect(r: Rect, rows: number, cols: number): Rect | null {
  if (rows === 0 || cols === 0) return null;
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));
  return { r0: clamp(r.r0, rows), r1: clamp(r.r1, rows), c0: clamp(r.c0, cols), c1: clamp(r.c1, cols) };
}
