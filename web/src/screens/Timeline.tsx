/**
 * Timeline: a Gantt of the filtered records' forecast windows (plan window shown faintly), the
 * viewport from the timeline bounds; drag a bar (or focus it and use the arrow keys) to move the
 * forecast dates as a draft.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";
import type { TimelineBounds } from "../api/types";
import { FilterBar } from "../components/FilterBar";
import { addDays, fromDay, toDay } from "../domain/values";
import { fmtCount } from "../format";
import { useVersion } from "../hooks";
import type { OrgStore } from "../state/orgStore";
import type { Filters, Sort } from "../state/query";
import { EditRefused } from "../state/sandbox";
import { useSelection, useVocabulary } from "./GridScreen";

const ROW = 28;
const LABEL = 220;
const SORT: Sort = { field: "forecastStart", dir: "asc" };

interface Props {
  store: OrgStore;
  filters: Filters;
  setFilters: (f: Filters) => void;
  onNotice: (msg: string | null) => void;
}

interface Scale {
  start: number;
  days: number;
  px: number;
}

function months(scale: Scale): { x: number; label: string }[] {
  const out: { x: number; label: string }[] = [];
  const first = new Date(fromDay(scale.start) + "T00:00:00Z");
  const d = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
  const end = scale.start + scale.days;
  while (Math.round(d.getTime() / 86_400_000) <= end) {
    const day = Math.round(d.getTime() / 86_400_000);
    out.push({
      x: (day - scale.start) * scale.px,
      label:
        d.getUTCMonth() === 0
          ? String(d.getUTCFullYear())
          : d.toLocaleString("en-US", { month: "short", timeZone: "UTC" }),
    });
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

export function TimelineScreen({ store, filters, setFilters, onNotice }: Props) {
  useVersion(store);
  const ids = useSelection(store, filters, SORT);
  const vocabulary = useVocabulary(store);
  const [bounds, setBounds] = useState<TimelineBounds | null>(null);
  const [zoom, setZoom] = useState(2);
  const scrollRef = useRef<HTMLDivElement>(null);
  const version = store.serverDraftsVersion;

  useEffect(() => {
    let cancelled = false;
    api
      .timelineBounds(store.code, true)
      .then((b) => !cancelled && setBounds(b))
      .catch((e) => !cancelled && onNotice(`Timeline bounds: ${describeError(e)}`));
    return () => {
      cancelled = true;
    };
  }, [store, version, onNotice]);

  const scale = useMemo<Scale>(() => {
    let start = toDay(bounds?.minStart);
    let end = toDay(bounds?.maxEnd);
    if (start === null || end === null) {
      const today = Math.floor(Date.now() / 86_400_000);
      start = today - 180;
      end = today + 540;
    }
    // A little air on both sides, so a bar dragged to the edge stays visible.
    return { start: start - 30, days: end - start + 60, px: zoom };
  }, [bounds, zoom]);

  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 10,
  });

  const width = scale.days * scale.px;
  const ticks = useMemo(() => months(scale), [scale]);

  const move = (id: string, days: number) => {
    if (days === 0) return;
    const data = store.view(id);
    if (!data) return;
    const s = addDays(data.forecastStart, days);
    const e = addDays(data.forecastEnd, days);
    if (s === null || e === null) return;
    try {
      store.sandbox.edit(
        `move forecast of ${String(data.pfaId ?? id)} by ${days} day${Math.abs(days) === 1 ? "" : "s"}`,
        [{ recordId: id, changes: { forecastStart: s, forecastEnd: e } }],
      );
    } catch (error) {
      if (error instanceof EditRefused) onNotice(error.message);
      else throw error;
    }
  };

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
            onChange={(e) => setZoom(Number(e.target.value))}
            aria-label="Zoom (pixels per day)"
          >
            <option value={0.5}>Years</option>
            <option value={1}>Quarters</option>
            <option value={2}>Months</option>
            <option value={6}>Weeks</option>
          </select>
        </label>
        <span className="legend">
          <span className="bar-swatch plan" /> plan <span className="bar-swatch forecast" /> forecast{" "}
          <span className="bar-swatch forecast drafted" /> forecast (draft)
        </span>
        {editable && (
          <span className="muted">
            Drag a bar to move its forecast window; or focus it and use ← → (Shift: a week).
          </span>
        )}
      </div>
      <div ref={scrollRef} className="timeline-scroll" data-testid="timeline">
        <div className="timeline-header" style={{ width: LABEL + width }}>
          <div className="tl-label sticky-0">Record</div>
          <div className="tl-axis" style={{ width }}>
            {ticks.map((t) => (
              <span key={t.x} className="tick" style={{ left: t.x }}>
                {t.label}
              </span>
            ))}
          </div>
        </div>
        <div style={{ height: virtualizer.getTotalSize(), width: LABEL + width, position: "relative" }}>
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
                editable={editable && store.stateOf(id) !== "orphaned"}
                onMove={move}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  id: string;
  top: number;
  data: Record<string, unknown> | undefined;
  drafted: boolean;
  scale: Scale;
  width: number;
  editable: boolean;
  onMove: (id: string, days: number) => void;
}

const TimelineRow = memo(function TimelineRow({
  id,
  top,
  data,
  drafted,
  scale,
  width,
  editable,
  onMove,
}: RowProps) {
  const [drag, setDrag] = useState<{ x0: number; dx: number } | null>(null);
  if (!data) return null;
  const span = (s: unknown, e: unknown) => {
    const a = toDay(s);
    const b = toDay(e);
    if (a === null || b === null) return null;
    return { left: (a - scale.start) * scale.px, width: Math.max(2, (b - a) * scale.px) };
  };
  const plan = span(data.originalStart, data.originalEnd);
  const forecast = span(data.forecastStart, data.forecastEnd);
  const days = drag ? Math.round(drag.dx / scale.px) : 0;
  const label = `Forecast window of ${String(data.pfaId ?? id)}: ${String(data.forecastStart)} to ${String(data.forecastEnd)}`;

  return (
    <div
      className="tl-row"
      style={{ transform: `translateY(${top}px)`, width: LABEL + width }}
      data-record-id={id}
    >
      <div className="tl-label sticky-0" title={String(data.description ?? "")}>
        <span className="mono">{String(data.pfaId ?? id)}</span>{" "}
        <span className="muted">{String(data.category ?? "")}</span>
      </div>
      <div className="tl-lane" style={{ width }}>
        {plan && (
          <div
            className="tl-bar plan"
            style={plan}
            title={`Plan ${String(data.originalStart)} → ${String(data.originalEnd)}`}
          />
        )}
        {forecast && (
          <div
            className={`tl-bar forecast${drafted ? " drafted" : ""}${editable ? " draggable" : ""}${drag ? " dragging" : ""}`}
            style={{
              left: forecast.left,
              width: forecast.width,
              transform: drag ? `translateX(${drag.dx}px)` : undefined,
            }}
            role={editable ? "button" : undefined}
            tabIndex={editable ? 0 : -1}
            aria-label={editable ? `${label}. Arrow keys move it by a day, Shift+arrow by a week.` : label}
            title={
              drag
                ? `${days > 0 ? "+" : ""}${days} days`
                : `Forecast ${String(data.forecastStart)} → ${String(data.forecastEnd)}`
            }
            data-testid="forecast-bar"
            onPointerDown={(e) => {
              if (!editable || e.button !== 0) return;
              e.currentTarget.setPointerCapture(e.pointerId);
              setDrag({ x0: e.clientX, dx: 0 });
            }}
            onPointerMove={(e) => drag && setDrag({ ...drag, dx: e.clientX - drag.x0 })}
            onPointerUp={() => {
              if (!drag) return;
              setDrag(null);
              onMove(id, days);
            }}
            onPointerCancel={() => setDrag(null)}
            onKeyDown={(e) => {
              if (!editable) return;
              const step = e.shiftKey ? 7 : 1;
              if (e.key === "ArrowRight") {
                e.preventDefault();
                onMove(id, step);
              } else if (e.key === "ArrowLeft") {
                e.preventDefault();
                onMove(id, -step);
              }
            }}
          >
            {drag && days !== 0 && <span className="drag-hint">{`${days > 0 ? "+" : ""}${days} d`}</span>}
          </div>
        )}
      </div>
    </div>
  );
});
