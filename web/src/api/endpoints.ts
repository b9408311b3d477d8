/** One function per API route the UI uses (docs/api.md, generated types from web/openapi.json). */
import type { Changes } from "../domain/validation";
import { download, request } from "./client";
import { COLUMNS_TYPE } from "./columns";
import type {
  AiProposal,
  AiQueryResult,
  CommitProgress,
  CommitResult,
  DraftInfo,
  HistoryPage,
  SavedView,
  SavedColumnLayout as ColumnLayoutAnswer,
  SpendProfile,
  ViewTotals,
  OrgChanges,
  KpiBoard,
  KpiResponse,
  Me,
  OrgSummary,
  PfaPage,
  RecordDetail,
  ResolveResult,
  ResolveStrategy,
  RunRequested,
  SaveDraftsResponse,
  SyncRun,
  SyncStatus,
  TimelineBounds,
  TokenResponse,
} from "./types";
import { kpiBoard } from "./normalize";

const org = (code: string) => `/api/pfa/${encodeURIComponent(code)}`;

export const login = (username: string, password: string) =>
  request<TokenResponse>("/api/auth/login", { body: { username, password } });

/** Ends every session of the caller on the server (this token and the user's others). */
export const logout = () => request<void>("/api/auth/logout", { method: "POST" });

export const me = () => request<Me>("/api/me");

export const orgs = () => request<OrgSummary[]>("/api/orgs");

export interface RecordFilters {
  category?: string;
  source?: string;
  area?: string;
  dor?: string;
  from?: string;
  dateMode?: string;
  to?: string;
  q?: string;
  hasDraft?: boolean;
  sort?: string;
  /** At most this many records (the first page). */
  limit?: number;
}

/** The whole organization in one answer (no limit): parsed once and kept in memory. */
export const records = (code: string, filters: RecordFilters = {}, signal?: AbortSignal) =>
  request<PfaPage>(org(code), { query: { ...filters }, signal });

/** The same read as columns (the grid's layout: a fraction of the bytes): its text, not parsed. */
export const recordsColumns = (code: string, filters: RecordFilters = {}, signal?: AbortSignal) =>
  request<string>(org(code), {
    query: { ...filters },
    headers: { Accept: COLUMNS_TYPE },
    signal,
    text: true,
  });

/** What changed in the organization since change number `since` (none: just the current mark). */
export const changes = (code: string, since?: number) =>
  request<OrgChanges>(`${org(code)}/changes`, { query: { since } });

/** Ask for a sync of the organization now (editors and admins). */
export const refreshOrg = (code: string) => request<RunRequested>(`${org(code)}/refresh`, { method: "POST" });

export const record = (code: string, id: string) =>
  request<RecordDetail>(`${org(code)}/records/${encodeURIComponent(id)}`);

export const drafts = (code: string) => request<DraftInfo[]>(`${org(code)}/drafts`);

export const saveDrafts = (
  code: string,
  items: { recordId: string; changes: Changes; base?: Changes }[],
  keepalive = false,
) => request<SaveDraftsResponse>(`${org(code)}/draft`, { body: items, keepalive });

export const deleteDraft = (code: string, id: string, keepalive = false) =>
  request<unknown>(`${org(code)}/drafts/${encodeURIComponent(id)}`, { method: "DELETE", keepalive });

export const discard = (code: string) => request<unknown>(`${org(code)}/discard`, { method: "POST" });

export const commit = (code: string, recordIds: string[] | undefined, idempotencyKey: string) =>
  request<CommitResult>(`${org(code)}/commit`, {
    body: recordIds ? { recordIds } : {},
    headers: { "Idempotency-Key": idempotencyKey },
  });

/** How far the caller's latest commit in `code` got. */
export const commitProgress = (code: string) => request<CommitProgress>(`${org(code)}/commit/progress`);

/** Stop the caller's running commit before its next record (the unsent drafts stay drafts). */
export const cancelCommit = (code: string) =>
  request<{ commitId: number; cancelRequested: boolean }>(`${org(code)}/commit/cancel`, { method: "POST" });

