/**
 * A queue of pages between one producer and one reader: the producer puts pages
 * and may wait for room, the reader iterates them in order, and either side may end
 * it (the producer with an error the reader then throws).
 *
 * @module
 */

/** Pages a reader may leave unread before its producer waits: bounds memory. */
export const PAGES_AHEAD = 2;

/**
 * Pages in order, read once.
 *
 * @example
 * ```ts
 * const queue = new PageQueue<number>();
 * queue.put([1, 2]);
 * queue.end();
 * for await (const page of queue) console.log(page); // [1, 2]
 * ```
 */
export class PageQueue<T> implements AsyncIterable<T[]> {
  #pages: T[][] = [];
  #ended = false;
  #error: unknown;
  #readerWaits: (() => void) | undefined;
  #producerWaits: (() => void) | undefined;

  /** `onRead` runs each time the reader takes a page or the queue ends. */
  constructor(readonly onRead: () => void = () => {}) {}

  /** Pages put and not yet read. */
  get backlog(): number {
    return this.#pages.length;
  }

  /** True once ended; pages already put can still be read. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Adds a page for the reader; ignored once the queue has ended. */
  put(page: T[]): void {
    if (this.#ended) return;
    this.#pages.push(page);
    this.#wakeReader();
  }

  /**
   * Resolves once fewer than `limit` pages wait or the queue has ended; checks `signal`
   * each time the reader takes a page.
   */
  async room(limit: number, signal: AbortSignal): Promise<void> {
    while (this.#pages.length >= limit && !this.#ended && !signal.aborted) {
      await new Promise<void>((resolve) => (this.#producerWaits = resolve));
    }
  }

  /** Ends the queue after the pages already put; with an error, the reader throws it then. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#wakeReader();
    this.#wakeProducer();
  }

  /** Drops the pages not read yet and ends the queue. */
  cancel(): void {
    this.#pages = [];
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T[]> {
    for (;;) {
      const page = this.#pages.shift();
      if (page) {
        this.#wakeProducer();
        yield page;
      } else if (this.#ended) {
        if (this.#error !== undefined) throw this.#error;
        return;
      } else {
        await new Promise<void>((resolve) => (this.#readerWaits = resolve));
      }
    }
  }

  #wakeReader(): void {
    const wake = this.#readerWaits;
    this.#readerWaits = undefined;
    wake?.();
  }

  #wakeProducer(): void {
    this.onRead();
    const wake = this.#producerWaits;
    this.#producerWaits = undefined;
    wake?.();
  }
}
