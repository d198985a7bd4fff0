import assert from "node:assert/strict";
import { FeedPass, type FeedWants, type Subscription } from "../lib/feeds.ts";
import type { Feed, Row } from "../lib/definitions.ts";
import { PAGES_AHEAD } from "../lib/pages.ts";

const FEED: Feed = {
  name: "posts",
  endpoint: { scope: "r_organization_social", path: () => "/rest/posts", query: () => ({}) },
  pageSize: 10,
  sortField: "at",
  check: () => {},
};

/** `count` items, newest first: item n is at `1000 - n`. */
const items = (count: number) =>
  Array.from({ length: count }, (_, n) => ({ id: `p${n}`, at: 1000 - n }));

/** A pass over `all` that counts the pages it fetches; pages carry no `paging.total`. */
function passOver(all: Row[], signal = new AbortController().signal) {
  const fetched: number[] = [];
  const pass = new FeedPass(FEED, (start, count) => {
    fetched.push(start);
    return Promise.resolve({ items: all.slice(start, start + count) });
  }, signal);
  return { pass, fetched };
}

async function ids(subscription: Subscription): Promise<string[]> {
  const out: string[] = [];
  for await (const page of subscription) out.push(...page.map((item) => item.id as string));
  return out;
}

Deno.test("feeds: one pass serves every subscriber what it asked for", async () => {
  const all = items(35);
  const { pass, fetched } = passOver(all);
  const wants: FeedWants[] = [{}, { limit: 12 }, { newerThan: 1000 - 5 }, { from: 1000 - 20 }];
  const subscriptions = wants.map((w, index) => pass.subscribe(w, `stream ${index}`));
  const [everything, latest, newer, recent] = await Promise.all(subscriptions.map(ids));
  assert.deepEqual(everything, all.map((item) => item.id));
  assert.deepEqual(latest, all.slice(0, 12).map((item) => item.id));
  assert.deepEqual(newer, all.slice(0, 5).map((item) => item.id));
  assert.deepEqual(recent, all.slice(0, 21).map((item) => item.id));
  // Four pages of 10 for 35 items, each fetched once.
  assert.deepEqual(fetched, [0, 10, 20, 30]);
});

Deno.test("feeds: the pass goes only as far as the furthest subscriber needs", async () => {
  const { pass, fetched } = passOver(items(100));
  const latest = pass.subscribe({ limit: 15 }, "s");
  const newer = pass.subscribe({ newerThan: 1000 - 3 }, "s");
  await Promise.all([ids(latest), ids(newer)]);
  assert.deepEqual(fetched, [0, 10]);
  const exact = passOver(items(100));
  await ids(exact.pass.subscribe({ limit: 10 }, "s"));
  assert.deepEqual(exact.fetched, [0], "a full first page is enough for 10");
});

Deno.test("feeds: a subscriber that does not read holds the pass a few pages ahead", async () => {
  const { pass, fetched } = passOver(items(1000));
  const slow = pass.subscribe({}, "s");
  const fast = pass.subscribe({}, "s");
  // The slow subscriber joins (so the pass starts) and reads nothing.
  slow[Symbol.asyncIterator]();
  const fastIds = ids(fast);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(fetched, [0, 10], `${PAGES_AHEAD} pages while one subscriber waits`);
  // Once it stops, the others are read to the end.
  slow.cancel();
  assert.equal((await fastIds).length, 1000);
  assert.equal(fetched.length, 101);
});

Deno.test("feeds: a failed page fails every subscriber still reading", async () => {
  const pass = new FeedPass(FEED, (start) => {
    if (start === 10) return Promise.reject(new Error("HTTP 500"));
    return Promise.resolve({ items: items(30).slice(start, start + 10) });
  }, new AbortController().signal);
  const all = pass.subscribe({}, "s");
  const latest = pass.subscribe({ limit: 5 }, "s");
  const [allResult, latestResult] = await Promise.allSettled([ids(all), ids(latest)]);
  assert.equal(allResult.status, "rejected");
  assert.match(String((allResult as PromiseRejectedResult).reason), /HTTP 500/);
  // The subscriber that already had what it wanted is not failed.
  assert.deepEqual(latestResult, { status: "fulfilled", value: ["p0", "p1", "p2", "p3", "p4"] });
});

