/**
 * The drafts to commit, one row per record with a checkbox: description, each field before →
 * after, forecast cost before → after. Only the rows in view are built, so a review of
 * thousands of drafts stays quick.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { FIELDS_BY_NAME } from "../domain/fields";
import { fmtMoney, fmtSigned, fmtValue } from "../format";
import type { ReviewRow } from "./CommitDialog";

interface Props {
  rows: readonly ReviewRow[];
  picked: ReadonlySet<string>;
  onPick: (picked: ReadonlySet<string>) => void;
}

const ROW = 30;

export function ReviewTable({ rows, picked, onPick }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const pickable = rows.filter((r) => r.state !== "orphaned");
  const all = pickable.length > 0 && pickable.every((r) => picked.has(r.id));
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onPick(next);
  };
  return (
    <div
      className="table-scroll review-scroll"
      ref={scrollRef}
      tabIndex={0}
      role="region"
      aria-label="Drafts to commit"
    >
      <table className="compact review-table" data-testid="review-table">
        <caption className="sr-only">Changes to commit</caption>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Commit every record"
                checked={all}
                onChange={() => onPick(all ? new Set() : new Set(pickable.map((r) => r.id)))}
              />
            </th>
            <th scope="col">Record</th>
            <th scope="col">Description</th>
            <th scope="col">Before (PEMS) → after (yours)</th>
            <th scope="col">Forecast cost</th>
          </tr>
        </thead>
        <tbody>
          {top > 0 && <tr style={{ height: top }} aria-hidden="true" />}
          {items.map((item) => {
            const r = rows[item.index];
            if (!r) return null;
            const changes = r.fields
              .map(
                (f) =>
                  `${FIELDS_BY_NAME.get(f.name)?.label ?? f.name}: ${fmtValue(f.before) || "—"} → ${fmtValue(f.after) || "—"}`,
              )
              .join("; ");
            return (
              <tr
                key={r.id}
                style={{ height: ROW }}
                className={r.state !== "draft" ? `state-${r.state}` : undefined}
                data-record-id={r.id}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Commit ${r.pfaId}`}
                    checked={picked.has(r.id)}
                    disabled={r.state === "orphaned"}
                    onChange={() => toggle(r.id)}
                  />
                </td>
                <th scope="row">
                  {r.pfaId}
                  {r.state !== "draft" && <span className={`tag tag-${r.state}`}>{r.state}</span>}
                </th>
                <td className="truncate" title={r.description}>
                  {r.description}
                </td>
                <td className="truncate" title={changes}>
                  {changes}
                </td>
                <td className="num">
                  {fmtMoney(r.costBefore)} → {fmtMoney(r.costAfter)}{" "}
                  <span className={r.costAfter > r.costBefore ? "over" : "under"}>
                    ({fmtSigned(r.costAfter - r.costBefore)})
                  </span>
                </td>
              </tr>
            );
          })}
          {bottom > 0 && <tr style={{ height: bottom }} aria-hidden="true" />}
        </tbody>
      </table>
    </div>
  );
}
