/** Everything about one organization: its records in memory, the sandbox, and the screens. */
import { Activity, Suspense, lazy, useCallback, useEffect, useMemo, useState } from "react";
import type { OrgSummary, RecordConflict } from "../api/types";
import { CommitDialog } from "../components/CommitDialog";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ConflictDialog } from "../components/ConflictDialog";
import { FreshnessBar } from "../components/FreshnessBar";
import { SandboxBar } from "../components/SandboxBar";
import { type OrgView, type Route, routeHash, useVersion } from "../hooks";
import { Autosaver } from "../state/autosave";
import { KpiCache } from "../state/kpiCache";
import { OrgStore } from "../state/orgStore";
import { EMPTY_FILTERS, type Filters, type Sort } from "../state/query";
import { fromQuery, hashQuery, toQuery } from "../state/urlView";
import { layoutFromQuery, layoutToParams } from "../grid/columnLayout";
import { useColumnLayout } from "../grid/useColumnLayout";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import { AiPanel } from "./AiPanel";
import { AiRecordsChip } from "./AiRecordsChip";
import { answerFilters } from "./aiAnswer";
import { ChangesScreen } from "./ChangesScreen";
import { GridScreen } from "./GridScreen";
import { TimelineScreen } from "./Timeline";

// The charts library is only fetched when the KPI board is opened.
const loadKpiBoard = () => import("./KpiBoard");
const KpiBoardScreen = lazy(loadKpiBoard);

interface Props {
  org: OrgSummary;
  view: OrgView;
  navigate: (r: Route) => void;
}

