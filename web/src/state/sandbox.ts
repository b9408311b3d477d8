/**
 * The sandbox: a user's drafts in one organization, as the grid sees them, with undo/redo over
 * the session's edits and the bookkeeping autosave needs.
 *
 * Guarantees:
 * - `draftOf(id)` only ever holds fields that differ from the record's baseline and pass the
 *   draft rules (an edit that breaks a rule is refused whole, nothing half-applied);
 * - undo/redo restore exactly the values an edit replaced (one step per `edit` call, however many
 *   records or fields it touched);
 * - `pendingSaves()` lists what the server does not know yet; `markSaved` records what it does, so
 *   an edit made while a save is in flight is saved by the next one, never lost.
 */
import { type Changes, ValidationFailed, applyChanges } from "../domain/validation";
import { type Json, type Rec, sameValue } from "../domain/values";

export interface FieldEdit {
  before: Json;
  after: Json;
}

/** One record's part of an undo step: each field's merged value before and after. */
export interface RecordEdit {
  recordId: string;
  fields: Record<string, FieldEdit>;
}

export interface Step {
  label: string;
  edits: RecordEdit[];
}

/** What autosave must send: `changes` for POST /draft (null = back to baseline), or a delete. */
export interface PendingSave {
  recordId: string;
  changes: Changes;
  /** The draft becomes empty: DELETE /drafts/{id} rather than POST. */
  drop: boolean;
  /** The draft as it will be once this save lands (pass back to markSaved). */
  snapshot: Changes;
}

/** Validation refusals of a multi-record edit, by record id. */
export class EditRefused extends Error {
  readonly byRecord: Record<string, Record<string, string>>;

  constructor(byRecord: Record<string, Record<string, string>>) {
    super(
      Object.entries(byRecord)
        .map(([id, fields]) =>
          Object.entries(fields)
            .map(([f, why]) => `${id} ${f}: ${why}`)
            .join("; "),
        )
        .join("; "),
    );
    this.name = "EditRefused";
    this.byRecord = byRecord;
  }
}

type BaselineOf = (recordId: string) => Rec | undefined;
type Listener = () => void;

const MAX_STEPS = 500;

function equalChanges(a: Changes | undefined, b: Changes | undefined): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  return ka.every((k) => b !== undefined && k in b && sameValue(a?.[k], b[k]));
}

export class Sandbox {
  private readonly drafts = new Map<string, Changes>();
  private readonly saved = new Map<string, Changes>();
  private readonly touched = new Set<string>();
  private undoStack: Step[] = [];
  private redoStack: Step[] = [];
  private readonly listeners = new Set<Listener>();
  /** Bumped on every change: a cheap snapshot for React's useSyncExternalStore. */
  version = 0;

  constructor(private readonly baselineOf: BaselineOf) {}

