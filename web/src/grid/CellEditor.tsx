/** Inline editor of one editable cell: Enter saves, Tab saves and moves, Escape cancels. */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Json } from "../domain/values";
import type { Column } from "./columns";
import { localeDateOrder, parseDateText } from "./parseInput";

const DATE_HINT = { mdy: "3/15/2026", dmy: "15/3/2026", ymd: "2026/3/15" }[localeDateOrder()];

export type EditExit = "down" | "right" | "left" | "stay";

interface Props {
  column: Column;
  value: unknown;
  initialText?: string;
  error: string | null;
  suggestions?: readonly string[];
  /** Returns whether the value was accepted (the editor then closes). */
  onSave: (value: Json, exit: EditExit) => boolean;
  onCancel: () => void;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value);
}

export function CellEditor({ column, value, initialText, error, suggestions, onSave, onCancel }: Props) {
  const [text, setText] = useState(initialText ?? toText(value));
  const inputRef = useRef<HTMLInputElement & HTMLSelectElement>(null);
  const pickerRef = useRef<HTMLInputElement>(null);
  // The native date picker's input exists only while it is open: the cell holds one input.
  const [picking, setPicking] = useState(false);
  useEffect(() => {
    const picker = pickerRef.current;
    if (!picking || !picker) return;
    picker.value = parseDateText(text) ?? "";
    try {
      picker.showPicker();
    } catch {
      picker.focus();
    }
  }, [picking]);
  const done = useRef(false);
  // Focus before the browser handles the next key (a layout effect runs in the same task as the
  // key that opened the editor), the caret after the text typed so far.
  useLayoutEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.focus({ preventScroll: true });
    if (el instanceof HTMLInputElement) {
      if (initialText === undefined) el.select();
      else el.setSelectionRange(el.value.length, el.value.length);
    }
  }, [initialText]);

  const parsed = (): Json => {
    if (column.type === "bool") return text === "true";
    const t = text.trim();
    if (t === "") return null;
    // Typed dates in ISO or the user's locale; anything else goes to the rules as typed.
    return column.type === "date" ? (parseDateText(t) ?? t) : t;
  };

  const original = initialText === undefined ? toText(value) : null;
  const save = (exit: EditExit) => {
    done.current = true;
    // A refused save leaves the editor open (with the message) for another try.
    if (!onSave(parsed(), exit)) done.current = false;
  };

  const onBlur = (e: React.FocusEvent) => {
    if (
      done.current ||
      (e.relatedTarget instanceof Node && e.currentTarget.parentElement?.contains(e.relatedTarget))
    )
      return;
    if (original !== null && text === original) {
      done.current = true;
      onCancel();
    } else save("stay");
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      save("down");
    } else if (e.key === "Tab") {
      e.preventDefault();
      save(e.shiftKey ? "left" : "right");
    } else if (e.key === "ArrowDown" && e.altKey && column.type === "date") {
      e.preventDefault();
      openPicker();
    } else if (e.key === "Escape") {
      e.preventDefault();
      done.current = true;
      onCancel();
    }
  };

  const openPicker = () => setPicking(true);

  const errorId = `edit-error-${column.key}`;
  const common = {
    ref: inputRef,
    className: error ? "cell-input invalid" : "cell-input",
    "aria-label": `${column.label} (Enter to save, Escape to cancel)`,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
    onKeyDown,
    onBlur,
  } as const;

  let input;
  if (column.type === "bool" || column.choices) {
    const options =
      column.type === "bool"
        ? [
            ["true", "Yes"],
            ["false", "No"],
          ]
        : column.choices!.map((c) => [c, c]);
    input = (
      <select {...common} value={text} onChange={(e) => setText(e.target.value)}>
        {column.type !== "bool" && text === "" && <option value="">—</option>}
        {options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    );
  } else {
    const listId = suggestions?.length ? `suggest-${column.key}` : undefined;
    input = (
      <>
        <input
          {...common}
          type="text"
          value={text}
          placeholder={column.type === "date" ? `YYYY-MM-DD or ${DATE_HINT}` : ""}
          inputMode={column.type === "date" ? "numeric" : undefined}
          list={listId}
          onChange={(e) => setText(e.target.value)}
        />
        {column.type === "date" && (
          <>
            <button
              type="button"
              className="date-button"
              tabIndex={-1}
              aria-label="Pick a date (Alt+Down)"
              title="Pick a date (Alt+Down)"
              onMouseDown={(e) => e.preventDefault()}
              onClick={openPicker}
            >
              📅
            </button>
            {picking && (
              <input
                ref={pickerRef}
                type="date"
                className="date-picker"
                tabIndex={-1}
                aria-label={`${column.label}: date picker`}
                data-testid="date-picker"
                onChange={(e) => {
                  if (!e.target.value) return;
                  setText(e.target.value);
                  setPicking(false);
                  inputRef.current?.focus();
                }}
                onKeyDown={onKeyDown}
              />
            )}
          </>
        )}
        {listId && (
          <datalist id={listId}>
            {suggestions!.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        )}
      </>
    );
  }

  return (
    <div className="cell-editor">
      {input}
      {error && (
        <div id={errorId} role="alert" className="cell-error" data-testid="cell-error">
          {error}
        </div>
      )}
    </div>
  );
}
