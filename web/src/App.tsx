/** The shell: who is logged in, which organization and screen the URL names. */
import { useCallback, useEffect, useRef, useState } from "react";
import { describeError, finishBeforeLogout, getToken, onUnauthorized, setToken } from "./api/client";
import * as api from "./api/endpoints";
import type { Me } from "./api/types";
import { Login } from "./components/Login";
import { SessionExpired } from "./components/SessionExpired";
import { useRoute } from "./hooks";
import { AdminPage } from "./screens/AdminPage";
import { OrgWorkspace } from "./screens/OrgWorkspace";
import { TopBar } from "./components/TopBar";

export function App() {
  const [token, setTokenState] = useState<string | null>(getToken());
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [route, navigate] = useRoute();

  // The session ran out while working: ask for the password again over the current screen
  // (its unsaved edits are kept), rather than dropping everything for the login page.
  const [expired, setExpired] = useState(false);
  const meRef = useRef<Me | null>(null);
  meRef.current = me;

  const logout = useCallback(() => {
    setToken(null);
    setTokenState(null);
    setMe(null);
    setExpired(false);
  }, []);

  // The Log out button: what is not saved yet is saved first, while the token still works;
  // then the server ends the session (the token is refused from then on, wherever it is).
  const saveAndLogout = useCallback(() => {
    void finishBeforeLogout()
      .then(() => api.logout())
      .catch(() => undefined)
      .then(logout);
  }, [logout]);

  useEffect(() => onUnauthorized(() => (meRef.current ? setExpired(true) : logout())), [logout]);

  const home = route.name === "home" && me ? me.orgs[0]?.code : undefined;
  useEffect(() => {
    if (home) navigate({ name: "org", code: home, view: "grid" });
  }, [home, navigate]);

  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    api
      .me()
      .then((m) => !cancelled && (setMe(m), setError(null)))
      .catch((e) => !cancelled && setError(describeError(e)));
    return () => {
      cancelled = true;
    };
  }, [token]);

  if (!token) {
    return (
      <Login
        onLoggedIn={(t) => {
          setToken(t);
          setTokenState(t);
        }}
      />
    );
  }
  if (!me) {
    return (
      <main className="center-page" aria-busy={!error}>
        {error ? (
          <div role="alert" className="error-box">
            <p>{error}</p>
            <button onClick={logout}>Log in again</button>
          </div>
        ) : (
          <p>Loading…</p>
        )}
      </main>
    );
  }

  const isAdmin = me.orgs.some((o) => o.role === "admin");
  const current =
    route.name === "org"
      ? me.orgs.find((o) => o.code === route.code)
      : route.name === "admin"
        ? undefined
        : me.orgs[0];

  return (
    <div className="app">
      <a
        href="#records-grid"
        className="skip-link"
        onClick={(e) => {
          // The URL's hash is the route: move focus without following the link.
          e.preventDefault();
          (
            document.querySelector<HTMLElement>('[data-testid="grid"]') ??
            document.querySelector<HTMLElement>("main")
          )?.focus();
        }}
      >
        Skip to records
      </a>
      {expired && (
        <SessionExpired
          username={me.username}
          onRenewed={(t) => {
            setExpired(false);
            setToken(t); // autosave listens: what is unsaved goes now
            setTokenState(t);
          }}
          onLogout={logout}
        />
      )}
      <TopBar
        me={me}
        current={current}
        route={route}
        isAdmin={isAdmin}
        navigate={navigate}
        onLogout={saveAndLogout}
      />
      {route.name === "admin" && isAdmin ? (
        <AdminPage orgs={me.orgs.filter((o) => o.role === "admin")} />
      ) : current ? (
        <OrgWorkspace
          key={current.code}
          org={current}
          view={route.name === "org" ? route.view : "grid"}
          navigate={navigate}
        />
      ) : (
        <main className="center-page">
          <p role="alert">
            {me.orgs.length === 0
              ? "You are not a member of any organization yet. Ask an administrator for access."
              : "This organization is not one of yours."}
          </p>
        </main>
      )}
    </div>
  );
}
