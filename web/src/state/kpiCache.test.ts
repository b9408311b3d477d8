import { describe, expect, it } from "vitest";
import type { KpiBoard } from "../api/types";
import { KpiCache } from "./kpiCache";

/** A fetcher whose answers the test releases one by one, in order. */
function gated() {
  const waiting: { resolve: (b: KpiBoard) => void; reject: (e: unknown) => void }[] = [];
  let asked = 0;
  const fetcher = () =>
    new Promise<KpiBoard>((resolve, reject) => {
      asked += 1;
      waiting.push({ resolve, reject });
    });
  const answer = async (label: string) => {
    const next = waiting.shift();
    if (!next) throw new Error("nothing asked");
    next.resolve({ currency: label } as unknown as KpiBoard);
    await new Promise((r) => setTimeout(r, 0));
  };
  const fail = async (message: string) => {
    waiting.shift()?.reject(new Error(message));
    await new Promise((r) => setTimeout(r, 0));
  };
  return { fetcher, answer, fail, asked: () => asked };
}

const label = (b: KpiBoard | null) => (b as unknown as { currency: string } | null)?.currency ?? null;

describe("KpiCache", () => {
  it("holds the answer for the drafts version it was asked at, and asks once per version", async () => {
    const g = gated();
    const cache = new KpiCache(g.fetcher);
    cache.request(0);
    cache.request(0);
    expect(g.asked()).toBe(1);
    expect(cache.fresh(0)).toBeNull();
    await g.answer("v0");
    expect(label(cache.fresh(0))).toBe("v0");
    cache.request(0);
    expect(g.asked()).toBe(1);
  });

  it("never passes an answer asked before the last save off as current", async () => {
    const g = gated();
    const cache = new KpiCache(g.fetcher);
    cache.request(0);
    await g.answer("v0");
    // A save is answered: the held figures no longer count every saved draft.
    expect(cache.fresh(1)).toBeNull();
    expect(cache.latest?.version).toBe(0);
    cache.request(1);
    await g.answer("v1");
    expect(label(cache.fresh(1))).toBe("v1");
  });

  it("asks for a version saved while a request is on its way once that one is answered, only the latest", async () => {
    const g = gated();
    const cache = new KpiCache(g.fetcher);
    cache.request(1);
    cache.request(2);
    cache.request(3);
    expect(g.asked()).toBe(1);
    await g.answer("asked at 1");
    // The answer asked at 1 is held, but not as the figures of version 3.
    expect(cache.latest?.version).toBe(1);
    expect(cache.fresh(3)).toBeNull();
    expect(g.asked()).toBe(2);
    await g.answer("asked at 3");
    expect(label(cache.fresh(3))).toBe("asked at 3");
    expect(g.asked()).toBe(2);
    expect(cache.busy).toBe(false);
  });

  it("does not ask again for an older version than the one held or on its way", async () => {
    const g = gated();
    const cache = new KpiCache(g.fetcher);
    cache.request(2);
    cache.request(1);
    await g.answer("v2");
    cache.request(1);
    expect(g.asked()).toBe(1);
    expect(cache.fresh(1)).toBeNull();
  });

  it("asks again when the held answer is older than allowed", async () => {
    const g = gated();
    let now = 1_000;
    const cache = new KpiCache(g.fetcher, String, () => now);
    cache.request(0);
    await g.answer("first");
    now += 10_000;
    cache.request(0, { maxAgeMs: 30_000 });
    expect(g.asked()).toBe(1);
    now += 30_000;
    cache.request(0, { maxAgeMs: 30_000 });
    expect(g.asked()).toBe(2);
    // Meanwhile the held answer still shows.
    expect(label(cache.fresh(0))).toBe("first");
    await g.answer("second");
    expect(label(cache.fresh(0))).toBe("second");
  });

  it("keeps a failure for its version, asks again only when told to, and tells its listeners", async () => {
    const g = gated();
    const cache = new KpiCache(g.fetcher, (e) => (e as Error).message);
    let told = 0;
    cache.subscribe(() => (told += 1));
    cache.request(0);
    await g.fail("down");
    expect(cache.failed(0)).toBe("down");
    expect(cache.failed(1)).toBeNull();
    cache.request(0);
    expect(g.asked()).toBe(1);
    cache.request(0, { retry: true });
    expect(g.asked()).toBe(2);
    await g.answer("back");
    expect(cache.failed(0)).toBeNull();
    expect(label(cache.fresh(0))).toBe("back");
    expect(told).toBe(2);
  });
});
