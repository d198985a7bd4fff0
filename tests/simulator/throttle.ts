/**
 * Daily rate limits: per LinkedIn resource, reset at midnight UTC, answered with the documented
 * 429 (and no Retry-After).
 *
 * @module
 */

import { throttled } from "./errors.ts";
import { DAY_MS } from "./intervals.ts";

/** Counts calls per key and UTC day. */
export class DailyLimiter {
  private readonly daily = new Map<string, { day: number; calls: number }>();

  /** `limit` calls per key per UTC day (undefined: unlimited), by the clock `now`. */
  constructor(private readonly limit: number | undefined, private readonly now: () => number) {}

  /** Counts one call for `key`; throws the 429 once the day's limit is exceeded. */
  count(key: string): void {
    if (this.limit === undefined) return;
    const day = Math.floor(this.now() / DAY_MS);
    const counter = this.daily.get(key);
    const current = counter?.day === day ? counter : { day, calls: 0 };
    current.calls++;
    this.daily.set(key, current);
    if (current.calls > this.limit) throw throttled();
  }
}
