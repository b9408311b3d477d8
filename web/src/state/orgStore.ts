/**
 * One organization's records in memory: loaded once (the whole organization in one answer, as
 * columns, decoded in slices between frames), the user's drafts laid over them by the Sandbox,
 * derived costs recomputed only for drafted records. The grid, KPI board, timeline and AI panel
 * all read from here. On the first load the first screen's rows are asked for on their own and
 * shown (read only, `partial`) while the whole organization arrives.
 *
 * It stays fresh without loading again: `poll()` asks the API what changed since the change
 * number the store holds (read before the load, so nothing in between is missed) and updates
 * those records in place; the sandbox (drafts, undo history) is left as it is.
 */
import { type ColumnsBody, decodeColumns, decodeColumnsInSlices, parseColumnsInSlices } from "../api/columns";
import * as api from "../api/endpoints";
import type { DraftInfo, OrgChanges, PfaRow, RecordState, Role } from "../api/types";
import { withDerived } from "../domain/costs";
import { DERIVED_FIELDS } from "../domain/fields";
import type { Changes } from "../domain/validation";
import type { Rec } from "../domain/values";
import { type ChangeSummary, describeChanges, sameRecord, withoutDerived } from "./freshness";
import { type PreparedSearch, SearchIndex, searchText } from "./query";
import { Sandbox } from "./sandbox";

export type LoadStatus = "idle" | "loading" | "ready" | "error";

/** Rows of the first screen, asked for on their own on the first load. */
export const FIRST_PAGE = 100;

export interface LoadOptions {
  /** Show the first rows (in id order) while the whole organization loads. */
  firstPage?: boolean;
}

