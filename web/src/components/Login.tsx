import { type FormEvent, useState } from "react";
import { useLogin } from "./useLogin";

export function Login({ onLoggedIn }: { onLoggedIn: (token: string) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { error, busy, logIn } = useLogin(onLoggedIn);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void logIn(username, password);
  };

  return (
    <main className="center-page">
      <form className="login" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">PFA Vanguard</h1>
        <p className="muted">Plan · Forecast · Actual</p>
        <label htmlFor="login-username">Username</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          autoFocus
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
