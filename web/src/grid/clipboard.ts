/**
 * The grid's clipboard: a range as tab-separated text (what spreadsheets put on the clipboard and
 * read back), and where pasted text lands: one value fills the whole selection, a block is
 * repeated over a selection that is a whole multiple of it (a column pasted into a taller range
 * fills it down), otherwise it is pasted once from the selection's top-left cell.
 */
import Papa from "papaparse";
import type { Rect } from "./selection";

export function toTsv(rows: readonly (readonly string[])[]): string {
  return Papa.unparse(rows as string[][], { delimiter: "\t", newline: "\r\n", quotes: false });
}

/** Rows of cells from a spreadsheet's clipboard text (quoted cells may hold tabs and newlines). */
export function parseTsv(text: string): string[][] {
  const body = text.replace(/\r?\n$/, "");
  if (body === "") return [[""]];
  const parsed = Papa.parse<string[]>(body, {
    delimiter: "\t",
    newline: body.includes("\r\n") ? "\r\n" : "\n",
    quoteChar: '"',
  });
  return parsed.data.map((r) => r.map((c) => c ?? ""));
}

export interface Placed {
  row: number;
  col: number;
  text: string;
}

/** Where each pasted cell goes, for a selection `target` in a grid of `rows` × `cols`. */
export function placePaste(
  data: readonly (readonly string[])[],
  target: Rect,
  rows: number,
  cols: number,
): Placed[] {
  const h = data.length;
  const w = Math.max(0, ...data.map((r) => r.length));
  if (h === 0 || w === 0) return [];
  const th = target.r1 - target.r0 + 1;
  const tw = target.c1 - target.c0 + 1;
  const tileRows = th > 1 && th % h === 0 ? th : h;
  const tileCols = tw > 1 && tw % w === 0 ? tw : w;
  const out: Placed[] = [];
  for (let i = 0; i < tileRows; i++) {
    const row = target.r0 + i;
    if (row >= rows) break;
    for (let j = 0; j < tileCols; j++) {
      const col = target.c0 + j;
      if (col >= cols) break;
      out.push({ row, col, text: data[i % h]?.[j % w] ?? "" });
    }
  }
  return out;
}