type Listener = () => void;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class OrgStore {
  readonly sandbox: Sandbox;
  status: LoadStatus = "idle";
  error: string | null = null;
  rows: PfaRow[] = [];
  /** `rows` are only the first screen's, the whole organization still on its way (read only). */
  partial = false;
  lastSyncedAt: string | null = null;
  stale = false;
  /** When the next scheduled sync is due (null: paused, or not known yet). */
  nextSyncAt: string | null = null;
  /** The change number the records are at (null before the first load). */
  mark: number | null = null;
  /** ms from request to parsed records, for the status line. */
  loadMs: number | null = null;
  /** Bumped after each successful save / commit / discard: KPI and bounds refetch on it. */
  serverDraftsVersion = 0;
  /** Bumped whenever `rows` is replaced (filters and sort recompute on it, not on edits). */
  rowsVersion = 0;
  version = 0;

  private index = new Map<string, number>();
  private baselines = new Map<string, Rec>();
  private states = new Map<string, RecordState>();
  private derived = new WeakMap<object, Record<string, unknown>>();
  /** Per drafted record PEMS changed while this screen was open: its baseline before that. */
  private pemsBefore = new Map<string, Rec>();
  private readonly listeners = new Set<Listener>();
  private loadSeq = 0;
  private search: { rowsVersion: number; index: SearchIndex } | null = null;
  private polling: Promise<ChangeSummary | null> | null = null;
  /** The rows are the part of the organization the server-side filters chose. */
  private serverFiltered = false;

  constructor(
    readonly code: string,
    readonly role: Role,
  ) {
    this.sandbox = new Sandbox((id) => this.baselineOf(id));
    this.sandbox.subscribe(() => this.emit());
  }

  /** The role may change records. */
  get roleCanEdit(): boolean {
    return this.role === "editor" || this.role === "admin";
  }

  /** Records can be changed now: the role may, and the whole organization is in. */
  get canEdit(): boolean {
    return this.roleCanEdit && !this.partial;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fetch the whole organization (or the server-filtered part) and the caller's drafts. */
  async load(filters: api.RecordFilters = {}, options: LoadOptions = {}): Promise<void> {
    const seq = ++this.loadSeq;
    const started = performance.now();
    performance.mark("pfa:records-requested");
    this.status = "loading";
    this.error = null;
    this.emit();
    const filtered = Object.values(filters).some((v) => v !== undefined && v !== "");
    if (options.firstPage && this.rows.length === 0 && !filtered) this.showFirstPage(seq);
    try {
      // The mark first: a change landing during the load is then delivered again, never missed.
      const mark = await api.changes(this.code);
      const [text, drafts] = await Promise.all([
        api.recordsColumns(this.code, filters),
        api.drafts(this.code),
      ]);
      performance.mark("pfa:records-fetched");
      const decode = async () => decodeColumnsInSlices(await parseColumnsInSlices(text));
      const [page, baselines] = await Promise.all([decode(), this.fetchBaselines(drafts)]);
      performance.mark("pfa:records-decoded");
      if (seq !== this.loadSeq) return;
      this.partial = false;
      this.rows = page.records;
      this.index = new Map(page.records.map((r, i) => [r.id, i]));
      this.baselines = baselines;
      this.states = new Map();
      for (const r of page.records) if (r.state !== "pristine") this.states.set(r.id, r.state);
      for (const d of drafts) {
        const s = d.state ?? (d.orphanedAt ? "orphaned" : d.conflict ? "conflict" : undefined);
        if (s) this.states.set(d.recordId, s);
      }
      this.mark = mark.version;
      this.serverFiltered = filtered;
      this.lastSyncedAt = page.lastSyncedAt;
      this.stale = mark.stale;
      this.nextSyncAt = mark.nextSyncAt ?? null;
      this.sandbox.reset(drafts.map((d) => [d.recordId, d.changes] as [string, Changes]));
      this.pemsBefore.clear();
      this.loadMs = performance.now() - started;
      performance.mark("pfa:records-loaded");
      this.warmSearch(seq);
      this.status = "ready";
      this.rowsVersion += 1;
    } catch (error) {
      if (seq !== this.loadSeq) return;
      this.status = "error";
      if (this.partial) {
        this.partial = false;
        this.rows = [];
        this.index = new Map();
        this.rowsVersion += 1;
      }
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.emit();
  }

  /** The first screen's rows, shown while the whole organization is on its way (if first). */
  private showFirstPage(seq: number): void {
    api
      .recordsColumns(this.code, { limit: FIRST_PAGE })
      .then((body) => {
        if (seq !== this.loadSeq || this.status !== "loading" || this.rows.length > 0) return;
        const page = decodeColumns(JSON.parse(body) as ColumnsBody);
        this.rows = page.records;
        this.index = new Map(page.records.map((r, i) => [r.id, i]));
        this.partial = true;
        this.rowsVersion += 1;
        performance.mark("pfa:first-page");
        this.emit();
      })
      .catch(() => undefined); // only a head start: the whole organization follows anyway
  }

  /**
   * Baselines of drafted records. A plain draft's baseline is its merged record with the
   * changed fields' base values put back (PEMS cannot have changed those fields, or the draft
   * would be in conflict); conflicting and orphaned drafts are asked for in detail.
   */
  private async fetchBaselines(drafts: DraftInfo[]): Promise<Map<string, Rec>> {
    const out = new Map<string, Rec>();
    const missing: string[] = [];
    for (const d of drafts) {
      const base = d.baseValues ?? {};
      const complete = Object.keys(d.changes).every((k) => k in base);
      if (d.merged && d.state === "draft" && complete) {
        const baseline: Record<string, unknown> = { ...d.merged };
        for (const k of DERIVED_FIELDS) delete baseline[k];
        for (const k of Object.keys(d.changes)) baseline[k] = base[k] ?? null;
        out.set(d.recordId, baseline);
      } else missing.push(d.recordId);
    }
    const details = await mapLimit(missing, 8, (id) => api.record(this.code, id).catch(() => null));
    for (const detail of details) {
      if (detail?.baseline) out.set(detail.id, detail.baseline);
    }
    return out;
  }

  /**
   * Bring the records up to date with what changed since `mark` (a sync, another user's commit),
   * in place. Returns what happened (null when not loaded, or a poll is already running).
   */
  poll(): Promise<ChangeSummary | null> {
    if (this.status !== "ready" || this.mark === null || this.polling) return Promise.resolve(null);
    const seq = this.loadSeq;
    const run = api
      .changes(this.code, this.mark)
      .then(async (delta) => {
        if (seq !== this.loadSeq || this.status !== "ready") return null;
        if (delta.reload) {
          await this.load();
          return {
            updated: 0,
            conflicts: 0,
            removed: 0,
            reloaded: true,
            text: "Records reloaded from PEMS.",
          };
        }
        return this.applyChanges(delta);
      })
      .finally(() => {
        this.polling = null;
      });
    this.polling = run;
    return run;
  }

  /** A poll that starts after the one in flight (if any) ends: it sees everything up to now. */
  async pollAfterCurrent(): Promise<ChangeSummary | null> {
    if (this.polling) await this.polling.catch(() => null);
    return this.poll();
  }

  private applyChanges(delta: OrgChanges): ChangeSummary {
    let updated = 0;
    let conflicts = 0;
    let touched = false;
    for (const r of delta.records ?? []) {
      const i = this.index.get(r.id);
      // A server-filtered screen holds only what its filters chose: it updates those rows and
      // does not take in others (the filters are not re-run here).
      if (i === undefined && this.serverFiltered) continue;
      const before = this.baselineOf(r.id);
      const wasConflict = this.states.get(r.id) === "conflict";
      const baseline = withoutDerived(r.baseline ?? r.data);
      if (!before || !sameRecord(before, baseline)) updated += 1;
      const row: PfaRow = { id: r.id, data: r.data, hasDraft: r.hasDraft, state: r.state };
      if (i === undefined) {
        this.index.set(r.id, this.rows.length);
        this.rows.push(row);
      } else this.rows[i] = row;
      const draft = this.sandbox.draftOf(r.id);
      if ((r.hasDraft || draft) && before && !this.pemsBefore.has(r.id) && !sameRecord(before, baseline)) {
        this.pemsBefore.set(r.id, before);
      }
      if (r.hasDraft || draft) this.baselines.set(r.id, baseline);
      else this.baselines.delete(r.id);
      if (draft) this.derived.delete(draft); // its merged view is laid over the new baseline
      if (r.state === "pristine" || r.state === "draft") this.states.delete(r.id);
      else this.states.set(r.id, r.state);
      if (r.state === "conflict" && !wasConflict) conflicts += 1;
      touched = true;
    }
    const gone = new Set((delta.removed ?? []).filter((id) => this.index.has(id)));
    for (const id of gone) {
      const drafted = this.sandbox.draftOf(id) !== undefined || this.states.has(id);
      const last = this.baselineOf(id);
      if (drafted && last) {
        this.baselines.set(id, last); // shown apart as an orphan, its last baseline kept
        this.states.set(id, "orphaned");
      }
    }
    if (gone.size > 0) {
      this.rows = this.rows.filter((r) => !gone.has(r.id));
      this.index = new Map(this.rows.map((r, i) => [r.id, i]));
      touched = true;
    }
    this.mark = delta.version;
    this.lastSyncedAt = delta.lastSyncedAt ?? this.lastSyncedAt;
    this.stale = delta.stale;
    this.nextSyncAt = delta.nextSyncAt ?? null;
    if (touched) {
      this.rows = this.rows.slice(); // a new array: whoever memoizes on it sees the change
      this.rowsVersion += 1;
      this.serverDraftsVersion += 1; // KPIs and bounds follow the new baseline
    }
    this.emit();
    const summary = { updated, conflicts, removed: gone.size, reloaded: false, text: "" };
    return { ...summary, text: describeChanges(summary) };
  }

  /** Prepare every record's search text in small idle slices, so the first keystroke is fast. */
  private warmSearch(seq: number): void {
    const rows = this.rows;
    let i = 0;
    const slice = () => {
      if (seq !== this.loadSeq) return;
      const end = Math.min(rows.length, i + 2000);
      for (; i < end; i++) {
        const row = rows[i];
        if (row) searchText(row.data);
      }
      if (i < rows.length) setTimeout(slice, 0);
      else setTimeout(() => seq === this.loadSeq && this.preparedSearch(), 0);
    };
    setTimeout(slice, 50);
  }

  /** Is the rows' search index built (a search over it takes a few milliseconds)? */
  searchReady(): boolean {
    return this.search?.rowsVersion === this.rowsVersion;
  }

  /**
   * The rows' search index (built once per `rowsVersion`), and the ids whose shown values may
   * differ from the rows' (drafted, conflicting, orphaned records): `select` checks those itself.
   */
  preparedSearch(): PreparedSearch {
    if (this.search?.rowsVersion !== this.rowsVersion) {
      this.search = { rowsVersion: this.rowsVersion, index: new SearchIndex(this.rows) };
    }
    const except = new Set(this.sandbox.draftIds());
    for (const id of this.baselines.keys()) except.add(id);
    for (const id of this.states.keys()) except.add(id);
    return { index: this.search.index, except };
  }

  /** Refresh one record from the server (after a refused save, a resolution...). */
  async reloadRecord(id: string): Promise<void> {
    const detail = await api.record(this.code, id);
    if (detail.baseline) this.baselines.set(id, detail.baseline);
    this.states.set(id, detail.state);
    if (detail.state === "pristine") this.states.delete(id);
    this.sandbox.adoptServerDraft(id, detail.draft ?? undefined);
  }

  /**
   * The fields PEMS changed on a drafted record since this screen first showed it (what a
   * conflict's other changes are): each with the value seen then and PEMS's value now. Empty
   * when PEMS changed nothing while the screen was open (a reload starts afresh).
   */
  pemsChangesOf(id: string): Record<string, { before: unknown; theirs: unknown }> {
    const before = this.pemsBefore.get(id);
    const now = this.baselines.get(id);
    const out: Record<string, { before: unknown; theirs: unknown }> = {};
    if (!before || !now) return out;
    for (const key of new Set([...Object.keys(before), ...Object.keys(now)])) {
      if (DERIVED_FIELDS.includes(key)) continue;
      if ((before[key] ?? null) !== (now[key] ?? null))
        out[key] = { before: before[key] ?? null, theirs: now[key] ?? null };
    }
    return out;
  }

  baselineOf(id: string): Rec | undefined {
    const known = this.baselines.get(id);
    if (known) return known;
    const i = this.index.get(id);
    if (i === undefined) return undefined;
    const row = this.rows[i];
    return row && !row.hasDraft ? row.data : undefined;
  }

  has(id: string): boolean {
    return this.index.has(id) || this.baselines.has(id);
  }

  /** The record as shown: merged with the user's draft, costs derived from merged values. */
  view(id: string): Record<string, unknown> | undefined {
    const draft = this.sandbox.draftOf(id);
    const i = this.index.get(id);
    const row = i === undefined ? undefined : this.rows[i];
    if (!draft) {
      const base = this.baselines.get(id);
      if (base) {
        let d = this.derived.get(base);
        if (!d) this.derived.set(base, (d = withDerived(base)));
        return d;
      }
      return row?.data;
    }
    let d = this.derived.get(draft);
    if (!d) {
      const baseline = this.baselineOf(id) ?? row?.data ?? {};
      d = withDerived({ ...baseline, ...draft });
      this.derived.set(draft, d);
    }
    return d;
  }

  stateOf(id: string): RecordState {
    const s = this.states.get(id);
    if (s === "orphaned" || s === "conflict") return s;
    return this.sandbox.draftOf(id) ? "draft" : "pristine";
  }

  markState(id: string, state: RecordState | undefined): void {
    if (state) this.states.set(id, state);
    else this.states.delete(id);
    this.emit();
  }

  /** Ids of orphaned drafts (records PEMS removed): shown apart from the grid's rows. */
  /** Ids of the records whose draft is in conflict with PEMS. */
  conflictIds(): string[] {
    return [...this.states].filter(([, s]) => s === "conflict").map(([id]) => id);
  }

  orphanIds(): string[] {
    return [...this.states].filter(([id, s]) => s === "orphaned" && !this.index.has(id)).map(([id]) => id);
  }

  noteServerDraftsChanged(): void {
    this.serverDraftsVersion += 1;
    this.emit();
  }

  private emit(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
