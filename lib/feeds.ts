/**
 * One pass over a feed (the posts of an organization), shared by every stream that
 * needs it. Each stream subscribes with how far back it needs the feed; pages are
 * fetched until the furthest subscriber has what it asked for, and each subscriber
 * receives its part of every page as it arrives. The pass fetches a page only when
 * every subscriber still reading has room for it, so memory stays bounded however
 * long the feed is.
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

/** Fetches one page of a feed, `count` items from offset `start`, each checked by the feed. */
export type PageFetcher = (start: number, count: number) => Promise<Row[]>;

/**
 * A subscriber's view of a pass: its pages, in order, as an async iterable. The pass
 * starts when the first subscriber begins to iterate.
 *
 * @example
 * ```ts
 * import { POSTS } from "./streams.ts";
 *
 * const pass = new FeedPass(POSTS, () => Promise.resolve([]), new AbortController().signal);
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
 * const pass = new FeedPass(POSTS, () => Promise.resolve([]), new AbortController().signal);
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
    for (let start = 0;; start += pageSize) {
      for (;;) {
        const reading = this.#subscriptions.filter((s) => s.reading);
        // An aborted pass fails its readers: a feed cut short must not pass for a complete one.
        if (this.signal.aborted) throw this.signal.reason ?? new Error("aborted");
        if (reading.length === 0) return;
        if (reading.every((s) => s.backlog < PAGES_AHEAD)) break;
        await new Promise<void>((resolve) => (this.#changed = resolve));
      }
      const page = await this.fetchPage(start, pageSize);
      for (const subscription of this.#subscriptions) subscription.offer(page, sortField);
      if (page.length < pageSize) return;
    }
  }

  #endAll(error?: unknown): void {
    for (const subscription of this.#subscriptions) subscription.end(error);
  }
}
