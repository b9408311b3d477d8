/** The grid screen: filters (client-side over the loaded organization, or on the server), the grid. */
import { useCallback, useDeferredValue, useMemo, useRef, useState } from "react";
import { BulkChangeDialog } from "../components/BulkChangeDialog";
import { ExportButtons } from "../components/ExportButtons";
import { FilterBar } from "../components/FilterBar";
import { HistoryPanel } from "../components/HistoryPanel";
import { SavedViews } from "../components/SavedViews";
import { ViewTotals } from "../components/ViewTotals";
import { fmtCount } from "../format";
import { Grid } from "../grid/Grid";
import { columnsFor } from "../grid/columns";
import { useVersion } from "../hooks";
import type { OrgStore } from "../state/orgStore";
import { EMPTY_FILTERS, type Filters, type Sort, distinct, narrows, select } from "../state/query";
import { toQuery } from "../state/urlView";

interface Props {
  store: OrgStore;
  filters: Filters;
  setFilters: (f: Filters) => void;
  sort: Sort | null;
  setSort: (s: Sort | null) => void;
  onOpenConflict: (id: string) => void;
  onNotice: (msg: string | null) => void;
  /** Open a saved view (its query string). */
  onApplyView?: (query: string) => void;
}

export function useSelection(store: OrgStore, filters: Filters, sort: Sort | null): string[] {
  const { rowsVersion } = store;
  // Typing stays fluid: the input echoes at once, the 50K-record filter follows when it can.
  const deferred = useDeferredValue(filters);
  const last = useRef<{ rowsVersion: number; filters: Filters; sort: Sort | null; ids: string[] } | null>(
    null,
  );
  return useMemo(() => {
    const view = (id: string) => store.view(id);
    const hasDraft = (id: string) =>
      store.sandbox.draftOf(id) !== undefined || store.stateOf(id) !== "pristine";
    const prev = last.current;
    const prepared = deferred.q.trim() ? store.preparedSearch() : undefined;
    let ids: string[];
    if (prev && prev.rowsVersion === rowsVersion && prev.sort === sort && narrows(prev.filters, deferred)) {
      ids = select(prev.ids, view, hasDraft, deferred, null, prepared); // same order, fewer records
    } else {
      const all = deferred.conflictsOnly ? store.conflictIds() : store.rows.map((r) => r.id);
      if (!deferred.conflictsOnly) for (const id of store.orphanIds()) all.push(id);
      ids = select(all, view, hasDraft, deferred, sort, prepared);
    }
    last.current = { rowsVersion, filters: deferred, sort, ids };
    return ids;
    // Recomputed when the data, filters or sort change, not on every edit: rows stay put while you type.
  }, [store, rowsVersion, deferred, sort]);
}

export function useVocabulary(store: OrgStore) {
  // The filter menus' values follow the rows in a render of their own: the rows come first.
  const rowsVersion = useDeferredValue(store.rowsVersion);
  return useMemo(() => {
    const ids = store.rows.map((r) => r.id);
    const view = (id: string) => store.view(id);
    const categories = distinct(ids, view, "category");
    const years = new Set<string>();
    for (const id of ids) {
      const end = view(id)?.forecastEnd;
      if (typeof end === "string" && /^\d{4}-/.test(end)) years.add(end.slice(0, 4));
    }
    return {
      endYears: [...years].sort(),
      category: categories,
      area: distinct(ids, view, "areaSilo"),
      source: ["Rental", "Purchase"],
      dor: ["BEO", "PROJECT"],
      forecastCategory: categories,
    };
  }, [store, rowsVersion]);
}

