/** A group's header row in the grid: its value, how many records, their totals (as every figure
 * counts them), and a button that collapses or expands the group. */
import { fmtCount, fmtMoney, fmtSigned } from "../format";
import { ROW_HEIGHT } from "./GridRow";
import type { GroupRow } from "./grouping";

export function GroupHeader({
  group,
  label,
  top,
  width,
  onToggle,
}: {
  group: GroupRow;
  label: string;
  top: number;
  width: number;
  onToggle: (key: string) => void;
}) {
  const { totals } = group;
  return (
    <div
      role="row"
      className="grid-row group-row"
      style={{ transform: `translateY(${top}px)`, width, height: ROW_HEIGHT }}
      data-testid="group-row"
      data-group-key={group.key}
    >
      <div role="gridcell" className="group-cell">
        <button
          type="button"
          className="link group-toggle"
          aria-expanded={!group.collapsed}
          onClick={() => onToggle(group.key)}
          title={group.collapsed ? "Show this group's records" : "Hide this group's records"}
        >
          <span aria-hidden="true">{group.collapsed ? "▸" : "▾"}</span> {label}: <strong>{group.key}</strong>
        </button>{" "}
        <span data-testid="group-count">{fmtCount(group.count)} records</span>
        <span className="group-totals" data-testid="group-totals">
          plan {fmtMoney(totals.plan)} · forecast{" "}
          <strong data-testid="group-forecast">{fmtMoney(totals.forecast)}</strong> · actual{" "}
          {fmtMoney(totals.actual)} · variance {fmtSigned(totals.variance)}
          {group.excluded > 0 && <span className="muted"> (excludes {fmtCount(group.excluded)})</span>}
        </span>
      </div>
    </div>
  );
}
