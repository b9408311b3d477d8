import type { Me, OrgSummary } from "../api/types";
import type { Route } from "../hooks";

interface Props {
  me: Me;
  current: OrgSummary | undefined;
  route: Route;
  isAdmin: boolean;
  navigate: (r: Route) => void;
  onLogout: () => void;
}

/** Product name, organization switcher (only the user's organizations, with the role), user. */
export function TopBar({ me, current, route, isAdmin, navigate, onLogout }: Props) {
  return (
    <header className="topbar">
      <span className="brand">PFA Vanguard</span>
      <label className="org-switcher">
        <span className="sr-only">Organization</span>
        <select
          aria-label="Organization"
          value={route.name === "admin" ? "" : (current?.code ?? "")}
          onChange={(e) =>
            e.target.value &&
            navigate({ name: "org", code: e.target.value, view: route.name === "org" ? route.view : "grid" })
          }
        >
          {route.name === "admin" && <option value="">— choose an organization —</option>}
          {me.orgs.map((o) => (
            <option key={o.code} value={o.code}>
              {o.code} — {o.name !== o.code ? `${o.name} · ` : ""}
              {o.role}
            </option>
          ))}
        </select>
      </label>
      {current && route.name !== "admin" && (
        <span className={`role-badge role-${current.role}`} data-testid="role">
          {current.role}
        </span>
      )}
      <span className="spacer" />
      {isAdmin && (
        <a href="#/admin" className={route.name === "admin" ? "nav-link active" : "nav-link"}>
          Admin
        </a>
      )}
      <span className="user" data-testid="username">
        {me.username}
      </span>
      <button onClick={onLogout}>Log out</button>
    </header>
  );
}
