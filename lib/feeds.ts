/**
 * One pass over a feed (the posts of an organization), shared by every stream that
 * needs it. Each stream subscribes with how far back it needs the feed; pages are
 * fetched until the furthest subscriber has what it asked for, and each subscriber
 * receives its part of every page as it arrives. The pass fetches a page only when
 * every subscriber still reading has room for it, so memory stays bounded however
 * long the feed is. While LinkedIn's `paging.total` says more pages exist that a
 * subscriber wants whatever they hold, the next page is asked for before the previous
 * one is in; the feed still ends only on a short page.
 *
 * @module
 */
import { PageQueue, PAGES_AHEAD } from "./pages.ts";
import type { Feed, Row } from "./definitions.ts";

/** How much of a newest-first feed a subscriber needs. */
export interface FeedWants {
  /** Only items whose sort field is greater than this; the first older one ends it. */
  newerThan?: number;
  /** Only items whose sort field is at or after this; the first older one ends it. */
  from?: number;
  /** At most this many items. */
  limit?: number;
}

/** One page of a feed: its items, and the feed's length if LinkedIn said (`paging.total`). */
export interface FeedPage {
  items: Row[];
  total?: number;
}

/**
 * Fetches one page of a feed, `count` items from offset `start`, each checked by the feed;
 * `cancelled` is aborted if the pass ends while the page is still on its way.
 */
export type PageFetcher = (
  start: number,
  count: number,
  cancelled: AbortSignal,
) => Promise<FeedPage>;

/**
 * A subscriber's view of a pass: its pages, in order, as an async iterable. The pass
 * starts when the first subscriber begins to iterate.
 *
 * @example
 * ```ts
 * import { POSTS } from "./streams.ts";
 *
 * const noPosts = () => Promise.resolve({ items: [], total: 0 });
 * const pass = new FeedPass(POSTS, noPosts, new AbortController().signal);
 * const subscription = pass.subscribe({ newerThan: 1_700_000_000_000 }, "ugc_posts");
 * subscription.reading; // true until it has read what it wants
 * ```
 */
export class Subscription implements AsyncIterable<Row[]> {
  #pages: PageQueue<Row>;
  #taken = 0;
  #joined = false;

  constructor(readonly pass: FeedPass, readonly wants: FeedWants, readonly reader: string) {
    this.#pages = new PageQueue(() => pass.changed());
  }

  /** True until it has everything it asked for, failed, or was cancelled. */
  get reading(): boolean {
    return !this.#pages.ended;
  }

  /** True when other streams read the same pages (and their items). */
  get shared(): boolean {
    return this.pass.subscribers > 1;
  }

  /** Pages received and not yet read. */
  get backlog(): number {
    return this.#pages.backlog;
  }

  /** True once its stream reads it, or has cancelled it. */
  get joined(): boolean {
    return this.#joined;
  }

  /** Stops receiving pages (the stream is done with the feed, e.g. after a failure). */
  cancel(): void {
    this.#pages.cancel();
    this.#joined = true;
    this.pass.start();
  }

  /**
   * True when it wants the feed's items from `offset` on whatever they hold: it reads the
   * feed by count (all of it, or the latest `limit`), not back to a date.
   */
  wantsItemsAt(offset: number): boolean {
    const { newerThan, from, limit } = this.wants;
    return newerThan === undefined && from === undefined && (limit === undefined || offset < limit);
  }

