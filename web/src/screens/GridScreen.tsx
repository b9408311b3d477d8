/** The grid screen: filters (client-side over the loaded organization, or on the server), the grid. */
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { BulkChangeDialog } from "../components/BulkChangeDialog";
import { ExportButtons } from "../components/ExportButtons";
import { FilterBar } from "../components/FilterBar";
import { HistoryPanel } from "../components/HistoryPanel";
import { SavedViews } from "../components/SavedViews";
import { ViewTotals } from "../components/ViewTotals";
import { fmtCount } from "../format";
import { ColumnsMenu } from "../grid/ColumnsMenu";
import { Grid } from "../grid/Grid";
import {
  type ColumnLayout,
  DEFAULT_LAYOUT,
  applyLayout,
  layoutToParams,
  setWidth,
} from "../grid/columnLayout";
import { columnsFor } from "../grid/columns";
import { GROUP_FIELDS, groupRows } from "../grid/grouping";
import { useMediaQuery, useVersion } from "../hooks";
import type { OrgStore } from "../state/orgStore";
import {
  EMPTY_FILTERS,
  type Filters,
  type Sort,
  distinct,
  narrows,
  sameBesideSearch,
  select,
} from "../state/query";
import { toQuery } from "../state/urlView";

/** A screen short enough that the chrome is compacted (the same query as the style sheet's). */
const COMPACT = "(max-height: 800px)";

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
  /** The column the rows are grouped by (a record field; null: none). */
  group?: string | null;
  setGroup?: (field: string | null) => void;
  /** The user's arrangement of the columns (kept in the address with the view). */
  layout?: ColumnLayout;
  setLayout?: (layout: ColumnLayout) => void;
}

export function useSelection(store: OrgStore, filters: Filters, sort: Sort | null): string[] {
  const { rowsVersion } = store;
  // Typing stays fluid: the input echoes at once, the 50K-record filter follows when it can...
  const deferred = useDeferredValue(filters);
  const last = useRef<{ rowsVersion: number; filters: Filters; sort: Sort | null; ids: string[] } | null>(
    null,
  );
  // ...unless only the search text changed and the search index is ready: then the new rows take
  // a few milliseconds and are drawn with the keystroke itself, a frame sooner.
  const prev = last.current;
  const quick =
    prev !== null &&
    prev.rowsVersion === rowsVersion &&
    prev.sort === sort &&
    store.searchReady() &&
    sameBesideSearch(prev.filters, filters) &&
    (sort === null || narrows(prev.filters, filters));
  const wanted = quick ? filters : deferred;
  return useMemo(() => {
    const view = (id: string) => store.view(id);
    const hasDraft = (id: string) =>
      store.sandbox.draftOf(id) !== undefined || store.stateOf(id) !== "pristine";
    const prev = last.current;
    const prepared = wanted.q.trim() ? store.preparedSearch() : undefined;
    let ids: string[];
    if (prev && prev.rowsVersion === rowsVersion && prev.sort === sort && narrows(prev.filters, wanted)) {
      ids = select(prev.ids, view, hasDraft, wanted, null, prepared); // same order, fewer records
    } else {
      const all = wanted.conflictsOnly ? store.conflictIds() : store.rows.map((r) => r.id);
      if (!wanted.conflictsOnly) for (const id of store.orphanIds()) all.push(id);
      ids = select(all, view, hasDraft, wanted, sort, prepared);
    }
    last.current = { rowsVersion, filters: wanted, sort, ids };
    return ids;
    // Recomputed when the data, filters or sort change, not on every edit: rows stay put while you type.
  }, [store, rowsVersion, wanted, sort]);
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
  group = null,
  setGroup,
  layout = DEFAULT_LAYOUT,
  setLayout,
}: Props) {
  const version = useVersion(store);
  const ids = useSelection(store, filters, sort);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => setCollapsed(new Set()), [group]);
  const grouping = GROUP_FIELDS.find((g) => g.field === group) ?? null;
  // the rows drawn: group headers with their records (the drafts' costs included), or the records
  const model = useMemo(
    () => (grouping ? groupRows(ids, (id) => store.view(id), grouping.field, collapsed) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- version: the drafts changed costs
    [ids, grouping, collapsed, store, version],
  );
  const toggleGroup = useCallback(
    (key: string) =>
      setCollapsed((shut) => {
        const next = new Set(shut);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  const gridIds = model ? model.ids : ids;
  const [selRows, setSelRows] = useState<{ r0: number; r1: number } | null>(null);
  const onSelectRows = useCallback((r: { r0: number; r1: number } | null) => setSelRows(r), []);
  const [bulkOpen, setBulkOpen] = useState(false);
  // On a short screen the filters fold behind a button, leaving the rows the room.
  const compact = useMediaQuery(COMPACT);
  const [filtersOpen, setFiltersOpen] = useState<boolean | null>(null);
  const showFilters = !compact || filtersOpen === true;
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
  const arranged = useMemo(() => applyLayout(columns, layout), [columns, layout]);
  const onResizeColumn = useCallback(
    (key: string, width: number | null) => {
      if (width !== null) setLayout?.(setWidth(layout, key, width));
      else {
        const widths = { ...layout.widths };
        delete widths[key];
        setLayout?.({ ...layout, widths });
      }
    },
    [layout, setLayout],
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
      {showFilters && (
        <>
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
          <SavedViews
            code={store.code}
            query={[toQuery(filters, sort, group), new URLSearchParams(layoutToParams(layout)).toString()]
              .filter(Boolean)
              .join("&")}
            onApply={(q) => onApplyView?.(q)}
          />
          <ViewTotals
            code={store.code}
            query={toQuery(filters, null)}
            version={store.rowsVersion + store.serverDraftsVersion}
          />
        </>
      )}
      <div className="grid-meta">
        {compact && (
          <button
            type="button"
            aria-expanded={showFilters}
            onClick={() => setFiltersOpen(!showFilters)}
            data-testid="filters-toggle"
            title="Filters, saved views and the totals of the filtered records"
          >
            Filters{filtersActive ? " (on)" : ""} {showFilters ? "▴" : "▾"}
          </button>
        )}
        {setGroup && (
          <label className="filter inline">
            <span>Group by</span>
            <select
              value={group ?? ""}
              onChange={(e) => setGroup(e.target.value || null)}
              aria-label="Group rows by"
              data-testid="group-by"
            >
              <option value="">none</option>
              {GROUP_FIELDS.map((g) => (
                <option key={g.field} value={g.field}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
        )}
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
        {setLayout && <ColumnsMenu columns={columns} layout={layout} onChange={setLayout} />}
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
          ids={gridIds}
          columns={arranged.columns}
          pinned={arranged.pinned}
          onResizeColumn={setLayout ? onResizeColumn : undefined}
          sort={sort}
          onSort={setSort}
          onOpenConflict={onOpenConflict}
          suggestions={{ forecastCategory: vocabulary.category }}
          onSelectRows={onSelectRows}
          groups={model && grouping ? { model, label: grouping.label, onToggle: toggleGroup } : null}
        />
      </div>
      {historyOf && (
        <HistoryPanel code={store.code} recordId={historyOf} onClose={() => setHistoryOf(null)} />
      )}
      {bulkOpen && (
        <BulkChangeDialog
          store={store}
          selectedIds={selRows ? gridIds.slice(selRows.r0, selRows.r1 + 1) : []}
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