  /** Start from the drafts the server holds (after a load); clears the undo history. */
  reset(serverDrafts: Iterable<[string, Changes]>): void {
    this.drafts.clear();
    this.saved.clear();
    this.touched.clear();
    for (const [id, changes] of serverDrafts) {
      if (Object.keys(changes).length === 0) continue;
      this.drafts.set(id, { ...changes });
      this.saved.set(id, { ...changes });
    }
    this.undoStack = [];
    this.redoStack = [];
    this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  draftOf(recordId: string): Readonly<Changes> | undefined {
    return this.drafts.get(recordId);
  }

  draftIds(): string[] {
    return [...this.drafts.keys()];
  }

  get draftCount(): number {
    return this.drafts.size;
  }

  /** The record as the user sees it: baseline with the draft laid over it. */
  merged(recordId: string): Record<string, unknown> | undefined {
    const baseline = this.baselineOf(recordId);
    if (!baseline) return undefined;
    const draft = this.drafts.get(recordId);
    return draft ? { ...baseline, ...draft } : { ...baseline };
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoLabel(): string | undefined {
    return this.undoStack.at(-1)?.label;
  }

  get redoLabel(): string | undefined {
    return this.redoStack.at(-1)?.label;
  }

  /**
   * Apply changes to one or more records as ONE undoable step (a value of null puts the field
   * back to its baseline). Validated per record with the API's rules; if any record is refused,
   * nothing is applied and EditRefused names every bad field. Returns false if nothing changed.
   */
  edit(label: string, changes: ReadonlyArray<{ recordId: string; changes: Changes }>): boolean {
    const refused: Record<string, Record<string, string>> = {};
    const next = new Map<string, Changes>();
    const edits: RecordEdit[] = [];
    for (const { recordId, changes: incoming } of changes) {
      const baseline = this.baselineOf(recordId);
      if (!baseline) {
        refused[recordId] = { recordId: "is not a record of this organization" };
        continue;
      }
      const existing = next.get(recordId) ?? this.drafts.get(recordId) ?? {};
      try {
        const updated = applyChanges(baseline, existing, incoming);
        const fields: Record<string, FieldEdit> = {};
        for (const name of Object.keys(incoming)) {
          const before = (name in existing ? existing[name] : baseline[name]) ?? null;
          const after = (name in updated ? updated[name] : baseline[name]) ?? null;
          if (!sameValue(before, after)) fields[name] = { before: before as Json, after: after as Json };
        }
        next.set(recordId, updated);
        if (Object.keys(fields).length > 0) edits.push({ recordId, fields });
      } catch (error) {
        if (error instanceof ValidationFailed) refused[recordId] = error.fields;
        else throw error;
      }
    }
    if (Object.keys(refused).length > 0) throw new EditRefused(refused);
    if (edits.length === 0) return false;
    for (const [id, updated] of next) this.setDraft(id, updated);
    this.undoStack.push({ label, edits });
    if (this.undoStack.length > MAX_STEPS) this.undoStack.shift();
    this.redoStack = [];
    this.emit();
    return true;
  }

  undo(): Step | undefined {
    const step = this.undoStack.pop();
    if (!step) return undefined;
    this.replay(step, "before");
    this.redoStack.push(step);
    this.emit();
    return step;
  }

  redo(): Step | undefined {
    const step = this.redoStack.pop();
    if (!step) return undefined;
    this.replay(step, "after");
    this.undoStack.push(step);
    this.emit();
    return step;
  }

  /** Revert one record to its baseline, as an undoable step. */
  revert(recordId: string): boolean {
    const draft = this.drafts.get(recordId);
    if (!draft) return false;
    const nulls: Changes = Object.fromEntries(Object.keys(draft).map((k) => [k, null]));
    if (!this.baselineOf(recordId)) {
      // An orphaned record has no baseline to validate against: just drop the draft.
      this.setDraft(recordId, {});
      this.emit();
      return true;
    }
    return this.edit(`revert ${recordId}`, [{ recordId, changes: nulls }]);
  }

  /** Everything the server does not know yet. */
  pendingSaves(): PendingSave[] {
    const out: PendingSave[] = [];
    for (const id of this.touched) {
      const draft = this.drafts.get(id) ?? {};
      const saved = this.saved.get(id) ?? {};
      if (equalChanges(draft, saved)) {
        this.touched.delete(id);
        continue;
      }
      const snapshot = { ...draft };
      if (Object.keys(draft).length === 0) {
        out.push({ recordId: id, changes: {}, drop: true, snapshot });
        continue;
      }
      const changes: Changes = {};
      for (const name of new Set([...Object.keys(draft), ...Object.keys(saved)])) {
        const value = draft[name] ?? null;
        if (!(name in saved) || !sameValue(saved[name], value)) changes[name] = value;
      }
      out.push({ recordId: id, changes, drop: false, snapshot });
    }
    return out;
  }

  get hasUnsaved(): boolean {
    return this.pendingSaves().length > 0;
  }

  /** The server now holds `snapshot` as this record's draft. */
  markSaved(recordId: string, snapshot: Changes): void {
    if (Object.keys(snapshot).length === 0) this.saved.delete(recordId);
    else this.saved.set(recordId, { ...snapshot });
    if (equalChanges(this.drafts.get(recordId), this.saved.get(recordId))) this.touched.delete(recordId);
    this.emit();
  }

  /**
   * The server refused a save of this record: go back to what it holds, so the grid shows the
   * truth. Undo steps stay (they replay absolute values).
   */
  rollback(recordId: string): void {
    const saved = this.saved.get(recordId);
    if (saved) this.drafts.set(recordId, { ...saved });
    else this.drafts.delete(recordId);
    this.touched.delete(recordId);
    this.emit();
  }

  /** Replace a record's draft with what the server says (e.g. after resolving a conflict). */
  adoptServerDraft(recordId: string, changes: Changes | undefined): void {
    if (changes && Object.keys(changes).length > 0) {
      this.drafts.set(recordId, { ...changes });
      this.saved.set(recordId, { ...changes });
    } else {
      this.drafts.delete(recordId);
      this.saved.delete(recordId);
    }
    this.touched.delete(recordId);
    this.emit();
  }

  private replay(step: Step, side: "before" | "after"): void {
    for (const edit of step.edits) {
      const baseline = this.baselineOf(edit.recordId) ?? {};
      const draft: Changes = { ...(this.drafts.get(edit.recordId) ?? {}) };
      for (const [name, values] of Object.entries(edit.fields)) {
        const value = values[side];
        if (value === null || sameValue(value, baseline[name])) delete draft[name];
        else draft[name] = value;
      }
      this.setDraft(edit.recordId, draft);
    }
  }

  private setDraft(recordId: string, changes: Changes): void {
    if (Object.keys(changes).length === 0) this.drafts.delete(recordId);
    else this.drafts.set(recordId, changes);
    this.touched.add(recordId);
  }

  private emit(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