Deno.test("feeds: every subscriber must join before the pass starts", async () => {
  const { pass } = passOver(items(3));
  const first = pass.subscribe({}, "s");
  await ids(first);
  assert.throws(() => pass.subscribe({}, "s"), /already started/);
});

Deno.test("feeds: an aborted run stops the pass and fails its readers", async () => {
  const abort = new AbortController();
  const { pass, fetched } = passOver(items(1000), abort.signal);
  const slow = pass.subscribe({}, "ugc_posts");
  const iterator = slow[Symbol.asyncIterator]();
  await iterator.next();
  await new Promise((resolve) => setTimeout(resolve, 10));
  abort.abort(143);
  const before = fetched.length;
  // The pages already received, then the abort: a cut feed never reads as a complete one.
  await assert.rejects(async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next());
  }, (reason) => reason === 143);
  assert.equal(fetched.length, before, "no page after the abort");
});

Deno.test("feeds: readers() names the subscribers still reading", async () => {
  const { pass } = passOver(items(30));
  const latest = pass.subscribe({ limit: 5 }, "shares");
  const all = pass.subscribe({}, "ugc_posts");
  assert.deepEqual(pass.readers(), ["shares", "ugc_posts"]);
  const pages = all[Symbol.asyncIterator]();
  await ids(latest);
  assert.deepEqual(pass.readers(), ["ugc_posts"]);
  while (!(await pages.next()).done);
  assert.deepEqual(pass.readers(), []);
});

Deno.test("feeds: the pass starts only once every subscriber reads or has cancelled", async () => {
  const { pass, fetched } = passOver(items(30));
  const fast = pass.subscribe({}, "ugc_posts");
  const later = pass.subscribe({}, "post_statistics");
  const cancelled = pass.subscribe({}, "shares");
  const fastIds = ids(fast);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(fetched, [], "no page is fetched for streams that have not come to it");
  cancelled.cancel();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(fetched, []);
  const laterIds = ids(later);
  assert.equal((await fastIds).length, 30);
  assert.equal((await laterIds).length, 30);
  assert.deepEqual(fetched, [0, 10, 20, 30]);
});

Deno.test("feeds: a subscription is shared when another stream reads the same pass", async () => {
  const { pass } = passOver(items(3));
  const alone = pass.subscribe({}, "ugc_posts");
  assert.equal(alone.shared, false);
  const other = pass.subscribe({}, "shares");
  assert.equal(alone.shared, true);
  assert.equal(other.shared, true);
  // Both get the same items: a reader that changes them must copy them first.
  const [mine, theirs] = await Promise.all([ids(alone), ids(other)]);
  assert.deepEqual(mine, theirs);
});

/**
 * A pass over `all` whose pages carry `paging.total` = `total` and take `delayMs(start)` to
 * come; it records the pages asked for, the most in flight at once, and each page's signal.
 */
function pagedPass(all: Row[], total: number | undefined, delayMs: (start: number) => number) {
  const fetched: number[] = [];
  const cancelled = new Map<number, AbortSignal>();
  let inFlight = 0;
  let mostInFlight = 0;
  const pass = new FeedPass(FEED, async (start, count, signal) => {
    fetched.push(start);
    cancelled.set(start, signal);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, delayMs(start)));
    inFlight--;
    return { items: all.slice(start, start + count), total };
  }, new AbortController().signal);
  return { pass, fetched, cancelled, mostInFlight: () => mostInFlight };
}

Deno.test("feeds: while the total says more pages exist, the next is asked for before the previous is in", async () => {
  // Later pages answer sooner: they must still reach the subscriber in feed order.
  const all = items(35);
  const { pass, fetched, mostInFlight } = pagedPass(all, 35, (start) => 40 - start);
  assert.deepEqual(await ids(pass.subscribe({}, "ugc_posts")), all.map((item) => item.id));
  assert.equal(mostInFlight(), 2);
  // Each page once, and none past the end: the total was right.
  assert.deepEqual(fetched, [0, 10, 20, 30]);
});

