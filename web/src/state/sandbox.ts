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
 *   an edit made while a save is in flight is saved by the next one, never lost;
 * - each save carries `base`: for every changed field, the baseline value shown when the field
 *   entered the draft (kept while it stays drafted, whatever a refresh shows since), so the
 *   server can tell an edit made on a value PEMS has changed meanwhile and keep it as a conflict.
 */
import { type Changes, ValidationFailed, applyChanges } from "../domain/validation";
import { type Json, type Rec, sameValue } from "../domain/values";

export interface FieldEdit {
  before: Json;
  after: Json;
  /** The side was the baseline (the field was not drafted): undo/redo to it leaves the draft, so
   * it lands on the baseline of that moment, which a refresh from PEMS may have changed. */
  beforeIsBaseline?: boolean;
  afterIsBaseline?: boolean;
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
  /** For each field of `changes` set to a value: the value the user saw when editing it. */
  base: Changes;
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
  /** Per drafted record, the baseline value each drafted field had when it entered the draft. */
  private readonly seen = new Map<string, Changes>();
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
    this.seen.clear();
    for (const [id, changes] of serverDrafts) {
      if (Object.keys(changes).length === 0) continue;
      this.drafts.set(id, { ...changes });
      this.saved.set(id, { ...changes });
      this.noteSeen(id, changes);
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
   * `base` says which values an edit was computed from when they are not the baseline shown now
   * (an AI proposal); by default a field's base is its baseline value at the edit.
   */
  edit(
    label: string,
    changes: ReadonlyArray<{ recordId: string; changes: Changes; base?: Changes }>,
  ): boolean {
    const refused: Record<string, Record<string, string>> = {};
    const next = new Map<string, Changes>();
    const bases = new Map<string, Changes>();
    const edits: RecordEdit[] = [];
    for (const { recordId, changes: incoming, base } of changes) {
      if (base) bases.set(recordId, { ...bases.get(recordId), ...base });
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
          if (!sameValue(before, after)) {
            fields[name] = {
              before: before as Json,
              after: after as Json,
              beforeIsBaseline: !(name in existing),
              afterIsBaseline: !(name in updated),
            };
          }
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
    for (const [id, updated] of next) this.setDraft(id, updated, bases.get(id));
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
        out.push({ recordId: id, changes: {}, base: {}, drop: true, snapshot });
        continue;
      }
      const changes: Changes = {};
      const base: Changes = {};
      const seen = this.seen.get(id) ?? {};
      for (const name of new Set([...Object.keys(draft), ...Object.keys(saved)])) {
        const value = draft[name] ?? null;
        if (!(name in saved) || !sameValue(saved[name], value)) changes[name] = value;
        if (name in changes && value !== null && name in seen) base[name] = seen[name] ?? null;
      }
      out.push({ recordId: id, changes, base, drop: false, snapshot });
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
    this.noteSeen(recordId, saved ?? {});
    this.touched.delete(recordId);
    this.emit();
  }

  /** Replace a record's draft with what the server says (e.g. after resolving a conflict). */
  adoptServerDraft(recordId: string, changes: Changes | undefined): void {
    this.seen.delete(recordId);
    if (changes && Object.keys(changes).length > 0) {
      this.drafts.set(recordId, { ...changes });
      this.saved.set(recordId, { ...changes });
      this.noteSeen(recordId, changes);
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
        const toBaseline = side === "before" ? values.beforeIsBaseline : values.afterIsBaseline;
        if (toBaseline || value === null || sameValue(value, baseline[name])) delete draft[name];
        else draft[name] = value;
      }
      this.setDraft(edit.recordId, draft);
    }
  }

  private setDraft(recordId: string, changes: Changes, base?: Changes): void {
    if (Object.keys(changes).length === 0) this.drafts.delete(recordId);
    else this.drafts.set(recordId, changes);
    this.noteSeen(recordId, changes, base);
    this.touched.add(recordId);
  }

  /** Keep the seen value of fields still drafted; fields entering the draft take `base`'s, or
   * the baseline shown now; fields that left the draft are forgotten. */
  private noteSeen(recordId: string, changes: Changes, base?: Changes): void {
    const prior = this.seen.get(recordId) ?? {};
    const baseline = this.baselineOf(recordId) ?? {};
    const next: Changes = {};
    for (const name of Object.keys(changes)) {
      if (name in prior) next[name] = prior[name] ?? null;
      else if (base && name in base) next[name] = base[name] ?? null;
      else next[name] = (baseline[name] ?? null) as Json;
    }
    if (Object.keys(next).length > 0) this.seen.set(recordId, next);
    else this.seen.delete(recordId);
  }

  private emit(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
