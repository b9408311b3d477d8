/**
 * The session ran out (the API answered 401) while the user was working: log in again as the
 * same user without leaving the screen, so the sandbox (unsaved edits, undo history) survives
 * and autosave resumes. Logging out instead drops what was not saved yet.
 */
import { type FormEvent, useState } from "react";
import { Modal } from "./Modal";
import { useLogin } from "./useLogin";

interface Props {
  username: string;
  onRenewed: (token: string) => void;
  onLogout: () => void;
}

export function SessionExpired({ username, onRenewed, onLogout }: Props) {
  const [password, setPassword] = useState("");
  const { error, busy, logIn } = useLogin(onRenewed);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void logIn(username, password);
  };

  return (
    <Modal title="Your session has expired" onClose={onLogout} dismissible={false} testId="session-expired">
      <form className="relogin" onSubmit={submit}>
        <p>
          Log in again as <strong>{username}</strong> to carry on. Your edits stay on screen and are saved as
          soon as you are back.
        </p>
        <label htmlFor="relogin-password">Password</label>
        <input
          id="relogin-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          data-autofocus
        />
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="relogin-actions">
          <button type="button" onClick={onLogout}>
            Log out (drops unsaved edits)
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
