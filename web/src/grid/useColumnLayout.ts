/** The grid's column arrangement: a link's (the address), else the user's own, kept on the server
 * so that it follows them from browser to browser (this browser's copy shows at once while the
 * server's arrives). Only the user's own changes are kept; a layout opened from a link is shown,
 * not saved over theirs. */
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api/endpoints";
import { hashQuery } from "../state/urlView";
import { type ColumnLayout, layoutFromQuery, layoutToParams, loadLayout, saveLayout } from "./columnLayout";

/** How long after the last change the arrangement is sent (a resize drag is many changes). */
const SAVE_AFTER_MS = 400;

export function useColumnLayout(code: string): {
  layout: ColumnLayout;
  /** The user arranged the columns: shown and kept. */
  setLayout: (layout: ColumnLayout) => void;
  /** A link's arrangement: shown only. */
  showLayout: (layout: ColumnLayout) => void;
} {
  const [fromAddress] = useState(() => layoutFromQuery(hashQuery(window.location.hash)));
  const [layout, setState] = useState<ColumnLayout>(() => fromAddress ?? loadLayout(code));
  const shownOther = useRef(fromAddress !== null);
  const changed = useRef(false);

  useEffect(() => {
    if (shownOther.current) return;
    let live = true;
    api
      .getColumns(code)
      .then((saved) => {
        if (!live || changed.current || shownOther.current) return;
        const own = layoutFromQuery(saved.query);
        if (own) setState(own);
      })
      .catch(() => undefined); // this browser's copy stays
    return () => {
      live = false;
    };
  }, [code]);

  useEffect(() => {
    if (!changed.current) return;
    saveLayout(code, layout);
    const query = new URLSearchParams(layoutToParams(layout)).toString();
    const send = (keepalive: boolean) => {
      clearTimeout(timer);
      window.removeEventListener("pagehide", leaving);
      api.putColumns(code, query, keepalive).catch(() => undefined); // kept in this browser meanwhile
    };
    // Leaving the page before the delay ends still sends it (the request outlives the page).
    const leaving = () => send(true);
    const timer = setTimeout(() => send(false), SAVE_AFTER_MS);
    window.addEventListener("pagehide", leaving);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("pagehide", leaving);
    };
  }, [code, layout]);

  const setLayout = useCallback((next: ColumnLayout) => {
    changed.current = true;
    shownOther.current = false;
    setState(next);
  }, []);
  const showLayout = useCallback((next: ColumnLayout) => {
    shownOther.current = true;
    setState(next);
  }, []);
  return { layout, setLayout, showLayout };
}
