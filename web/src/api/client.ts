/**
 * The one door to the HTTP API: bearer token, JSON in and out, and the API's error shape
 * (`{"error", "detail", ...extra}`) turned into ApiError. Nothing else in the UI calls fetch.
 */

const TOKEN_KEY = "pfa.token";

export class ApiError extends Error {
  readonly status: number;
  readonly kind: string;
  readonly detail: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const detail = typeof body.detail === "string" ? body.detail : `HTTP ${status}`;
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.kind = typeof body.error === "string" ? body.error : "Error";
    this.detail = detail;
    this.body = body;
  }

  /** Per-field messages of a 422 (`fields`), when the API sent them. */
  get fields(): Record<string, string> | undefined {
    const f = this.body.fields;
    return f && typeof f === "object" ? (f as Record<string, string>) : undefined;
  }
}

let token: string | null = readToken();
const unauthorizedListeners = new Set<() => void>();
const tokenListeners = new Set<(token: string | null) => void>();
const logoutTasks = new Set<() => Promise<void>>();

function readToken(): string | null {
  try {
    return globalThis.localStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  for (const listener of tokenListeners) listener(value);
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable (private mode): the token lives for this page only */
  }
}

/** Called with the new token (null: logged out) whenever it changes, e.g. after a re-login. */
export function onTokenChange(listener: (token: string | null) => void): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

/**
 * Work to finish while the token is still valid when the user logs out (autosave registers its
 * flush here, so an edit made a moment before "Log out" is saved, not dropped).
 */
export function beforeLogout(task: () => Promise<void>): () => void {
  logoutTasks.add(task);
  return () => logoutTasks.delete(task);
}

/** Run every `beforeLogout` task; failures are the tasks' own business (never thrown). */
export async function finishBeforeLogout(): Promise<void> {
  await Promise.allSettled([...logoutTasks].map((task) => task()));
}

/** Called when the API answers 401 (expired or revoked token): the app asks to log in again. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** a list repeats its parameter (category=Crane&category=Generator) */
  query?: Record<string, string | number | boolean | readonly string[] | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  keepalive?: boolean;
  /** Answer the body's text as it came (a successful answer only): the caller parses it. */
  text?: boolean;
}

export function buildUrl(path: string, query?: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(buildUrl(path, options.query), {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
    signal: options.signal,
    keepalive: options.keepalive,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (options.text && response.ok) return text as T;
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { error: "BadResponse", detail: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith("/api/auth/")) {
      for (const listener of unauthorizedListeners) listener();
    }
    const errorBody =
      parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : { detail: text };
    throw new ApiError(response.status, errorBody);
  }
  return parsed as T;
}

/** Fetch a file from the API (with the bearer token) and hand it to the browser as a download. */
export async function download(
  path: string,
  query: RequestOptions["query"],
  filename: string,
): Promise<void> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(buildUrl(path, query), { headers });
  if (!response.ok) {
    const text = await response.text();
    let body: Record<string, unknown> = { detail: text.slice(0, 200) };
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not the API's error shape: keep the text */
    }
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(response.status, body);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A message for people from any error the API layer throws. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fields;
    if (fields) {
      return Object.entries(fields)
        .map(([name, why]) => `${name}: ${typeof why === "string" ? why : JSON.stringify(why)}`)
        .join("; ");
    }
    return error.detail;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
