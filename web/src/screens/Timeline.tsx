/**
 * Timeline: a Gantt of the filtered records' forecast windows (plan window shown faintly). It
 * opens on today (a line marks it), the viewport spanning the timeline bounds and today; a bar
 * running off the visible part gets a marker at that edge. Drag a bar's middle to move its
 * forecast window, an end to move only that date (or focus it and use the arrow keys), as a
 * draft. The axis labels keep their room at every zoom. The spend profile is underneath.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { Suspense, lazy, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { TimelineBounds } from "../api/types";
import { FilterBar } from "../components/FilterBar";
import { fromDay, toDay } from "../domain/values";
import { fmtCount } from "../format";
import { useVersion } from "../hooks";
import type { OrgStore } from "../state/orgStore";
import type { Filters, Sort } from "../state/query";
import { EditRefused } from "../state/sandbox";
import { useSelection, useVocabulary } from "./GridScreen";
import { LABEL, TimelineRow } from "./TimelineRow";
import { type DragMode, dragged, scaleFor, ticks as axisTicks, todayDay } from "./timelineScale";

// The spend profile's chart library loads with the timeline, not with the first screen.
const SpendProfile = lazy(() =>
  import("../components/SpendProfile").then((m) => ({ default: m.SpendProfile })),
);

const ROW = 28;
const SORT: Sort = { field: "forecastStart", dir: "asc" };
const TODAY_AT = 0.25; // today sits a quarter into the visible lane when the timeline opens

interface Props {
  store: OrgStore;
  filters: Filters;
  setFilters: (f: Filters) => void;
  onNotice: (msg: string | null) => void;
}

const WHAT: Record<DragMode, string> = { move: "forecast", start: "forecast start", end: "forecast end" };

export function TimelineScreen({ store, filters, setFilters, onNotice }: Props) {
  useVersion(store);
  const ids = useSelection(store, filters, SORT);
  const vocabulary = useVocabulary(store);
  const [bounds, setBounds] = useState<TimelineBounds | null | undefined>(undefined);
  const [zoom, setZoom] = useState(2);
  const scrollRef = useRef<HTMLDivElement>(null);
  const version = store.serverDraftsVersion;
  const today = useMemo(() => todayDay(), []);
  // the visible part of the lanes (lane pixels), followed on scroll and resize
  const [visible, setVisible] = useState({ from: 0, to: 1200 });
  // the day to keep in place when the scale changes: today when the timeline opens, the
  // day at the middle when the zoom changes
  const anchor = useRef<{ day: number; at: number } | null>({ day: today, at: TODAY_AT });

  useEffect(() => {
    let cancelled = false;
    api
      .timelineBounds(store.code, true)
      .then((b) => !cancelled && setBounds(b))
      .catch((e) => {
        if (cancelled) return;
        setBounds(null);
        onNotice(`Timeline bounds: ${describeError(e)}`);
      });
    return () => {
      cancelled = true;
    };
  }, [store, version, onNotice]);

  const scale = useMemo(
    () => scaleFor(toDay(bounds?.minStart), toDay(bounds?.maxEnd), zoom, today),
    [bounds, zoom, today],
  );

  const follow = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const lane = Math.max(0, el.clientWidth - LABEL);
    setVisible((v) =>
      v.from === el.scrollLeft && v.to === el.scrollLeft + lane
        ? v
        : { from: el.scrollLeft, to: el.scrollLeft + lane },
    );
  }, []);

  // Put the anchored day back in place once the scale it is measured on is drawn; when new
  // bounds move the scale's first day, the days in view stay where they were.
  const drawn = useRef(scale);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const before = drawn.current;
    drawn.current = scale;
    if (!el || bounds === undefined) return;
    if (anchor.current !== null) {
      const lane = Math.max(0, el.clientWidth - LABEL);
      el.scrollLeft = Math.max(0, (anchor.current.day - scale.start) * scale.px - lane * anchor.current.at);
      anchor.current = null;
    } else if (before.start !== scale.start && before.px === scale.px) {
      el.scrollLeft = Math.max(0, el.scrollLeft + (before.start - scale.start) * scale.px);
    }
    follow();
  }, [scale, bounds, follow]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let frame = 0;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(follow);
    };
    el.addEventListener("scroll", later, { passive: true });
    const resize = new ResizeObserver(later);
    resize.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener("scroll", later);
      resize.disconnect();
    };
  }, [follow]);

  const rezoom = (px: number) => {
    const el = scrollRef.current;
    if (el) {
      const lane = Math.max(0, el.clientWidth - LABEL);
      anchor.current = { day: scale.start + (el.scrollLeft + lane / 2) / scale.px, at: 0.5 };
    }
    setZoom(px);
  };
  const toToday = () => {
    anchor.current = { day: today, at: TODAY_AT };
    const el = scrollRef.current;
    if (el) {
      const lane = Math.max(0, el.clientWidth - LABEL);
      el.scrollLeft = Math.max(0, (today - scale.start) * scale.px - lane * TODAY_AT);
      anchor.current = null;
    }
  };
  const reveal = useCallback((x: number) => {
    if (scrollRef.current) scrollRef.current.scrollLeft = Math.max(0, x - 40);
  }, []);

  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 10,
  });

  const width = scale.days * scale.px;
  const ticks = useMemo(() => axisTicks(scale), [scale]);
  const todayX = (today - scale.start) * scale.px;

  const move = useCallback(
    (id: string, days: number, mode: DragMode) => {
      if (days === 0) return;
      const data = store.view(id);
      if (!data) return;
      const start = toDay(data.forecastStart);
      const end = toDay(data.forecastEnd);
      const next = dragged(start, end, days, mode);
      if (next === null) return;
      const changes: Record<string, string> = {};
      if (next.start !== start) changes.forecastStart = fromDay(next.start);
      if (next.end !== end) changes.forecastEnd = fromDay(next.end);
      if (Object.keys(changes).length === 0) return;
      try {
        store.sandbox.edit(
          `move ${WHAT[mode]} of ${String(data.pfaId ?? id)} by ${days} day${Math.abs(days) === 1 ? "" : "s"}`,
          [{ recordId: id, changes }],
        );
      } catch (error) {
        if (error instanceof EditRefused) onNotice(error.message);
        else throw error;
      }
    },
    [store, onNotice],
  );

  const editable = store.canEdit;
  return (
    <div className="timeline-screen">
      <FilterBar filters={filters} vocabulary={vocabulary} onChange={setFilters} />
      <div className="grid-meta">
        <span data-testid="timeline-count">{fmtCount(ids.length)} records</span>
        <label className="filter inline">
          <span>Zoom</span>
          <select
            value={zoom}
            onChange={(e) => rezoom(Number(e.target.value))}
            aria-label="Zoom (pixels per day)"
          >
            <option value={0.2}>Years</option>
            <option value={1}>Quarters</option>
            <option value={2}>Months</option>
            <option value={6}>Weeks</option>
          </select>
        </label>
        <button type="button" onClick={toToday} data-testid="timeline-today">
          Today
        </button>
        <span className="legend">
          <span className="bar-swatch plan" /> plan <span className="bar-swatch forecast" /> forecast{" "}
          <span className="bar-swatch forecast drafted" /> forecast (draft)
        </span>
        {editable && (
          <span className="muted">
            Drag a bar to move its forecast window, or an end of it to move only that date; or focus it and
            use ← → (Shift: a week; Alt: the end only; Ctrl: the start only).
          </span>
        )}
      </div>
      <div ref={scrollRef} className="timeline-scroll" data-testid="timeline">
        <div className="timeline-header" style={{ width: LABEL + width }}>
          <div className="tl-label sticky-0">Record</div>
          <div className="tl-axis" style={{ width }}>
            {ticks.map((t) => (
              <span
                key={t.x}
                className={`tick${t.major ? " major" : ""}`}
                style={{ left: t.x }}
                data-testid="axis-label"
              >
                {t.label}
              </span>
            ))}
            <span className="today-mark" style={{ left: todayX }} title={`Today, ${fromDay(today)}`}>
              today
            </span>
          </div>
        </div>
        <div style={{ height: virtualizer.getTotalSize(), width: LABEL + width, position: "relative" }}>
          {todayX >= visible.from && (
            <div
              className="today-line"
              style={{ left: LABEL + todayX }}
              data-testid="today-line"
              data-day={fromDay(today)}
              aria-hidden="true"
            />
          )}
          {virtualizer.getVirtualItems().map((item) => {
            const id = ids[item.index];
            if (id === undefined) return null;
            return (
              <TimelineRow
                key={id}
                id={id}
                top={item.start}
                data={store.view(id)}
                drafted={store.sandbox.draftOf(id) !== undefined}
                scale={scale}
                width={width}
                visible={visible}
                editable={editable && store.stateOf(id) !== "orphaned"}
                onMove={move}
                onReveal={reveal}
              />
            );
          })}
        </div>
      </div>
      <section className="timeline-profile" aria-label="Spend profile">
        <Suspense fallback={<p className="muted small">Loading the spend profile…</p>}>
          <SpendProfile code={store.code} version={version} />
        </Suspense>
      </section>
    </div>
  );
}