const TABS: { view: OrgView; label: string }[] = [
  { view: "grid", label: "Grid" },
  { view: "kpi", label: "KPIs" },
  { view: "timeline", label: "Timeline" },
  { view: "ai", label: "AI assistant" },
  { view: "changes", label: "Changes" },
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function OrgWorkspace({ org, view, navigate }: Props) {
  const store = useMemo(() => new OrgStore(org.code, org.role), [org.code, org.role]);
  const saver = useMemo(() => new Autosaver(store), [store]);
  useVersion(store);
  // The view (filters, sort) starts from the address and is kept in it: reloads and links keep it.
  const [initial] = useState(() => fromQuery(hashQuery(window.location.hash)));
  const [filters, setFilters] = useState<Filters>(initial.filters);
  const [sort, setSort] = useState<Sort | null>(initial.sort);
  const [group, setGroup] = useState<string | null>(initial.group ?? null);
  // The columns' arrangement: a link's (the address), else the user's own (server and browser).
  const { layout, setLayout, showLayout } = useColumnLayout(org.code);
  // A link into the workspace with a view in it (a drill-down, a pasted link) applies that view.
  useEffect(() => {
    // The event's own URL: the address may already have been rewritten by the render the
    // route's listener started.
    const apply = (event: HashChangeEvent) => {
      const query = hashQuery(new URL(event.newURL).hash);
      if (!query) return;
      const next = fromQuery(query);
      setFilters(next.filters);
      setSort(next.sort);
      setGroup(next.group ?? null);
      const columns = layoutFromQuery(query);
      if (columns) showLayout(columns);
    };
    window.addEventListener("hashchange", apply);
    return () => window.removeEventListener("hashchange", apply);
  }, [showLayout]);
  useEffect(() => {
    const route = routeHash({ name: "org", code: org.code, view });
    // A navigation to another screen is under way (its hashchange not handled yet): leave the
    // address alone; this runs again once the route has followed.
    if (window.location.hash.split("?")[0] !== route) return;
    const columns = view === "grid" ? new URLSearchParams(layoutToParams(layout)).toString() : "";
    const query = [toQuery(filters, sort, view === "grid" ? group : null), columns].filter(Boolean).join("&");
    const hash = `${route}${query ? `?${query}` : ""}`;
    if (window.location.hash !== hash) window.history.replaceState(null, "", hash);
  }, [filters, sort, group, view, org.code, layout]);
  // The KPI board is got ready once the organization is loaded, when the browser is idle: its
  // code (the charts) fetched, its figures asked for, and the board drawn hidden, so that its
  // first visit neither waits for them nor draws it from nothing. The figures are asked again
  // each time the saved drafts change; the board shows them as soon as it is opened.
  const kpiCache = useMemo(() => new KpiCache(() => api.kpi(store.code, true), describeError), [store]);
  const [boardReady, setBoardReady] = useState(false);
  const loaded = !store.partial && store.rows.length > 0;
  const draftsVersion = store.serverDraftsVersion;
  useEffect(() => {
    if (!loaded) return;
    let cancelled = false;
    const warm = () => void loadKpiBoard().then(() => !cancelled && setBoardReady(true));
    if ("requestIdleCallback" in window) {
      const handle = window.requestIdleCallback(warm, { timeout: 2000 });
      return () => {
        cancelled = true;
        window.cancelIdleCallback(handle);
      };
    }
    const timer = setTimeout(warm, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [loaded]);
  useEffect(() => {
    if (boardReady) kpiCache.request(draftsVersion);
  }, [boardReady, kpiCache, draftsVersion]);
  const [dialog, setDialog] = useState<"commit" | "discard" | null>(null);
  const [conflicts, setConflicts] = useState<RecordConflict[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    saver.start();
    // The first screen's rows come first when the view is the default one (id order, no filter).
    const plain = !toQuery(initial.filters, initial.sort) && !initial.filters.ids && !initial.filters.ends;
    void store.load({}, { firstPage: plain && !initial.filters.conflictsOnly });
    return () => saver.stop();
  }, [store, saver, initial]);

  const undo = useCallback(() => {
    const step = store.sandbox.undo();
    setNotice(step ? `Undid: ${step.label}` : null);
  }, [store]);
  const redo = useCallback(() => {
    const step = store.sandbox.redo();
    setNotice(step ? `Redid: ${step.label}` : null);
  }, [store]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTyping(e.target) || !store.canEdit) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store, undo, redo]);

  const openConflictsFor = useCallback(
    async (id: string) => {
      try {
        const detail = await api.record(store.code, id);
        setConflicts([{ recordId: id, fields: detail.conflict ?? {} }]);
      } catch (e) {
        setNotice(describeError(e));
      }
    },
    [store],
  );

  const discardAll = async () => {
    setDialog(null);
    try {
      await saver.flush();
      await api.discard(store.code);
      setNotice("All drafts discarded.");
      await store.load();
      store.noteServerDraftsChanged();
    } catch (e) {
      setNotice(describeError(e));
    }
  };

  return (
    <main className="workspace" tabIndex={-1}>
      <h1 className="sr-only">
        {org.code}: {TABS.find((t) => t.view === view)?.label ?? view}
      </h1>
      <FreshnessBar store={store} />
      <h2 className="sr-only">Drafts</h2>
      <SandboxBar
        store={store}
        saver={saver}
        notice={notice}
        onUndo={undo}
        onRedo={redo}
        onCommit={() => setDialog("commit")}
        onDiscard={() => setDialog("discard")}
        onShowConflicts={() => {
          setFilters({ ...EMPTY_FILTERS, conflictsOnly: true });
          navigate({ name: "org", code: org.code, view: "grid" });
        }}
      />
      <h2 className="sr-only">Screens</h2>
      <nav className="tabs" aria-label="Screens">
        {TABS.map((t) => (
          <a
            key={t.view}
            href={`#/org/${encodeURIComponent(org.code)}/${t.view}`}
            className={view === t.view ? "tab active" : "tab"}
            aria-current={view === t.view ? "page" : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate({ name: "org", code: org.code, view: t.view });
            }}
          >
            {t.label}
          </a>
        ))}
      </nav>
      <section className="view">
        {view === "grid" && filters.ids && (
          <AiRecordsChip ids={filters.ids} onClear={() => setFilters({ ...filters, ids: undefined })} />
        )}
        {/* Kept (hidden) while the KPI board shows: going to the board and back redraws nothing. */}
        {(view === "grid" || view === "kpi") && (
          <Activity mode={view === "grid" ? "visible" : "hidden"}>
            <GridScreen
              store={store}
              filters={filters}
              setFilters={setFilters}
              sort={sort}
              setSort={setSort}
              group={group}
              setGroup={setGroup}
              onApplyView={(query) => {
                const next = fromQuery(query);
                setFilters(next.filters);
                setSort(next.sort);
                setGroup(next.group ?? null);
                const columns = layoutFromQuery(query);
                if (columns) setLayout(columns);
              }}
              onOpenConflict={openConflictsFor}
              onNotice={setNotice}
              layout={layout}
              setLayout={setLayout}
            />
          </Activity>
        )}
        {(view === "kpi" || boardReady) && (
          <Activity mode={view === "kpi" ? "visible" : "hidden"}>
            <Suspense fallback={<p aria-busy="true">Loading KPIs…</p>}>
              <KpiBoardScreen store={store} cache={kpiCache} active={view === "kpi"} />
            </Suspense>
          </Activity>
        )}
        {view === "timeline" && (
          <TimelineScreen store={store} filters={filters} setFilters={setFilters} onNotice={setNotice} />
        )}
        {view === "ai" && (
          <AiPanel
            store={store}
            onNotice={setNotice}
            onShowRecords={(ids) => {
              setFilters(answerFilters(ids));
              navigate({ name: "org", code: org.code, view: "grid" });
            }}
          />
        )}
        {view === "changes" && <ChangesScreen code={org.code} />}
      </section>
      {dialog === "commit" && (
        <CommitDialog
          store={store}
          saver={saver}
          onClose={() => setDialog(null)}
          filters={filters}
          onConflicts={(c) => {
            setDialog(null);
            setConflicts(c);
          }}
        />
      )}
      {dialog === "discard" && (
        <ConfirmDialog
          title="Discard all drafts?"
          confirmLabel={`Discard ${store.sandbox.draftCount} draft${store.sandbox.draftCount === 1 ? "" : "s"}`}
          danger
          onConfirm={discardAll}
          onCancel={() => setDialog(null)}
        >
          <p>
            Every unsaved and saved draft of yours in <strong>{org.code}</strong> is deleted. PEMS is not
            touched. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {conflicts && (
        <ConflictDialog
          store={store}
          saver={saver}
          conflicts={conflicts}
          onClose={() => setConflicts(null)}
          onCommitted={(msg) => {
            setConflicts(null);
            setNotice(msg);
          }}
        />
      )}
    </main>
  );
}