export function GridScreen({
  store,
  filters,
  setFilters,
  sort,
  setSort,
  onOpenConflict,
  onNotice,
  onApplyView,
}: Props) {
  useVersion(store);
  const ids = useSelection(store, filters, sort);
  const [selRows, setSelRows] = useState<{ r0: number; r1: number } | null>(null);
  const onSelectRows = useCallback((r: { r0: number; r1: number } | null) => setSelRows(r), []);
  const [bulkOpen, setBulkOpen] = useState(false);
  const filtersActive = Object.entries(filters).some(
    ([k, v]) => v !== EMPTY_FILTERS[k as keyof Filters] && v !== undefined && v !== "" && v !== false,
  );
  const vocabulary = useVocabulary(store);
  const [serverSide, setServerSide] = useState(false);
  // The record last clicked or focused in the grid (read from the row's data-record-id), whose
  // history the History button opens.
  const [picked, setPicked] = useState<string | null>(null);
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const pick = (target: EventTarget) => {
    const id =
      target instanceof Element
        ? target.closest<HTMLElement>("[data-record-id]")?.dataset.recordId
        : undefined;
    if (id) setPicked(id);
  };
  const columns = useMemo(
    () => columnsFor(store.rows.slice(0, 200).map((r) => r.data)),
    [store, store.rowsVersion],
  );

  const applyServer = (f: Filters, on: boolean) => {
    void store.load(
      on
        ? {
            category: f.category || undefined,
            source: f.source || undefined,
            area: f.area || undefined,
            dor: f.dor || undefined,
            from: f.from || undefined,
            to: f.to || undefined,
            dateMode: f.from || f.to ? f.dateMode : undefined,
            q: f.q || undefined,
            hasDraft: f.draftsOnly || undefined,
          }
        : {},
    );
  };

  return (
    <div className="grid-screen">
      <h2 className="sr-only">Filters</h2>
      <FilterBar
        filters={filters}
        vocabulary={vocabulary}
        onChange={(f) => {
          setFilters(f);
          if (serverSide) applyServer(f, true);
        }}
        extra={
          <label
            className="check"
            title="Ask the API to filter (useful to check a figure); the default filters the loaded records in the browser"
          >
            <input
              type="checkbox"
              checked={serverSide}
              onChange={(e) => {
                setServerSide(e.target.checked);
                applyServer(filters, e.target.checked);
              }}
            />
            Filter on the server
          </label>
        }
      />
      <SavedViews code={store.code} query={toQuery(filters, sort)} onApply={(q) => onApplyView?.(q)} />
      <ViewTotals
        code={store.code}
        query={toQuery(filters, null)}
        version={store.rowsVersion + store.serverDraftsVersion}
      />
      <div className="grid-meta">
        {filters.conflictsOnly && (
          <span className="warning-text" data-testid="conflicts-only">
            Showing conflicts only{" "}
            <button className="link" onClick={() => setFilters({ ...filters, conflictsOnly: false })}>
              Show all
            </button>
          </span>
        )}
        <span data-testid="row-count">
          {store.partial
            ? `Loading… (the first ${fmtCount(store.rows.length)} shown)`
            : store.status === "loading" && store.rows.length === 0
              ? "Loading…"
              : ids.length === store.rows.length
                ? `${fmtCount(ids.length)} records`
                : `${fmtCount(ids.length)} of ${fmtCount(store.rows.length)} records`}
        </span>
        <span className="legend" aria-hidden="true">
          <span className="marker marker-draft">●</span> draft{" "}
          <span className="marker marker-conflict">⚠</span> conflict{" "}
          <span className="marker marker-orphaned">✕</span> orphaned <span className="changed-swatch" />{" "}
          changed cell {store.canEdit && <span className="pencil">✎ editable</span>}
        </span>
        <ExportButtons code={store.code} filters={filters} sort={sort} />
        <button
          type="button"
          disabled={!picked}
          onClick={() => picked && setHistoryOf(picked)}
          data-testid="history-open"
          title="Every change of the selected record: PEMS's (found by syncs) and commits"
        >
          {picked ? `History of ${picked}` : "History (select a record)"}
        </button>
        {store.canEdit ? (
          <>
            <span className="muted keys">
              Arrows move · Shift+arrows / drag select · Enter edits · Ctrl+C / Ctrl+V / Ctrl+D · Delete
              resets · Ctrl+Z / Ctrl+Y
            </span>
            <button onClick={() => setBulkOpen(true)} disabled={ids.length === 0} data-testid="bulk-open">
              Change{" "}
              {selRows && selRows.r1 > selRows.r0
                ? `${fmtCount(selRows.r1 - selRows.r0 + 1)} selected`
                : "many"}
              …
            </button>
          </>
        ) : (
          <span className="muted keys">
            Arrows move · Shift+arrows / drag select · Ctrl+C copies · read only
          </span>
        )}
      </div>
      <h2 className="sr-only">Records</h2>
      <div
        className="grid-pick"
        onClickCapture={(e) => pick(e.target)}
        onKeyUpCapture={() => pick(document.querySelector(".g-cell.active") ?? document.body)}
      >
        <Grid
          store={store}
          ids={ids}
          columns={columns}
          sort={sort}
          onSort={setSort}
          onOpenConflict={onOpenConflict}
          suggestions={{ forecastCategory: vocabulary.category }}
          onSelectRows={onSelectRows}
        />
      </div>
      {historyOf && (
        <HistoryPanel code={store.code} recordId={historyOf} onClose={() => setHistoryOf(null)} />
      )}
      {bulkOpen && (
        <BulkChangeDialog
          store={store}
          selectedIds={selRows ? ids.slice(selRows.r0, selRows.r1 + 1) : []}
          filteredIds={ids}
          filtersActive={filtersActive}
          onClose={() => setBulkOpen(false)}
          onApplied={(msg) => {
            setBulkOpen(false);
            onNotice(msg);
          }}
        />
      )}
    </div>
  );
}