export const resolveConflict = (
  code: string,
  id: string,
  strategy: ResolveStrategy,
  fields?: Record<string, "mine" | "theirs">,
) =>
  request<ResolveResult>(`${org(code)}/conflicts/${encodeURIComponent(id)}/resolve`, {
    body: fields ? { strategy, fields } : { strategy },
  });

export async function kpi(code: string, withDrafts = true): Promise<KpiBoard> {
  return kpiBoard(await request<KpiResponse>(`${org(code)}/kpi`, { query: { drafts: withDrafts } }));
}

export interface HistoryFilter {
  since?: string;
  user?: string;
  source?: "sync" | "commit" | "archive";
  field?: string;
  pfa_id?: string;
  cursor?: string;
  limit?: number;
}

/** Field-level changes of the organization's records (syncs found, commits made), newest first. */
export const history = (code: string, filter: HistoryFilter) =>
  request<HistoryPage>(`${org(code)}/history`, { query: { ...filter } });

/** Plan / forecast / actual by month (the spend profile), optionally by a group, with drafts. */
export const kpiMonths = (code: string, withDrafts: boolean, by?: string) =>
  request<SpendProfile>(`${org(code)}/kpi/months`, { query: { drafts: withDrafts, by } });

/** The totals of the view a query string selects (the read's parameters). */
export const viewTotals = (code: string, query: string) =>
  request<ViewTotals>(`${org(code)}/totals${query ? `?${query}` : ""}`);

export const listViews = (code: string) => request<SavedView[]>(`${org(code)}/views`);
export const saveView = (code: string, name: string, query: string, shared: boolean) =>
  request<SavedView>(`${org(code)}/views`, { body: { name, query, shared } });
export const deleteView = (code: string, id: number) =>
  request<void>(`${org(code)}/views/${id}`, { method: "DELETE" });

/** The caller's arrangement of the grid's columns (address parameters; empty: the default). */
export const getColumns = (code: string) => request<ColumnLayoutAnswer>(`${org(code)}/columns`);
export const putColumns = (code: string, query: string, keepalive = false) =>
  request<ColumnLayoutAnswer>(`${org(code)}/columns`, { method: "PUT", body: { query }, keepalive });

/** The grid's current view (filters, sort; the caller's drafts applied) as a CSV or .xlsx file. */
export const exportView = (
  code: string,
  query: Record<string, string | boolean | readonly string[] | undefined>,
  format: "csv" | "xlsx",
) => download(`${org(code)}/export.${format}`, query, `${code}-view.${format}`);

/** The KPI board (with the caller's drafts) as an .xlsx workbook. */
export const exportKpi = (code: string) =>
  download(`${org(code)}/kpi.xlsx`, { drafts: true }, `${code}-kpi.xlsx`);

export const timelineBounds = (code: string, withDrafts = true) =>
  request<TimelineBounds>(`${org(code)}/timeline-bounds`, { query: { drafts: withDrafts } });

export const aiQuery = (code: string, question: string) =>
  request<AiQueryResult>("/api/ai/query", { body: { org: code, question } });

export const aiDraft = (code: string, instruction: string) =>
  request<AiProposal>("/api/ai/draft", { body: { org: code, instruction } });

export const syncStatus = () => request<SyncStatus[]>("/api/admin/sync");

export const runSync = (code: string) =>
  request<RunRequested>(`/api/admin/sync/${encodeURIComponent(code)}`, { method: "POST" });

export const pauseSync = (code: string) =>
  request<unknown>(`/api/admin/sync/${encodeURIComponent(code)}/pause`, { method: "POST" });

export const resumeSync = (code: string) =>
  request<unknown>(`/api/admin/sync/${encodeURIComponent(code)}/resume`, { method: "POST" });

export const setSchedule = (code: string, cron: string) =>
  request<unknown>(`/api/admin/sync/${encodeURIComponent(code)}/schedule`, {
    method: "PUT",
    body: { cron },
  });

export const syncRuns = (code?: string) =>
  request<SyncRun[]>("/api/admin/sync/runs", { query: { org: code } });
