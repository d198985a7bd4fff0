/**
 * The vocabulary of stream definitions: where a stream's records come from (the
 * answers of an endpoint, the items of a shared feed, or requests about batches of a
 * feed's items), how it is partitioned, its cursor, and how answers become records.
 * The table of streams is `lib/streams.ts`; the engine reads any definition of these
 * shapes and names none.
 *
 * @module
 */
import type { Extract, Row } from "./answers.ts";
import type { Scope } from "./auth.ts";
import type { Granularity } from "./config.ts";
import type { Cursor } from "./cursors.ts";
import { query, type RestliValue } from "./restli.ts";
import type { Start, Window } from "./windows.ts";

export type { Extract, Row } from "./answers.ts";

/** Ids of one kind, asked about together (e.g. 50 share URNs). */
export interface Batch {
  /** The kind of the ids, as the stream's `groupOf` names it (e.g. "share"). */
  group: string;
  ids: readonly string[];
}

/** What a request of a stream depends on. */
export interface RequestContext {
  organizationId: string;
  granularity: Granularity;
  /** The window of time-bound data. */
  window?: Window;
  /** Offset paging. */
  start?: number;
  count?: number;
  /** The parent ids a per-parent request asks about. */
  batch?: Batch;
  /** One of the stream's `variants`, e.g. a metric type. */
  variant?: string;
}

/** What a record of a stream depends on, besides LinkedIn's element. */
export interface RowContext {
  /** The organization's numeric id; empty for streams of the whole connection. */
  organizationId: string;
  /** The UTC date of the sync, `YYYY-MM-DD`. */
  syncDate: string;
  /** The id of the parent item a per-parent record is about (e.g. the post URN). */
  parentId?: string;
}

/** One kind of API call: the scope it needs (if any), and its path and query for a context. */
export interface Endpoint {
  scope?: Scope;
  path(context: RequestContext): string;
  query(context: RequestContext): Record<string, RestliValue | undefined>;
}

/** A request as the client sends it. */
export interface EndpointRequest {
  path: string;
  /** Already Rest.li-encoded, without `?`. */
  query: string;
  scope?: Scope;
}

/**
 * A collection LinkedIn serves in `start`/`count` pages sorted newest first by
 * `sortField`. The engine reads it once per organization and run, as far as the
 * streams that need it go, and shares the pages between them.
 */
export interface Feed {
  /** What the items are, in the plural, for messages (e.g. "posts"). */
  name: string;
  endpoint: Endpoint;
  pageSize: number;
  /** The integer field the pages are sorted by, newest first. */
  sortField: string;
  /** Throws when an item lacks a string `id` or an integer `sortField`. */
  check(item: Row): void;
}

interface Described {
  name: string;
  description: string;
  primaryKey: string[][];
}

interface FromEndpoint extends Described {
  endpoint: Endpoint;
  extract: Extract;
  /** `start`/`count` pages of this size until a short one; without it, one answer. */
  pageSize?: number;
  feed?: never;
  /** Turns one API element into a record; throws when it lacks what the record needs. */
  toRow(element: Row, context: RowContext): Row;
}

/** A stream read from an endpoint's answers for each organization (and window). */
export interface EndpointStream extends FromEndpoint {
  partitions: "organizations";
  incremental?: Cursor<"window"> | Cursor<"snapshot_date">;
}

/** A stream read once for the whole connection: data that belongs to no organization. */
export interface ConnectionStream extends FromEndpoint {
  partitions: "connection";
  incremental?: never;
}

/** A stream whose records are the items of a feed, newest first. */
export interface FeedStream extends Described {
  partitions: "organizations";
  feed: Feed;
  endpoint?: never;
  extract?: never;
  /** Only the `limit` newest items. */
  limit?: number;
  incremental?: Cursor<"newest_first">;
  toRow(item: Row, context: RowContext): Row;
}

/** Partitions made of a parent feed's items, grouped by kind, `size` ids per batch. */
export interface ParentBatches {
  parent: Feed;
  size: number;
  /** The oldest time of interest; the parent feed is read while its sort field is at or after it. */
  since(now: number, startDate: number | undefined): Start;
  /** Whether a parent item (read back to `since`) is asked about. */
  includes(item: Row, since: number): boolean;
  /** The batch group of a parent id, or undefined for ids this stream cannot ask about. */
  groupOf(id: string): string | undefined;
  /** The ids it can ask about, for the warning about the others (e.g. "urn:li:share: URNs"). */
  accepts: string;
}

/** One answer about a batch, with what was asked. */
export interface Answer {
  body: unknown;
  /** The request, for messages, e.g. "stream x, organization 1, batch 2, GET /rest/…". */
  where: string;
  /** The variant asked for, for streams with `variants`. */
  variant?: string;
  /** The one id asked about, when the batch was asked for one id at a time. */
  id?: string;
}

/** The records made of a batch's answers, and the ids LinkedIn answered nothing for. */
export interface BatchRows {
  rows: Row[];
  /** The HTTP status of each id that gets no record because LinkedIn had none. */
  missing?: ReadonlyMap<string, number>;
}

/**
 * A stream of records about each item of a parent feed, requested in batches: one
 * request per batch, or one per variant (e.g. the metric types of one video), or, for
 * a stream with a `single` request and once LinkedIn refuses batch calls to the app,
 * one request per id.
 */
export type BatchStream =
  & BatchStreamBase
  & (
    | { single?: Endpoint; variants?: never }
    | { single?: never; variants?: readonly string[] }
  );

interface BatchStreamBase extends Described {
  partitions: ParentBatches;
  /** The request about a batch. */
  endpoint: Endpoint;
  feed?: never;
  incremental?: Cursor<"window"> | Cursor<"snapshot_date">;
  /**
   * Turns the answers about a batch into records. Only answers of requests that
   * succeeded reach it, so an element missing from them may stand for "nothing".
   */
  rows(answers: readonly Answer[], batch: Batch, context: RowContext): BatchRows;
}

/**
 * One stream of the connector. The union admits only what the engine honours: a
 * newest-first cursor only on a feed (which pages with offsets), a window only on
 * answers that cover one, batches only of a feed's items, one source per stream.
 */
export type StreamDefinition = EndpointStream | ConnectionStream | FeedStream | BatchStream;

/**
 * Encodes the request of an endpoint for a context.
 *
 * @example
 * ```ts
 * const endpoint = { path: () => "/rest/functions", query: () => ({ start: 0, count: 100 }) };
 * requestOf(endpoint, { organizationId: "", granularity: "DAY" });
 * // { path: "/rest/functions", query: "start=0&count=100", scope: undefined }
 * ```
 */
export function requestOf(endpoint: Endpoint, context: RequestContext): EndpointRequest {
  return {
    path: endpoint.path(context),
    query: query(endpoint.query(context)),
    scope: endpoint.scope,
  };
}
