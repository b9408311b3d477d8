/**
 * A modal dialog on the platform's <dialog> (showModal): the browser keeps the focus inside it,
 * makes the page behind it inert and puts it in the top layer; Escape (the dialog's cancel
 * event) and a click on the backdrop close it unless it needs an answer. The focus moves to the
 * element marked data-autofocus (else the dialog itself) and back where it was on close.
 */
import { type ReactNode, useLayoutEffect, useRef } from "react";

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
  const ref = useRef<HTMLDialogElement>(null);
  // The latest props, for the listeners registered once.
  const latest = useRef({ onClose, dismissible });
  latest.current = { onClose, dismissible };

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    (dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog).focus();
    const cancel = (e: Event) => {
      e.preventDefault(); // React decides: the dialog goes when its owner unmounts it
      if (latest.current.dismissible) latest.current.onClose();
    };
    // The browser may still close it (a second Escape without a user gesture in between):
    // a dialog that needs an answer opens again, another one tells its owner.
    const closed = () => {
      if (!dialog.isConnected) return;
      if (latest.current.dismissible) latest.current.onClose();
      else dialog.showModal();
    };
    dialog.addEventListener("cancel", cancel);
    dialog.addEventListener("close", closed);
    return () => {
      dialog.removeEventListener("cancel", cancel);
      dialog.removeEventListener("close", closed);
      if (dialog.open) dialog.close();
      previous?.focus?.();
    };
  }, []);

  const titleId = `modal-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      className={wide ? "modal wide" : "modal"}
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid={testId}
      onKeyDown={(e) => {
        // The grid and the workspace's shortcuts behind the dialog never see its keys.
        if (e.key === "Escape") e.stopPropagation();
      }}
      onMouseDown={(e) => {
        // A press on the backdrop lands on the dialog itself, outside its box.
        if (e.target !== e.currentTarget || !latest.current.dismissible) return;
        const box = e.currentTarget.getBoundingClientRect();
        const inside =
          e.clientX >= box.left && e.clientX <= box.right && e.clientY >= box.top && e.clientY <= box.bottom;
        if (!inside) onClose();
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
    </dialog>
  );
}
