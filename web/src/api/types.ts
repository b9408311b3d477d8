/**
 * Shapes of the API's answers (contract.md). Bodies the API describes with models in its OpenAPI
 * document come from the generated `schema.d.ts`; the rest (streamed record bodies) are written
 * out here after contract.md.
 */
import type { Changes } from "../domain/validation";

export type Role = "viewer" | "editor" | "admin";
export type RecordState = "pristine" | "draft" | "conflict" | "orphaned";

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
}

export interface OrgSummary {
  code: string;
  name: string;
  role: Role;
  lastSyncedAt: string | null;
  stale: boolean;
}

export interface Me {
  id: number;
  username: string;
  orgs: OrgSummary[];
}

export interface PfaRow {
  id: string;
  data: Record<string, unknown>;
  hasDraft: boolean;
  state: RecordState;
}

export interface PfaPage {
  records: PfaRow[];
  total: number;
  nextCursor: string | null;
  lastSyncedAt: string | null;
  stale: boolean;
  hasDrafts: boolean;
}

export interface ConflictField {
  base: unknown;
  theirs: unknown;
  mine: unknown;
}

export interface RecordDetail {
  id: string;
  baseline: Record<string, unknown> | null;
  draft: Changes | null;
  merged: Record<string, unknown> | null;
  baseVersion: number | null;
  pemsVersion: number | null;
  state: RecordState;
  conflict: Record<string, ConflictField> | null;
}

export interface DraftInfo {
  recordId: string;
  changes: Changes;
  baseVersion?: number | null;
  /** Baseline values of the changed fields when the draft (or that field) began. */
  baseValues?: Record<string, unknown> | null;
  pemsVersion?: number | null;
  state?: RecordState;
  conflict?: Record<string, ConflictField> | null;
  /** Baseline + changes, derived costs recomputed. */
  merged?: Record<string, unknown> | null;
  orphanedAt?: string | null;
  modifiedAt?: string | null;
}

export interface CommitResult {
  committed: string[];
  failed: { recordId: string; reason: string }[];
}

export interface RecordConflict {
  recordId: string;
  fields: Record<string, ConflictField>;
}

export type ResolveStrategy = "keep_mine" | "use_theirs" | "merge";

export interface KpiFigures {
  plan: number;
  forecast: number;
  actual: number;
  planRental?: number;
  planPurchase?: number;
  forecastRental?: number;
  forecastPurchase?: number;
  actualRental?: number;
  actualPurchase?: number;
  variance: number;
  variancePct: number;
  records?: number;
}

export interface KpiGroup {
  key: string;
  current: KpiFigures;
  pending: KpiFigures;
}

export interface KpiBoard {
  total: { current: KpiFigures; pending: KpiFigures };
  byCategory: KpiGroup[];
  bySource: KpiGroup[];
}

export interface TimelineBounds {
  minStart: string | null;
  maxEnd: string | null;
}

export interface AiQueryResult {
  sql: string;
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  durationMs: number;
  provider: string;
}

export interface AiProposal {
  changes: { recordId: string; changes: Changes }[];
  summary: string;
}

export interface SyncRun {
  id: number;
  org?: string;
  trigger?: string | null;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  fetched?: number | null;
  inserted?: number | null;
  updated?: number | null;
  unchanged?: number | null;
  deleted?: number | null;
  durationMs?: number | null;
  error?: string | null;
}

export interface SyncStatus {
  code: string;
  name?: string;
  schedule: string;
  paused: boolean;
  running: boolean;
  lastRun: SyncRun | null;
  nextRun: string | null;
  lastSyncedAt: string | null;
  stale: boolean;
  late: boolean;
  records?: number | null;
}
