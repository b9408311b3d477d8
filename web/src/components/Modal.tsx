/**
 * A modal dialog: labelled, focus moved in on open and back on close, Tab and Shift+Tab kept
 * inside it, Escape closes.
 */
import { type ReactNode, useEffect, useRef } from "react";
import { FOCUSABLE, wrapFocus } from "./focusTrap";

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  testId?: string;
  /** false: no close button and Escape does nothing (the dialog needs an answer). */
  dismissible?: boolean;
}

export function Modal({ title, onClose, children, footer, wide, testId, dismissible = true }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    // the element marked data-autofocus (e.g. a password field), else the dialog itself
    (ref.current?.querySelector<HTMLElement>("[data-autofocus]") ?? ref.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  const titleId = `modal-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => dismissible && e.target === e.currentTarget && onClose()}
    >
      <div
        ref={ref}
        className={wide ? "modal wide" : "modal"}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            if (dismissible) onClose();
          } else if (e.key === "Tab" && ref.current) {
            const focusables = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE));
            const active = document.activeElement as HTMLElement | null;
            const target = wrapFocus(focusables, active, e.shiftKey);
            if (target) {
              e.preventDefault();
              target.focus();
            }
          }
        }}
      >
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          {dismissible && (
            <button className="icon" aria-label="Close" onClick={onClose}>
              ×
            </button>
          )}
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-footer">{footer}</footer>}
      </div>
    </div>
  );
}
