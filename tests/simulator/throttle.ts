/**
 * Rate limits: the daily limits per LinkedIn resource (reset at midnight UTC) and the short-term
 * "infrastructure protection" throttle across all API calls. Neither sends Retry-After.
 *
 * @module
 */

import { dailyLimitReached, throttled } from "./errors.ts";
import { DAY_MS } from "./intervals.ts";

/** Counts calls per key and UTC day. */
export class DailyLimiter {
  private readonly daily = new Map<string, { day: number; calls: number }>();

  /** `limit` calls per key per UTC day (undefined: unlimited), by the clock `now`. */
  constructor(private readonly limit: number | undefined, private readonly now: () => number) {}

  /** Counts one call for `key`; throws the daily-quota 429 once the day's limit is exceeded. */
  count(key: string): void {
    if (this.limit === undefined) return;
    const day = Math.floor(this.now() / DAY_MS);
    const counter = this.daily.get(key);
    const current = counter?.day === day ? counter : { day, calls: 0 };
    current.calls++;
    this.daily.set(key, current);
    if (current.calls > this.limit) throw dailyLimitReached();
  }
}

/**
 * Admits at most `calls` calls in any sliding window of `perMs` milliseconds of real (monotonic)
 * time; refused calls do not count, so the throttle clears once the window has passed.
 */
export class BurstLimiter {
  private readonly admitted: number[] = [];

  /** `limit` undefined: unlimited. */
  constructor(private readonly limit: { calls: number; perMs: number } | undefined) {}

  /** Admits one call, or throws the generic 429. */
  count(): void {
    if (this.limit === undefined) return;
    const now = performance.now();
    while (this.admitted.length > 0 && now - this.admitted[0] >= this.limit.perMs) {
      this.admitted.shift();
    }
    if (this.admitted.length >= this.limit.calls) throw throttled();
    this.admitted.push(now);
  }
}
