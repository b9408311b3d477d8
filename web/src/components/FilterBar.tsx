import type { ReactNode } from "react";
import {
  type ColumnKey,
  DATE_MODES,
  type DateMode,
  EMPTY_FILTERS,
  type Filters,
  columnValues,
  withColumnValues,
} from "../state/query";

interface Props {
  filters: Filters;
  vocabulary: { category: string[]; area: string[]; source: string[]; dor: string[]; endYears?: string[] };
  onChange: (f: Filters) => void;
  extra?: ReactNode;
}

/** Category, source, area, DOR, forecast window and text filters; every control labelled. Each
 * column filter picks one value from its list, or several from its "+" menu (any of them). */
export function FilterBar({ filters, vocabulary, onChange, extra }: Props) {
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  const choice = (key: ColumnKey, label: string, options: string[]) => {
    const chosen = columnValues(filters, key);
    const several = chosen.length > 1;
    const toggle = (value: string, on: boolean) =>
      onChange(withColumnValues(filters, key, on ? [...chosen, value] : chosen.filter((v) => v !== value)));
    return (
      <span className="filter multi" data-column={key}>
        <label className="filter">
          <span>{label}</span>
          <select
            value={several ? "*" : filters[key]}
            onChange={(e) => onChange(withColumnValues(filters, key, [e.target.value]))}
            aria-label={`Filter by ${label}`}
          >
            <option value="">All</option>
            {several && (
              <option value="*" disabled>
                {chosen.length} selected
              </option>
            )}
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <details className="multi-values">
          <summary
            aria-label={`Several ${label} values`}
            title={`Filter by several ${label} values (any of them)`}
          >
            {several ? `+${chosen.length}` : "+"}
          </summary>
          <fieldset aria-label={`${label} values`} data-testid={`values-${key}`}>
            {options.map((o) => (
              <label key={o} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(o)}
                  onChange={(e) => toggle(o, e.target.checked)}
                />
                {o}
              </label>
            ))}
          </fieldset>
        </details>
      </span>
    );
  };
  return (
    <form
      className="filter-bar"
      role="search"
      aria-label="Filter records"
      onSubmit={(e) => e.preventDefault()}
    >
      <label className="filter grow">
        <span>Search</span>
        <input
          type="search"
          placeholder="id, description, equipment…"
          value={filters.q}
          onChange={(e) => set({ q: e.target.value })}
          aria-label="Search text"
        />
      </label>
      {choice("category", "Category", vocabulary.category)}
      {choice("source", "Source", vocabulary.source)}
      {choice("area", "Area", vocabulary.area)}
      {choice("dor", "DOR", vocabulary.dor)}
      <label className="filter">
        <span>Forecast window</span>
        <select
          value={filters.dateMode}
          onChange={(e) => set({ dateMode: e.target.value as DateMode })}
          aria-label="What the dates select"
          title="runs during: the forecast window meets the range; starts in / ends in: its start / end falls in the range"
          data-testid="date-mode"
        >
          {DATE_MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>from</span>
        <input
          type="date"
          value={filters.from}
          onChange={(e) => set({ from: e.target.value })}
          aria-label="Forecast window from"
        />
      </label>
      <label className="filter">
        <span>to</span>
        <input
          type="date"
          value={filters.to}
          onChange={(e) => set({ to: e.target.value })}
          aria-label="Forecast window to"
        />
      </label>
      {vocabulary.endYears && (
        <label className="filter">
          <span>Ends in</span>
          <select
            value={filters.ends ?? ""}
            onChange={(e) => set({ ends: e.target.value })}
            aria-label="Forecast ends in"
          >
            <option value="">Any year</option>
            {vocabulary.endYears.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={filters.draftsOnly}
          onChange={(e) => set({ draftsOnly: e.target.checked })}
        />
        My drafts only
      </label>
      {extra}
      <button type="button" onClick={() => onChange(EMPTY_FILTERS)}>
        Clear
      </button>
    </form>
  );
}
