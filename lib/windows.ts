/**
 * Date windows for LinkedIn's time-bound statistics. LinkedIn rejects a window
 * that starts more than 12 months back, ends less than about 2 days ago, or is
 * shorter than one bucket; within those rules one request may span the whole window.
 *
 * @module
 */
import type { Granularity } from "./config.ts";

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** A window of whole buckets, `end` exclusive, both in epoch ms UTC. */
export interface Window {
  start: number;
  end: number;
}

/**
 * The start of the UTC day or month that contains `ms`.
 *
 * @example
 * ```ts
 * floorToBucket(Date.UTC(2026, 4, 17, 13), "MONTH") === Date.UTC(2026, 4, 1); // true
 * ```
 */
export function floorToBucket(ms: number, granularity: Granularity): number {
  const date = new Date(ms);
  return granularity === "DAY"
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/**
 * The first bucket start at or after `ms`.
 *
 * @example
 * ```ts
 * ceilToBucket(Date.UTC(2026, 4, 17, 13), "DAY") === Date.UTC(2026, 4, 18); // true
 * ```
 */
export function ceilToBucket(ms: number, granularity: Granularity): number {
  const floor = floorToBucket(ms, granularity);
  if (floor === ms) return ms;
  const date = new Date(floor);
  return granularity === "DAY"
    ? floor + DAY_MS
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * `ms` moved by whole calendar months (UTC); the day is kept where it exists.
 *
 * @example
 * ```ts
 * addMonths(Date.UTC(2026, 10, 23), -12) === Date.UTC(2025, 10, 23); // true
 * ```
 */
export function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const target = new Date(ms);
  target.setUTCDate(1);
  target.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0))
    .getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target.getTime();
}

/**
 * How long LinkedIn keeps data, and what for messages: 12 months of statistics by default.
 */
export interface Retention {
  months: number;
  /** What is kept, in the plural, e.g. "statistics". */
  what: string;
}

/** LinkedIn's 12 months of organization statistics. */
export const STATISTICS_RETENTION: Retention = { months: 12, what: "statistics" };

/**
 * The oldest bucket start LinkedIn serves: 12 months (or `months`) back, rounded up to
 * a bucket.
 *
 * @example
 * ```ts
 * oldestBucketStart(Date.UTC(2026, 10, 23, 9), "DAY") === Date.UTC(2025, 10, 24); // true
 * oldestBucketStart(Date.UTC(2026, 10, 23, 9), "DAY", 6) === Date.UTC(2026, 4, 24); // true
 * ```
 */
export function oldestBucketStart(now: number, granularity: Granularity, months = 12): number {
  return ceilToBucket(addMonths(now, -months), granularity);
}

/**
 * The end of the newest bucket LinkedIn has finished: the last 2 days are left out.
 *
 * @example
 * ```ts
 * newestBucketEnd(Date.UTC(2026, 10, 23, 9), "DAY") === Date.UTC(2026, 10, 21); // true
 * newestBucketEnd(Date.UTC(2026, 10, 23, 9), "MONTH") === Date.UTC(2026, 10, 1); // true
 * ```
 */
export function newestBucketEnd(now: number, granularity: Granularity): number {
  return floorToBucket(now - 2 * DAY_MS, granularity);
}

/** What decides a statistics window. */
export interface WindowInput {
  now: number;
  granularity: Granularity;
  /** The configured start_date, if any. */
  startDate?: number;
  /** The saved cursor: the end of the last window read. */
  cursor?: number;
  lookbackDays: number;
  /** How far back LinkedIn serves; default 12 months. */
  months?: number;
}

/** A window to read (if any) and whether its start had to be moved up. */
export interface WindowPlan {
  window?: Window;
  clampedFrom?: number;
  /** Where the window starts (or would, once LinkedIn serves a whole bucket from there). */
  from: number;
}

/** Where reading starts, and the configured start when it had to be moved up. */
export interface Start {
  start: number;
  clampedFrom?: number;
}

