/** Logging in from a form (the login page, the session-expired dialog): busy and error state. */
import { useState } from "react";
import { describeError } from "../api/client";
import * as api from "../api/endpoints";

export function useLogin(onLoggedIn: (token: string) => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const logIn = async (username: string, password: string) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.login(username, password);
      onLoggedIn(answer.access_token);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, logIn };
}
