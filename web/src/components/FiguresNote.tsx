/**
 * What every cost figure counts, shown next to the figures: the rule, what it leaves out
 * (committed, and with your drafts when they differ) and the organization's currency. The
 * counts and the words come from the API, which computes every figure by one definition.
 */
import type { KpiBoard } from "../api/types";

export function FiguresNote({ kpi, hasDrafts }: { kpi: KpiBoard; hasDrafts: boolean }) {
  const { current, pending } = kpi.exclusions;
  const differs = pending && pending.text !== current.text;
  return (
    <p className="muted figures-note" data-testid="figures-note">
      Amounts in <strong data-testid="currency">{kpi.currency}</strong>. {kpi.rule}{" "}
      <span data-testid="exclusions">
        Committed figures {current.text}
        {differs ? `; with your drafts they ${pending.text}` : ""}.
      </span>{" "}
      {hasDrafts
        ? "Figures after → include your drafts (pending)."
        : "You have no drafts: current = pending."}
    </p>
  );
}
