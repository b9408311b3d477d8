/**
 * Keeping Tab inside a modal dialog: which element gets the focus next, given the dialog's
 * focusable elements in document order. Pure, so it is tested without a browser.
 */

/** What counts as reachable with Tab inside a dialog. */
export const FOCUSABLE =
  "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), " +
  'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The element Tab (or Shift+Tab) should move to so that the focus stays in the dialog, or
 * null when the browser's own move already stays inside (focus somewhere in the middle).
 * `active` outside `focusables` (e.g. the dialog itself) wraps to the first / last element.
 */
export function wrapFocus<T>(focusables: readonly T[], active: T | null, backwards: boolean): T | null {
  const first = focusables[0];
  const last = focusables[focusables.length - 1];
  if (first === undefined || last === undefined) return null;
  const index = active === null ? -1 : focusables.indexOf(active);
  if (index === -1) return backwards ? last : first;
  if (backwards && index === 0) return last;
  if (!backwards && index === focusables.length - 1) return first;
  return null;
}
