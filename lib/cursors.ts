/**
 * Cursors of incremental streams, one kind per way of reading:
 * - `window`: time-bound statistics; the cursor is the end of the last window read;
 * - `newest_first`: a feed sorted newest first; reading stops at the cursor;
 * - `snapshot_date`: lifetime totals read again every day; the cursor is the last
 *   snapshot's UTC date.
 *
 * A cursor plans one partition's reading from its saved value, observes the records
 * by its `field`, and gives the value to save. {@linkcode StreamCursors} keeps one
 * value per organization, never moves one backwards, and (de)serialises the state
 * `{"organizations": {"<id>": {"<field>": <value>}}}`.
 *
 * @module
 */
import type { Granularity } from "./config.ts";
import { configError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import {
  clampedMessage,
  isoDate,
  nothingYetMessage,
  planWindow,
  type Retention,
  STATISTICS_RETENTION,
  type Window,
} from "./windows.ts";

/** A saved cursor value: epoch ms, or a `YYYY-MM-DD` date. */
export type CursorValue = number | string;

/** A record, as the cursor sees it. */
type Row = Record<string, unknown>;

/** What a cursor lets one partition read. */
export interface ReadPlan {
  /** Nothing to read now; the saved value is kept. */
  skip?: true;
  /** Why there is nothing to read, and when there will be, for the user. */
  idle?: string;
  /** The statistics window to request. */
  window?: Window;
  /** Read only items whose cursor field is greater than this, newest first. */
  newerThan?: number;
  /** The start that was asked for, when LinkedIn's limits moved it up. */
  clampedFrom?: number;
  /** What to tell the user about that, if anything. */
  warning?: string;
}

/** What plans depend on besides the saved value. */
export interface PlanInput {
  now: number;
  granularity: Granularity;
  /** The configured start_date (epoch ms), if any. */
  startDate?: number;
  lookbackDays: number;
}

/** One partition's cursor while it is read. */
export interface PartitionCursor {
  readonly plan: ReadPlan;
  /** Sees one record that was emitted. */
  observe(row: Row): void;
  /** The value to save once the partition has been read completely. */
  close(): CursorValue | undefined;
}

/** The names of the cursor kinds. */
export type CursorKind = "window" | "newest_first" | "snapshot_date";

/** A cursor kind bound to the record field it reads. */
export interface Cursor<K extends CursorKind = CursorKind> {
  readonly kind: K;
  /** The record field the cursor follows (the stream's `cursorField`). */
  readonly field: string;
  /** Parses a saved value; a bad one is a `config_error` naming `where`. */
  parse(raw: unknown, where: string): CursorValue;
  /** Opens a partition's cursor; `saved` is undefined on a first or full-refresh read. */
  open(saved: CursorValue | undefined, input: PlanInput): PartitionCursor;
}

/**
 * The later of two cursor values (numbers by value, dates as text), ignoring `undefined`.
 *
 * @example
 * ```ts
 * later(5, 7); // 7
 * later("2026-12-01", undefined); // "2026-12-01"
 * ```
 */
export function later<V extends CursorValue>(a: V | undefined, b: V | undefined): V | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b > a ? b : a;
}

/** How a window cursor's windows are cut, when not as the config says. */
export interface WindowOptions {
  /** Buckets of this size whatever `time_granularity_type` says. */
  granularity?: Granularity;
  /** How long LinkedIn keeps the data; default its 12 months of statistics. */
  retention?: Retention;
}

/**
 * The cursor of time-bound statistics: one window per partition, from the saved end
 * minus the lookback (or the start date) to the newest finished bucket.
 *
 * @example
 * ```ts
 * const cursor = windowCursor("timeRangeEnd").open(undefined, {
 *   now: Date.UTC(2026, 10, 23, 9),
 *   granularity: "MONTH",
 *   lookbackDays: 3,
 * });
 * cursor.plan.window?.end === Date.UTC(2026, 10, 1); // true
 * ```
 */
export function windowCursor(field: string, options: WindowOptions = {}): Cursor<"window"> {
  const retention = options.retention ?? STATISTICS_RETENTION;
  return {
    kind: "window",
    field,
    parse: epochMs,
    open(saved, input) {
      const planned = planWindow({
        ...input,
        granularity: options.granularity ?? input.granularity,
        months: retention.months,
        cursor: saved as number | undefined,
      });
      const granularity = options.granularity ?? input.granularity;
      const plan: ReadPlan = planned.window
        ? { window: planned.window }
        : { skip: true, idle: nothingYetMessage(planned.from, granularity, retention) };
      if (planned.clampedFrom !== undefined) {
        plan.clampedFrom = planned.clampedFrom;
        if (planned.window) {
          plan.warning = clampedMessage(planned.window.start, planned.clampedFrom, retention);
        }
      }
      return {
        plan,
        // The window decides, not its records: the days LinkedIn has no element for were
        // answered too, and an element past the window must not move the cursor beyond it.
        observe: () => {},
        close: () => later(saved as number | undefined, plan.window?.end),
      };
    },
  };
}

