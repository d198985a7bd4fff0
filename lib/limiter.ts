/**
 * The limit on requests in flight to LinkedIn. Waiting requests go by priority, then in
 * the order they came, so the requests that others wait on go first. The limit adapts to
 * LinkedIn's short-term throttle: each throttled answer halves it (once per wave of requests
 * in flight), and it climbs back by one after as many plain answers as the limit allows,
 * up to the configured maximum.
 *
 * @module
 */

/** What the HTTP layer needs of a request limit. */
export interface RequestLimit {
  /** Runs `task` once a place is free; waiting tasks of a higher `priority` go first. */
  run<T>(task: () => Promise<T>, priority: number): Promise<T>;
  /** A request was throttled; returns the new limit when this lowered it. */
  throttled(): number | undefined;
  /** A request was answered without a throttle. */
  answered(): void;
}

/**
 * No limit at all: every task runs at once (tests of a single request).
 *
 * @example
 * ```ts
 * await NO_LIMIT.run(() => Promise.resolve(1), 0); // 1
 * ```
 */
export const NO_LIMIT: RequestLimit = {
  run: (task) => task(),
  throttled: () => undefined,
  answered: () => {},
};

interface Waiting {
  start(): void;
}

/**
 * Requests in flight under an adaptive limit.
 *
 * @example
 * ```ts
 * const limiter = new RequestLimiter(4);
 * await Promise.all([1, 2, 3].map((n) => limiter.run(() => Promise.resolve(n), n)));
 * limiter.throttled(); // 2: halved
 * limiter.limit; // 2
 * ```
 */
export class RequestLimiter implements RequestLimit {
  #limit: number;
  #active = 0;
  // One first-in-first-out line per priority; a line's head index avoids shifting arrays.
  #lines = new Map<number, { items: Waiting[]; head: number }>();
  #waiting = 0;
  #answersSinceRaise = 0;
  // Requests in flight when the limit was last lowered (started before `#wave`) are of the
  // same wave: while any is in flight, throttles lower it no further.
  #generation = 0;
  #wave = 0;
  #sameWave = 0;

  /** `maximum` is the most requests ever in flight at once (at least 1). */
  constructor(readonly maximum: number) {
    this.#limit = Math.max(1, maximum);
  }

  /** The current limit, between 1 and `maximum`. */
  get limit(): number {
    return this.#limit;
  }

  /** Requests running now. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for a place. */
  get waiting(): number {
    return this.#waiting;
  }

  run<T>(task: () => Promise<T>, priority: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#active++;
        const generation = this.#generation;
        let running: Promise<T>;
        try {
          running = task();
        } catch (error) {
          running = Promise.reject(error);
        }
        // The place is free before the caller resumes, so it may start the next task at once.
        running.then(
          (value) => (this.#finished(generation), resolve(value)),
          (error) => (this.#finished(generation), reject(error)),
        );
      };
      if (this.#active < this.#limit && this.#waiting === 0) return start();
      let line = this.#lines.get(priority);
      if (!line) this.#lines.set(priority, line = { items: [], head: 0 });
      line.items.push({ start });
      this.#waiting++;
    });
  }

  throttled(): number | undefined {
    this.#answersSinceRaise = 0;
    if (this.#sameWave > 0 || this.#limit === 1) return undefined;
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
    this.#wave = ++this.#generation;
    this.#sameWave = this.#active;
    return this.#limit;
  }

  answered(): void {
    if (this.#limit >= this.maximum) return;
    if (++this.#answersSinceRaise < this.#limit) return;
    this.#answersSinceRaise = 0;
    this.#limit++;
    this.#startWaiting();
  }

  #finished(generation: number): void {
    this.#active--;
    if (generation < this.#wave) this.#sameWave--;
    this.#startWaiting();
  }

  #startWaiting(): void {
    while (this.#active < this.#limit && this.#waiting > 0) {
      const priority = Math.max(...[...this.#lines.keys()]);
      const line = this.#lines.get(priority)!;
      const next = line.items[line.head++];
      if (line.head === line.items.length) this.#lines.delete(priority);
      this.#waiting--;
      next.start();
    }
  }
}
