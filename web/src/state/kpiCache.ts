/**
 * The KPI board's figures (the API's answer, with the user's saved drafts) asked for ahead of the
 * board: the workspace asks again each time the saved drafts change, so the board opens on them
 * at once. Each answer is kept with the drafts version it was asked at (the store's
 * `serverDraftsVersion`, which moves only once a save is answered): an answer asked before the
 * last save is never passed off as current — `fresh(version)` is null then, and the board shows
 * the older answer marked as being updated. At most one request is on its way; a version asked
 * for meanwhile is asked once that one is answered (only the latest).
 */
import type { KpiBoard } from "../api/types";

export interface KpiAnswer {
  /** The drafts version the figures were asked at. */
  version: number;
  board: KpiBoard;
  /** When the answer arrived (ms, the cache's clock). */
  at: number;
}

export interface KpiRequest {
  /** Ask again when the answer held for this version is older than this (ms). */
  maxAgeMs?: number;
  /** Ask again after a failure for this version (otherwise a failed version is left alone). */
  retry?: boolean;
}

export class KpiCache {
  /** The newest answer (possibly for an older version than the current one). */
  latest: KpiAnswer | null = null;
  /** The last failure, for the version it was asked at. */
  failure: { version: number; message: string } | null = null;
  /** Bumped on each answer or failure. */
  version = 0;

  private flight: number | null = null;
  private queued: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly fetchFigures: () => Promise<KpiBoard>,
    private readonly describe: (error: unknown) => string = String,
    private readonly now: () => number = () => Date.now(),
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The figures asked at `version` (every saved draft up to it counted), or null. */
  fresh(version: number): KpiBoard | null {
    return this.latest && this.latest.version === version ? this.latest.board : null;
  }

  /** The failure of the request for `version`, if that is the last thing that happened. */
  failed(version: number): string | null {
    return this.failure && this.failure.version === version ? this.failure.message : null;
  }

  /** A request is on its way or queued. */
  get busy(): boolean {
    return this.flight !== null || this.queued !== null;
  }

  /** Ask for the figures at `version` unless they are held (young enough) or on their way. */
  request(version: number, options: KpiRequest = {}): void {
    const held = this.latest && this.latest.version >= version ? this.latest : null;
    const tooOld = held && options.maxAgeMs !== undefined && this.now() - held.at > options.maxAgeMs;
    if (held && !tooOld) return;
    if (this.failed(version) && !options.retry) return;
    if (this.flight !== null) {
      // The answer on its way counts every draft saved up to its version.
      if (this.flight < version && (this.queued === null || this.queued < version)) this.queued = version;
      return;
    }
    void this.run(version);
  }

  private async run(version: number): Promise<void> {
    this.flight = version;
    try {
      const board = await this.fetchFigures();
      if (!this.latest || this.latest.version <= version) this.latest = { version, board, at: this.now() };
      if (this.failure && this.failure.version <= version) this.failure = null;
    } catch (error) {
      this.failure = { version, message: this.describe(error) };
    } finally {
      this.flight = null;
    }
    this.emit();
    const next = this.queued;
    this.queued = null;
    if (next !== null && next > version) void this.run(next);
  }

  private emit(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
