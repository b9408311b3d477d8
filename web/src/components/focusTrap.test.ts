import { describe, expect, it } from "vitest";
import { wrapFocus } from "./focusTrap";

describe("wrapFocus", () => {
  const items = ["close", "cancel", "confirm"];

  it("wraps Tab from the last element to the first, Shift+Tab from the first to the last", () => {
    expect(wrapFocus(items, "confirm", false)).toBe("close");
    expect(wrapFocus(items, "close", true)).toBe("confirm");
  });

  it("leaves moves inside the dialog to the browser", () => {
    expect(wrapFocus(items, "close", false)).toBeNull();
    expect(wrapFocus(items, "cancel", true)).toBeNull();
    expect(wrapFocus(items, "cancel", false)).toBeNull();
  });

  it("brings a focus outside the list (the dialog itself) to the first or last element", () => {
    expect(wrapFocus(items, "dialog", false)).toBe("close");
    expect(wrapFocus(items, null, true)).toBe("confirm");
  });

  it("has nothing to do in a dialog without focusable elements", () => {
    expect(wrapFocus([], "dialog", false)).toBeNull();
  });
});
