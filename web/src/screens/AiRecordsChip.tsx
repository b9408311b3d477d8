/** The grid's visible, removable filter to an AI answer's records ("AI answer: 37 records — clear"). */
import { recordsLabel } from "./aiAnswer";

export function AiRecordsChip({ ids, onClear }: { ids: ReadonlySet<string>; onClear: () => void }) {
  return (
    <div className="ai-records-filter" role="status" data-testid="ai-records-chip">
      <span>AI answer: {recordsLabel(ids.size)}</span>
      <button
        type="button"
        className="chip"
        onClick={onClear}
        aria-label="Clear the AI answer filter: show all records"
      >
        clear
      </button>
    </div>
  );
}
