/**
 * One record's lane on the timeline: its plan window (faint) and its forecast window, which an
 * editor drags whole (the middle), by its start or by its end (the handles at its ends), or moves
 * with the keyboard. A forecast window running off the visible part of the lane gets a marker at
 * that edge; clicking the marker brings the window into view.
 */
import { memo, useState } from "react";
import { toDay } from "../domain/values";
import { type DragMode, type Scale, overflow } from "./timelineScale";

export const LABEL = 220;
const HANDLES_FROM = 18; // a narrower bar has no handles: dragging it moves it whole

interface Props {
  id: string;
  top: number;
  data: Record<string, unknown> | undefined;
  drafted: boolean;
  scale: Scale;
  width: number;
  /** the visible part of the lane, in lane pixels */
  visible: { from: number; to: number };
  editable: boolean;
  onMove: (id: string, days: number, mode: DragMode) => void;
  onReveal: (x: number) => void;
}

const KEY_MODES: { key: "altKey" | "ctrlKey"; mode: DragMode }[] = [
  { key: "altKey", mode: "end" },
  { key: "ctrlKey", mode: "start" },
];

function signed(days: number): string {
  return `${days > 0 ? "+" : ""}${days}`;
}

export const TimelineRow = memo(function TimelineRow({
  id,
  top,
  data,
  drafted,
  scale,
  width,
  visible,
  editable,
  onMove,
  onReveal,
}: Props) {
  const [drag, setDrag] = useState<{ mode: DragMode; x0: number; dx: number } | null>(null);
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
  const name = String(data.pfaId ?? id);
  const label = `Forecast window of ${name}: ${String(data.forecastStart)} to ${String(data.forecastEnd)}`;
  const off = forecast ? overflow(forecast, visible) : null;
  const shown = forecast && drag ? draggedBox(forecast, drag.mode, drag.dx) : forecast;
  const handles = editable && forecast !== null && forecast.width >= HANDLES_FROM;

  return (
    <div
      className="tl-row"
      style={{ transform: `translateY(${top}px)`, width: LABEL + width }}
      data-record-id={id}
    >
      <div className="tl-label sticky-0" title={String(data.description ?? "")}>
        <span className="mono">{name}</span> <span className="muted">{String(data.category ?? "")}</span>
      </div>
      <div className="tl-lane" style={{ width }}>
        {plan && (
          <div
            className="tl-bar plan"
            style={plan}
            title={`Plan ${String(data.originalStart)} → ${String(data.originalEnd)}`}
          />
        )}
        {forecast && shown && (
          <div
            className={`tl-bar forecast${drafted ? " drafted" : ""}${editable ? " draggable" : ""}${drag ? " dragging" : ""}`}
            style={{ left: shown.left, width: shown.width }}
            role={editable ? "button" : undefined}
            tabIndex={editable ? 0 : -1}
            aria-label={
              editable
                ? `${label}. Arrow keys move it by a day (Shift: a week); with Alt only its end, with Ctrl only its start.`
                : label
            }
            title={
              drag
                ? `${signed(days)} days`
                : `Forecast ${String(data.forecastStart)} → ${String(data.forecastEnd)}` +
                  (editable ? " (drag the middle to move it, an end to change only that date)" : "")
            }
            data-testid="forecast-bar"
            onPointerDown={(e) => {
              if (!editable || e.button !== 0) return;
              const handle = (e.target as HTMLElement).dataset.handle;
              e.currentTarget.setPointerCapture(e.pointerId);
              setDrag({
                mode: handle === "start" || handle === "end" ? handle : "move",
                x0: e.clientX,
                dx: 0,
              });
            }}
            onPointerMove={(e) => drag && setDrag({ ...drag, dx: e.clientX - drag.x0 })}
            onPointerUp={() => {
              if (!drag) return;
              setDrag(null);
              if (days !== 0) onMove(id, days, drag.mode);
            }}
            onPointerCancel={() => setDrag(null)}
            onKeyDown={(e) => {
              if (!editable || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
              e.preventDefault();
              const step = (e.shiftKey ? 7 : 1) * (e.key === "ArrowRight" ? 1 : -1);
              onMove(id, step, KEY_MODES.find((m) => e[m.key])?.mode ?? "move");
            }}
          >
            {handles && (
              <>
                <span className="tl-handle start" data-handle="start" data-testid="forecast-start-handle" />
                <span className="tl-handle end" data-handle="end" data-testid="forecast-end-handle" />
              </>
            )}
            {drag && days !== 0 && (
              <span className="drag-hint">{`${drag.mode === "move" ? "" : drag.mode + " "}${signed(days)} d`}</span>
            )}
          </div>
        )}
        {forecast && off?.before && (
          <button
            type="button"
            className="tl-off before"
            style={{ left: visible.from }}
            data-testid="offscreen-before"
            title={`${name}: the forecast window ${forecast.left + forecast.width < visible.from ? "is" : "starts"} before the view (from ${String(data.forecastStart)}); show it`}
            aria-label={`${name} starts before the view: show it`}
            onClick={() => onReveal(forecast.left)}
          >
            ◀
          </button>
        )}
        {forecast && off?.after && (
          <button
            type="button"
            className="tl-off after"
            style={{ left: visible.to - 16 }}
            data-testid="offscreen-after"
            title={`${name}: the forecast window ${forecast.left > visible.to ? "is" : "runs"} past the view (to ${String(data.forecastEnd)}); show it`}
            aria-label={`${name} ends after the view: show it`}
            onClick={() =>
              onReveal(
                Math.max(forecast.left, forecast.left + forecast.width - (visible.to - visible.from) + 40),
              )
            }
          >
            ▶
          </button>
        )}
      </div>
    </div>
  );
});

function draggedBox(box: { left: number; width: number }, mode: DragMode, dx: number) {
  if (mode === "move") return { left: box.left + dx, width: box.width };
  if (mode === "start") {
    const shift = Math.min(dx, box.width - 2);
    return { left: box.left + shift, width: box.width - shift };
  }
  return { left: box.left, width: Math.max(2, box.width + dx) };
}
