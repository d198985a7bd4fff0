/**
 * Time: UTC days, calendar months, and the `timeIntervals` parameter of the statistics finders
 * (reading it, LinkedIn's window rules, and the whole buckets it covers).
 *
 * @module
 */

import { badRequest, paramInvalid } from "./errors.ts";
import type { RestliQuery, RestliValue } from "./restli.ts";

/** One UTC day in milliseconds. */
export const DAY_MS = 86_400_000;

/** A `timeGranularityType`. */
export type Granularity = "DAY" | "WEEK" | "MONTH";

/** Days per unit, also used to scale generated values to a bucket's length. */
export const GRAIN_SCALE: Record<Granularity, number> = { DAY: 1, WEEK: 7, MONTH: 30 };

/** A time range in epoch ms, `end` exclusive. */
export interface Range {
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms. */
  end: number;
}

/** A parsed `timeIntervals` parameter. */
export interface TimeIntervals extends Range {
  /** The bucket unit. */
  granularity: Granularity;
}

/** The start (00:00 UTC) of the UTC day containing `time`. */
export function startOfDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

/** `start` moved by `n` units; MONTH steps are calendar months (day clamped to the month's end). */
export function addUnits(start: number, granularity: Granularity, n: number): number {
  if (granularity !== "MONTH") return start + n * GRAIN_SCALE[granularity] * DAY_MS;
  const d = new Date(start);
  const firstOfTarget = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
  const target = new Date(firstOfTarget);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0))
    .getUTCDate();
  return firstOfTarget + (Math.min(d.getUTCDate(), lastDay) - 1) * DAY_MS + (start % DAY_MS);
}

/** Reads `timeIntervals` in 2.0 or 1.0 dotted form; undefined when it is not given. */
export function readTimeIntervals(query: RestliQuery): TimeIntervals | undefined {
  const value = query.object("timeIntervals");
  if (value === undefined) return undefined;
  const range = value.timeRange;
  const granularity = value.timeGranularityType;
  const integer = (v: RestliValue | undefined) =>
    typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  if (typeof range !== "object" || Array.isArray(range)) throw paramInvalid("timeIntervals");
  const start = integer(range.start);
  const end = integer(range.end);
  if (start === undefined || end === undefined) throw paramInvalid("timeIntervals");
  if (granularity !== "DAY" && granularity !== "WEEK" && granularity !== "MONTH") {
    throw paramInvalid("timeIntervals");
  }
  return { start, end, granularity };
}

/** LinkedIn's window rules: at least one unit long, start within 12 months and 2 days old. */
export function checkWindow({ start, end, granularity }: TimeIntervals, now: number): void {
  const invalid = (why: string) => badRequest(`Invalid timeIntervals parameter. ${why}`);
  if (end < addUnits(start, granularity, 1)) {
    throw invalid(
      "End time must be greater than start time by at least one multiple of the granularity " +
        `type [${granularity}]`,
    );
  }
  // LinkedIn compares by UTC calendar day: 12 months back from today's midnight.
  if (start < addUnits(now - (now % DAY_MS), "MONTH", -12)) {
    throw invalid("Start time must be at most 12 months before the request date (UTC).");
  }
  if (start > now - 2 * DAY_MS) {
    throw invalid("Start time must be at least 2 days before the request date (UTC).");
  }
}

/** Whole buckets from `start` within `[start, end)` that have ended before `now`. */
export function buckets(t: TimeIntervals, now: number): Range[] {
  const out = [];
  for (let k = 0;; k++) {
    const bucketEnd = addUnits(t.start, t.granularity, k + 1);
    if (bucketEnd > t.end || bucketEnd > now) return out;
    out.push({ start: addUnits(t.start, t.granularity, k), end: bucketEnd });
  }
}
