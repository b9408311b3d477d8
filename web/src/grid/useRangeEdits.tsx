/**
 * Edits of a whole selection: copy as tab-separated text, paste from a spreadsheet, fill-down
 * (Ctrl+D) and reset. Each is one undo step; values the draft rules refuse are skipped and
 * listed in a report under the grid.
 */
import { useCallback, useState } from "react";
import type { Json } from "../domain/values";
import type { OrgStore } from "../state/orgStore";
import { type Proposed, type Skipped, applyChecked, checkProposals } from "./bulkEdit";
import { parseTsv, placePaste, toTsv } from "./clipboard";
import { type Column, cellValue } from "./columns";
import { parseInput } from "./parseInput";
import type { Rect } from "./selection";

export interface RangeReportData {
  title: string;
  skipped: Skipped[];
  labelOf: (s: Skipped) => string;
}

interface Args {
  store: OrgStore;
  ids: readonly string[];
  columns: readonly Column[];
  announce: (msg: string) => void;
}

function copyCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return String(value);
}

const MAX_LISTED = 50;

export function useRangeEdits({ store, ids, columns, announce }: Args) {
  const [report, setReport] = useState<RangeReportData | null>(null);
  const labelOf = useCallback(
    (s: Skipped) => {
      const col = columns.find((c) => c.key === s.field);
      return `${String(store.view(s.recordId)?.pfaId ?? s.recordId)} ${col?.label ?? s.field}`;
    },
    [columns, store],
  );

  const run = (verb: string, proposals: Proposed[], listSkipped: boolean) => {
    if (!store.canEdit) {
      const msg = `Read only: your role in ${store.code} is ${store.role}; nothing was changed.`;
      setReport({ title: msg, skipped: [], labelOf });
      announce(msg);
      return;
    }
    const checked = checkProposals(store, proposals);
    const applied = applyChecked(
      store.sandbox,
      `${verb} of ${proposals.length} value${proposals.length === 1 ? "" : "s"}`,
      checked,
    );
    const skipped = listSkipped
      ? checked.skipped
      : checked.skipped.filter((s) => !s.why.endsWith("is not editable"));
    const title =
      `${verb[0]?.toUpperCase()}${verb.slice(1)}: ${applied} value${applied === 1 ? "" : "s"} applied` +
      (skipped.length > 0 ? `, ${skipped.length} skipped` : "") +
      (applied > 0 ? " (one undo step)." : ".");
    setReport(skipped.length > 0 || applied === 0 ? { title, skipped, labelOf } : null);
    announce(title);
  };

  const cellsOf = (rect: Rect) => {
    const out: { id: string; column: Column }[] = [];
    for (let r = rect.r0; r <= rect.r1; r++) {
      const id = ids[r];
      if (id === undefined) continue;
      for (let c = rect.c0; c <= rect.c1; c++) {
        const column = columns[c];
        if (column) out.push({ id, column });
      }
    }
    return out;
  };

  return {
    report,
    dismiss: () => setReport(null),
    copyText: (rect: Rect): string => {
      const rows: string[][] = [];
      for (let r = rect.r0; r <= rect.r1; r++) {
        const data = store.view(ids[r] ?? "");
        const line: string[] = [];
        for (let c = rect.c0; c <= rect.c1; c++) {
          const column = columns[c];
          line.push(data && column ? copyCell(cellValue(data, column)) : "");
        }
        rows.push(line);
      }
      const cells = rows.length * (rect.c1 - rect.c0 + 1);
      announce(`Copied ${cells} cell${cells === 1 ? "" : "s"}`);
      return toTsv(rows);
    },
    paste: (rect: Rect, text: string) => {
      const proposals: Proposed[] = [];
      for (const p of placePaste(parseTsv(text), rect, ids.length, columns.length)) {
        const id = ids[p.row];
        const column = columns[p.col];
        if (id === undefined || !column) continue;
        const value = parseInput(p.text, column.type, column.choices);
        if (value !== undefined) proposals.push({ recordId: id, field: column.key, value });
      }
      run("paste", proposals, true);
    },
    fillDown: (rect: Rect) => {
      const from = rect.r0 === rect.r1 ? rect.r0 - 1 : rect.r0;
      const source = store.view(ids[from] ?? "");
      if (!source) return;
      const proposals: Proposed[] = [];
      for (const { id, column } of cellsOf({ ...rect, r0: from + 1 })) {
        const value = (source[column.key] ?? null) as Json;
        if (value !== null) proposals.push({ recordId: id, field: column.key, value });
      }
      run("fill-down", proposals, false);
    },
    /** The fill handle dragged down to `toRow`: the selected rows repeated below them. */
    fillRange: (source: Rect, toRow: number) => {
      const h = source.r1 - source.r0 + 1;
      const proposals: Proposed[] = [];
      for (const { id, column } of cellsOf({ ...source, r0: source.r1 + 1, r1: toRow })) {
        const row = ids.indexOf(id);
        const from = store.view(ids[source.r0 + ((row - source.r0) % h)] ?? "");
        const value = (from?.[column.key] ?? null) as Json;
        if (value !== null) proposals.push({ recordId: id, field: column.key, value });
      }
      run("fill", proposals, false);
    },
    clear: (rect: Rect) => {
      const proposals = cellsOf(rect)
        .filter(({ id, column }) => store.sandbox.draftOf(id)?.[column.key] !== undefined)
        .map(({ id, column }) => ({ recordId: id, field: column.key, value: null }));
      run("reset to PEMS's values", proposals, false);
    },
  };
}

export function RangeReport({
  report,
  onDismiss,
}: {
  report: RangeReportData | null;
  onDismiss: () => void;
}) {
  if (!report) return null;
  return (
    <div className="range-report" role="status" data-testid="range-report">
      <p>
        <strong>{report.title}</strong>{" "}
        <button className="link" onClick={onDismiss} aria-label="Dismiss the report">
          ×
        </button>
      </p>
      {report.skipped.length > 0 && (
        <ul data-testid="skipped-values">
          {report.skipped.slice(0, MAX_LISTED).map((s, i) => (
            <li key={i}>
              {report.labelOf(s)}: <code>{copyCell(s.value)}</code> — {s.why}
            </li>
          ))}
          {report.skipped.length > MAX_LISTED && <li>… and {report.skipped.length - MAX_LISTED} more</li>}
        </ul>
      )}
    </div>
  );
}