  /** Takes the part of a fetched page that it wants; ends once it has all it wants. */
  offer(page: readonly Row[], sortField: string): void {
    if (this.#pages.ended) return;
    const { newerThan, from, limit } = this.wants;
    let items = page as Row[];
    let complete = false;
    if (newerThan !== undefined || from !== undefined) {
      const wanted = items.filter((item) => {
        const at = item[sortField] as number;
        return (newerThan === undefined || at > newerThan) && (from === undefined || at >= from);
      });
      // Pages are newest first: once an item is too old, so is the rest of the feed.
      complete = wanted.length < items.length;
      items = wanted;
    }
    if (limit !== undefined && this.#taken + items.length >= limit) {
      items = items.slice(0, limit - this.#taken);
      complete = true;
    }
    this.#taken += items.length;
    if (items.length > 0) this.#pages.put(items);
    if (complete) this.#pages.end();
  }

  /** Ends the subscription, after the pages already received; with an error, fails it. */
  end(error?: unknown): void {
    this.#pages.end(error);
  }

  /** Reads the pages; the pass starts once every subscriber reads (or has cancelled). */
  [Symbol.asyncIterator](): AsyncIterator<Row[]> {
    this.#joined = true;
    this.pass.start();
    return this.#pages[Symbol.asyncIterator]();
  }
}

/**
 * One read of one feed for one organization.
 *
 * @example
 * ```ts
 * import { POSTS } from "./streams.ts";
 *
 * const noPosts = () => Promise.resolve({ items: [], total: 0 });
 * const pass = new FeedPass(POSTS, noPosts, new AbortController().signal);
 * const newest = pass.subscribe({ limit: 50 }, "shares");
 * for await (const page of newest) console.log(page.length);
 * ```
 */
export class FeedPass {
  #subscriptions: Subscription[] = [];
  #started = false;
  #changed: (() => void) | undefined;

  constructor(
    readonly feed: Feed,
    readonly fetchPage: PageFetcher,
    readonly signal: AbortSignal,
  ) {
    signal.addEventListener("abort", () => this.changed(), { once: true });
  }

  /**
   * Adds a subscriber, named `reader` in messages; every subscriber must be added before
   * the pass starts.
   */
  subscribe(wants: FeedWants, reader: string): Subscription {
    if (this.#started) throw new Error(`the ${this.feed.name} pass has already started`);
    const subscription = new Subscription(this, wants, reader);
    this.#subscriptions.push(subscription);
    return subscription;
  }

  /** How many streams subscribed. */
  get subscribers(): number {
    return this.#subscriptions.length;
  }

  /** The names of the subscribers still reading, in the order they subscribed. */
  readers(): string[] {
    return this.#subscriptions.filter((s) => s.reading).map((s) => s.reader);
  }

  /**
   * Starts fetching, once every subscriber reads or has cancelled. Until then the pages
   * would wait for the streams that have not come to this organization yet: a fast stream
   * waits for the others instead, so that no stream runs organizations ahead of the rest
   * with their pages held for it.
   */
  start(): void {
    if (this.#started || !this.#subscriptions.every((s) => s.joined)) return;
    this.#started = true;
    this.#run().then(
      () => this.#endAll(),
      (error) => this.#endAll(error),
    );
  }

  /** Wakes the pass when a subscriber has read a page or stopped. */
  changed(): void {
    const wake = this.#changed;
    this.#changed = undefined;
    wake?.();
  }

  async #run(): Promise<void> {
    const { pageSize, sortField } = this.feed;
    // Pages asked for and not yet offered, in feed order; abandoned once the pass ends.
    const asked: Promise<FeedPage>[] = [];
    const abandoned = new AbortController();
    let next = 0;
    let total: number | undefined;
    // Once a page asked for fails, the pass either fails there or ends before it: no more asks.
    let failed = false;
    try {
      for (;;) {
        // An aborted pass fails its readers: a feed cut short must not pass for a complete one.
        if (this.signal.aborted) throw this.signal.reason ?? new Error("aborted");
        const reading = this.#subscriptions.filter((s) => s.reading);
        if (reading.length === 0) return;
        if (!failed && this.#mayAsk(reading, next, asked.length, total)) {
          const page = this.fetchPage(next, pageSize, abandoned.signal);
          // Awaited in order below; one asked ahead and no longer needed fails unheard.
          page.catch(() => (failed = true));
          asked.push(page);
          next += pageSize;
          continue;
        }
        // Wait for the next page in order, or for a reader to make room for one more ask.
        const changed = new Promise<boolean>((resolve) => (this.#changed = () => resolve(false)));
        const arrived = asked.length === 0
          ? await changed
          : await Promise.race([asked[0].then(() => true), changed]);
        if (!arrived) continue;
        const page = await asked.shift()!;
        total = page.total;
        for (const subscription of this.#subscriptions) subscription.offer(page.items, sortField);
        if (page.items.length < pageSize) return;
      }
    } finally {
      // Only pages still asked for can be on their way (and the reason costs a stack trace).
      if (asked.length > 0) {
        abandoned.abort(new DOMException(`the ${this.feed.name} pass has ended`, "AbortError"));
      }
    }
  }

  /**
   * Whether to ask for the page at `start` now, with `asked` pages on their way: only while
   * every reader has room for them all, and, before the previous answer is in, only for a
   * page LinkedIn's total says exists and a reader wants whatever it holds, so that no
   * request is wasted while the total is right.
   */
  #mayAsk(reading: Subscription[], start: number, asked: number, total?: number): boolean {
    if (!reading.every((s) => s.backlog + asked < PAGES_AHEAD)) return false;
    if (asked === 0) return true;
    return total !== undefined && start < total && reading.some((s) => s.wantsItemsAt(start));
  }

  #endAll(error?: unknown): void {
    for (const subscription of this.#subscriptions) subscription.end(error);
  }
}