/**
 * The cursor of a feed read newest first: only items newer than the saved value.
 *
 * @example
 * ```ts
 * const cursor = newestFirstCursor("lastModifiedAt").open(5, {
 *   now: 0,
 *   granularity: "DAY",
 *   lookbackDays: 0,
 * });
 * cursor.observe({ lastModifiedAt: 9 });
 * cursor.close(); // 9
 * ```
 */
export function newestFirstCursor(field: string): Cursor<"newest_first"> {
  return {
    kind: "newest_first",
    field,
    parse: epochMs,
    open(saved) {
      let newest = saved as number | undefined;
      return {
        plan: saved === undefined ? {} : { newerThan: saved as number },
        observe: (row) => (newest = later(newest, row[field] as number)),
        close: () => newest,
      };
    },
  };
}

/**
 * The cursor of lifetime totals snapshotted once per UTC day: every sync reads
 * today's snapshot again, unless the saved date lies in the future.
 *
 * @example
 * ```ts
 * const input = { now: Date.UTC(2026, 11, 1, 8), granularity: "DAY", lookbackDays: 3 } as const;
 * snapshotDateCursor("snapshotDate").open("2026-11-30", input).close(); // "2026-12-01"
 * snapshotDateCursor("snapshotDate").open("2027-01-01", input).plan.skip; // true
 * ```
 */
export function snapshotDateCursor(field: string): Cursor<"snapshot_date"> {
  return {
    kind: "snapshot_date",
    field,
    parse: calendarDate,
    open(saved, input) {
      const today = isoDate(input.now);
      const skip = saved !== undefined && (saved as string) > today;
      let newest = saved as string | undefined;
      return {
        plan: skip
          ? { skip: true, idle: `nothing to read: read last on ${saved}, a later date than today.` }
          : {},
        observe: (row) => (newest = later(newest, row[field] as string)),
        close: () => (skip ? newest : later(newest, today)),
      };
    },
  };
}

/**
 * The cursors of one stream, one value per organization, as read from and written to
 * its stream state.
 *
 * @example
 * ```ts
 * const cursors = StreamCursors.fromState(
 *   { organizations: { "1": { lastModifiedAt: 5 } } },
 *   newestFirstCursor("lastModifiedAt"),
 *   ["1", "2"],
 *   "state.json: stream ugc_posts",
 * );
 * cursors.advance("1", 3); // never backwards: stays 5
 * cursors.advance("2", 8);
 * cursors.state(); // { organizations: { "1": { lastModifiedAt: 5 }, "2": { lastModifiedAt: 8 } } }
 * ```
 */
export class StreamCursors {
  #values = new Map<string, CursorValue>();

  constructor(readonly cursor: Cursor) {}

  /**
   * Reads a stream's raw state. Values of organizations not in `organizationIds` are
   * dropped; a single value for the whole stream (`{"timeRangeEnd": 1700000000000}`,
   * as Airbyte's own connector kept it) applies to every organization.
   */
  static fromState(
    raw: unknown,
    cursor: Cursor,
    organizationIds: readonly string[],
    where: string,
  ): StreamCursors {
    const cursors = new StreamCursors(cursor);
    if (raw === null || raw === undefined) return cursors;
    if (!isJsonObject(raw)) throw configError(`${where}: stream_state must be an object.`);
    const field = cursor.field;
    if (raw.organizations === undefined) {
      if (raw[field] === undefined) return cursors;
      const legacy = cursor.parse(raw[field], `${where}: stream_state.${field}`);
      for (const id of organizationIds) cursors.#values.set(id, legacy);
      return cursors;
    }
    if (!isJsonObject(raw.organizations)) {
      throw configError(
        `${where}: stream_state.organizations must be an object keyed by organization id.`,
      );
    }
    for (const [id, value] of Object.entries(raw.organizations)) {
      const path = `${where}: stream_state.organizations.${id}`;
      if (!isJsonObject(value)) {
        throw configError(`${path} must be an object like {"${field}": …}.`);
      }
      const parsed = cursor.parse(value[field], `${path}.${field}`);
      if (organizationIds.includes(id)) cursors.#values.set(id, parsed);
    }
    return cursors;
  }

  /** The saved value of an organization, if any. */
  get(organizationId: string): CursorValue | undefined {
    return this.#values.get(organizationId);
  }

  /** Records an organization's new value; a value older than the saved one is ignored. */
  advance(organizationId: string, value: CursorValue | undefined): void {
    const next = later(this.#values.get(organizationId), value);
    if (next !== undefined) this.#values.set(organizationId, next);
  }

  /** The stream state to emit. */
  state(): { organizations: Record<string, Record<string, CursorValue>> } {
    const organizations: Record<string, Record<string, CursorValue>> = {};
    for (const [id, value] of this.#values) organizations[id] = { [this.cursor.field]: value };
    return { organizations };
  }
}

function epochMs(value: unknown, where: string): number {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 0) {
    throw configError(
      `${where} must be a time in epoch milliseconds (a non-negative integer); got ${
        JSON.stringify(value)
      }.`,
    );
  }
  return number;
}

function calendarDate(value: unknown, where: string): string {
  const valid = typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    isoDate(Date.parse(`${value}T00:00:00Z`)) === value;
  if (!valid) {
    throw configError(`${where} must be a UTC date (YYYY-MM-DD); got ${JSON.stringify(value)}.`);
  }
  return value as string;
}