Deno.test("feeds: a full last page still ends the feed with one more page, as without a total", async () => {
  const { pass, fetched } = pagedPass(items(30), 30, () => 1);
  assert.equal((await ids(pass.subscribe({}, "ugc_posts"))).length, 30);
  // The empty page at 30 is asked for once the page before it is in: the feed ends on a short
  // page, never on the total alone.
  assert.deepEqual(fetched, [0, 10, 20, 30]);
});

Deno.test("feeds: no page is asked for ahead without a total, or for readers back to a date", async () => {
  const all = items(100);
  const noTotal = pagedPass(all, undefined, () => 1);
  assert.equal((await ids(noTotal.pass.subscribe({}, "ugc_posts"))).length, 100);
  assert.equal(noTotal.mostInFlight(), 1);
  // Whether a reader back to a date wants the next page depends on the page before it.
  const dated = pagedPass(all, 100, () => 1);
  const newer = dated.pass.subscribe({ newerThan: 1000 - 25 }, "ugc_posts");
  const recent = dated.pass.subscribe({ from: 1000 - 15 }, "post_statistics");
  const [newerIds, recentIds] = await Promise.all([ids(newer), ids(recent)]);
  assert.equal(newerIds.length, 25);
  assert.equal(recentIds.length, 16);
  assert.equal(dated.mostInFlight(), 1);
  assert.deepEqual(dated.fetched, [0, 10, 20]);
  // The latest 15 need the page at 10 and not the one at 20.
  const latest = pagedPass(all, 100, () => 1);
  assert.equal((await ids(latest.pass.subscribe({ limit: 15 }, "shares"))).length, 15);
  assert.deepEqual(latest.fetched, [0, 10]);
});

Deno.test("feeds: a total past the end costs at most the pages asked ahead, then cancelled", async () => {
  const all = items(25);
  const { pass, fetched, cancelled } = pagedPass(all, 1000, (start) => (start === 30 ? 50 : 1));
  assert.deepEqual(await ids(pass.subscribe({}, "ugc_posts")), all.map((item) => item.id));
  assert.deepEqual(fetched, [0, 10, 20, 30]);
  assert.equal(cancelled.get(30)?.aborted, true, "the page past the short one is no longer needed");
});

Deno.test("feeds: a page asked ahead that fails fails the readers after the pages before it, and ends the asking", async () => {
  const all = items(50);
  const fetched: number[] = [];
  const pass = new FeedPass(FEED, async (start, count) => {
    fetched.push(start);
    // The page at 20, asked ahead, fails while the page at 10 is still on its way.
    await new Promise((resolve) => setTimeout(resolve, start === 10 ? 30 : 1));
    if (start === 20) throw new Error("HTTP 500");
    return { items: all.slice(start, start + count), total: 50 };
  }, new AbortController().signal);
  const received: string[] = [];
  const reading = (async () => {
    for await (const page of pass.subscribe({}, "ugc_posts")) {
      received.push(...page.map((item) => item.id as string));
    }
  })();
  await assert.rejects(reading, /HTTP 500/);
  assert.deepEqual(received, all.slice(0, 20).map((item) => item.id));
  assert.deepEqual(fetched, [0, 10, 20], "no page is asked for once one has failed");
});

Deno.test("feeds: pages asked ahead count against a reader's room", async () => {
  const { pass, fetched } = pagedPass(items(1000), 1000, () => 1);
  const slow = pass.subscribe({}, "post_statistics");
  const fast = pass.subscribe({}, "ugc_posts");
  slow[Symbol.asyncIterator]();
  const fastIds = ids(fast);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(fetched, [0, 10], `${PAGES_AHEAD} pages, read or not, for the slow reader`);
  slow.cancel();
  assert.equal((await fastIds).length, 1000);
});