/**
 * Where a first read of statistics starts: the start date (or 12 months, or `months`,
 * back when none is set), in whole buckets, never earlier than LinkedIn serves.
 *
 * @example
 * ```ts
 * const now = Date.UTC(2026, 10, 23, 9);
 * earliestStart(now, "DAY", Date.UTC(2026, 0, 1)); // { start: Date.UTC(2026, 0, 1) }
 * earliestStart(now, "DAY", Date.UTC(2020, 0, 1)).clampedFrom === Date.UTC(2020, 0, 1); // true
 * ```
 */
export function earliestStart(
  now: number,
  granularity: Granularity,
  startDate: number | undefined,
  months = 12,
): Start {
  const oldest = oldestBucketStart(now, granularity, months);
  if (startDate === undefined) return { start: oldest };
  const wanted = floorToBucket(startDate, granularity);
  return wanted < oldest ? { start: oldest, clampedFrom: wanted } : { start: wanted };
}

/**
 * Plans the one window to request: from the cursor minus the lookback (or the
 * start date, or 12 months back) to the newest finished bucket, in whole buckets,
 * never earlier than LinkedIn serves.
 *
 * @example
 * ```ts
 * const now = Date.UTC(2026, 10, 23, 9);
 * planWindow({ now, granularity: "DAY", lookbackDays: 3, cursor: Date.UTC(2026, 10, 20) }).window;
 * // { start: Date.UTC(2026, 10, 17), end: Date.UTC(2026, 10, 21) }
 * ```
 */
export function planWindow(input: WindowInput): WindowPlan {
  const { now, granularity } = input;
  const first = earliestStart(
    now,
    granularity,
    input.cursor !== undefined ? input.cursor - input.lookbackDays * DAY_MS : input.startDate,
    input.months,
  );
  const end = newestBucketEnd(now, granularity);
  const plan: WindowPlan = first.clampedFrom !== undefined
    ? { clampedFrom: first.clampedFrom, from: first.start }
    : { from: first.start };
  if (end > first.start) plan.window = { start: first.start, end };
  return plan;
}

/**
 * Why a window starting at `from` has nothing to read yet, and from when it will:
 * LinkedIn serves a bucket once it has ended and two more days have passed.
 *
 * @example
 * ```ts
 * nothingYetMessage(Date.UTC(2026, 11, 1), "MONTH");
 * // "nothing to read yet: LinkedIn serves a MONTH of statistics 2 days after it ends, so the first one from 2026-12-01 can be read from 2027-01-03."
 * ```
 */
export function nothingYetMessage(
  from: number,
  granularity: Granularity,
  retention: Retention = STATISTICS_RETENTION,
): string {
  const available = ceilToBucket(from + 1, granularity) + 2 * DAY_MS;
  return `nothing to read yet: LinkedIn serves a ${granularity} of ${retention.what} 2 days ` +
    `after it ends, so the first one from ${isoDate(from)} can be read from ${isoDate(available)}.`;
}

/**
 * What to tell the user when a start was moved up to the oldest day LinkedIn serves.
 *
 * @example
 * ```ts
 * clampedMessage(Date.UTC(2025, 11, 2), Date.UTC(2020, 0, 1));
 * // "LinkedIn serves statistics for about 12 months only, so reading starts on 2025-12-02 instead of 2020-01-01."
 * ```
 */
export function clampedMessage(
  start: number,
  clampedFrom: number,
  retention: Retention = STATISTICS_RETENTION,
): string {
  return `LinkedIn serves ${retention.what} for about ${retention.months} months only, so ` +
    `reading starts on ${isoDate(start)} instead of ${isoDate(clampedFrom)}.`;
}

/**
 * The UTC calendar date (YYYY-MM-DD) of an epoch-ms instant.
 *
 * @example
 * ```ts
 * isoDate(Date.UTC(2026, 0, 5)); // "2026-01-05"
 * ```
 */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
