/** Small React hooks over the non-React stores. */
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";

interface Subscribable {
  subscribe(listener: () => void): () => void;
  version?: number;
}

/** Re-render when `source` reports a change; returns its version (a cheap snapshot). */
export function useVersion(source: Subscribable & { version: number }): number {
  return useSyncExternalStore(
    (cb) => source.subscribe(cb),
    () => source.version,
  );
}

/** Re-render on any notification from `source` (for sources without a version counter). */
export function useNotified(source: Subscribable): number {
  const [tick, setTick] = useState(0);
  useEffect(() => source.subscribe(() => setTick((t) => t + 1)), [source]);
  return tick;
}

/** The current time, refreshed every `ms`. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export type Route =
  { name: "login" } | { name: "admin" } | { name: "org"; code: string; view: OrgView } | { name: "home" };

export type OrgView = "grid" | "kpi" | "timeline" | "ai" | "changes";
const VIEWS: OrgView[] = ["grid", "kpi", "timeline", "ai", "changes"];

export function parseRoute(hash: string): Route {
  const parts = (hash.replace(/^#\/?/, "").split("?")[0] ?? "").split("/").filter(Boolean);
  if (parts[0] === "login") return { name: "login" };
  if (parts[0] === "admin") return { name: "admin" };
  if (parts[0] === "org" && parts[1]) {
    const view = VIEWS.includes(parts[2] as OrgView) ? (parts[2] as OrgView) : "grid";
    return { name: "org", code: decodeURIComponent(parts[1]), view };
  }
  return { name: "home" };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case "login":
      return "#/login";
    case "admin":
      return "#/admin";
    case "org":
      return `#/org/${encodeURIComponent(route.code)}/${route.view}`;
    default:
      return "#/";
  }
}

export function useRoute(): [Route, (r: Route) => void] {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  const navigate = useCallback((r: Route) => {
    window.location.hash = routeHash(r);
  }, []);
  return [parseRoute(hash), navigate];
}

/** Whether the media query matches, following it as the window changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", notify);
      return () => list.removeEventListener("change", notify);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}
