/**
 * Autosave of the sandbox to the API: debounced after each edit, and at least every two
 * minutes while anything is unsaved, plus a last keepalive save when the page goes away, so a
 * closed tab loses nothing; also before a logout and right after a re-login (the session had
 * expired). Saves never overlap; an edit made during a save goes in the next.
 */
import { ApiError, beforeLogout, describeError, onTokenChange } from "../api/client";
import * as api from "../api/endpoints";
import type { OrgStore } from "./orgStore";

export type SaveStatus = "saved" | "dirty" | "saving" | "error";

export const DEBOUNCE_MS = 800;
export const MAX_INTERVAL_MS = 120_000;

export class Autosaver {
  status: SaveStatus = "saved";
  lastError: string | null = null;
  lastSavedAt: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** What `stop` undoes (subscriptions, the interval, page listeners); null when stopped. */
  private cleanups: (() => void)[] | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly onHide = () => {
    if (document.visibilityState === "hidden") void this.flush(true);
  };
  private readonly onPageHide = () => void this.flush(true);

  constructor(private readonly store: OrgStore) {}

  /** Begin watching the sandbox (idempotent); `stop` ends it after a last save. */
  start(): void {
    if (this.cleanups) return;
    const { sandbox } = this.store;
    let seen = sandbox.version;
    const interval = setInterval(() => void this.flush(), MAX_INTERVAL_MS);
    document.addEventListener("visibilitychange", this.onHide);
    window.addEventListener("pagehide", this.onPageHide);
    this.cleanups = [
      sandbox.subscribe(() => {
        if (sandbox.version === seen) return;
        seen = sandbox.version;
        if (sandbox.hasUnsaved) {
          this.setStatus(this.running ? "saving" : "dirty");
          this.schedule();
        }
      }),
      onTokenChange((token) => {
        if (token && sandbox.hasUnsaved) void this.flush();
      }),
      beforeLogout(() => this.flush()),
      () => clearInterval(interval),
      () => document.removeEventListener("visibilitychange", this.onHide),
      () => window.removeEventListener("pagehide", this.onPageHide),
    ];
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    if (!this.cleanups) return;
    void this.flush(true);
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  /** Save everything unsaved now; resolves when the server has it (or refused it). */
  async flush(keepalive = false): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) {
      this.again = true;
      await this.running;
      if (!this.store.sandbox.hasUnsaved) return;
    }
    this.running = this.saveOnce(keepalive);
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (this.again) {
      this.again = false;
      if (this.store.sandbox.hasUnsaved) await this.flush(keepalive);
    }
  }

  private async saveOnce(keepalive: boolean): Promise<void> {
    const { sandbox, code } = this.store;
    const pending = sandbox.pendingSaves();
    if (pending.length === 0) {
      if (this.status !== "error") this.setStatus("saved");
      return;
    }
    this.setStatus("saving");
    const posts = pending.filter((p) => !p.drop);
    const drops = pending.filter((p) => p.drop);
    const errors: string[] = [];
    try {
      if (posts.length > 0) {
        const answer = await api.saveDrafts(
          code,
          posts.map((p) => ({ recordId: p.recordId, changes: p.changes, base: p.base })),
          keepalive,
        );
        for (const p of posts) sandbox.markSaved(p.recordId, p.snapshot);
        // An edit of a value PEMS had changed under the screen comes back as a conflict.
        for (const d of answer?.saved ?? []) {
          const known = this.store.stateOf(d.recordId);
          if (d.state === "conflict" && known !== "conflict") this.store.markState(d.recordId, "conflict");
          if (d.state === "draft" && known === "conflict") this.store.markState(d.recordId, undefined);
        }
      }
    } catch (error) {
      errors.push(describeError(error));
      // All-or-nothing on the server: show the truth again for the records it refused.
      if (error instanceof ApiError && error.status === 422) {
        for (const p of posts)
          await this.store.reloadRecord(p.recordId).catch(() => sandbox.rollback(p.recordId));
      }
    }
    for (const p of drops) {
      try {
        await api.deleteDraft(code, p.recordId, keepalive);
        sandbox.markSaved(p.recordId, {});
        if (this.store.stateOf(p.recordId) === "pristine") this.store.markState(p.recordId, undefined);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) sandbox.markSaved(p.recordId, {});
        else errors.push(describeError(error));
      }
    }
    this.lastError = errors.length > 0 ? errors.join("; ") : null;
    if (errors.length === 0) this.lastSavedAt = Date.now();
    this.store.noteServerDraftsChanged();
    this.setStatus(errors.length > 0 ? "error" : sandbox.hasUnsaved ? "dirty" : "saved");
  }

  private setStatus(status: SaveStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener();
  }
}
